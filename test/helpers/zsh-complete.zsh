# Drive zsh's real completion in a pseudo-terminal: type each line, press Tab, print what zsh shows.
# usage: zsh -f zsh-complete.zsh <dir holding _retell-kit> <line>...
# No fixed sleeps (CI once read the pty before compinit was done), so a loaded machine is slower,
# never wrong: every step waits for a marker (42, computed, so never an echo of what was typed).
# Tab runs zsh's own completion widget, then forces the redraw (zle skips it while keys are typed
# ahead) and prints the marker.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D; PROMPT='> '; zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' menu no; tab-then-mark() { zle expand-or-complete; zle -R; print -n -- \"=DONE\$((6*7))=\" }; zle -N tab-then-mark; bindkey '^I' tab-then-mark; print -r -- READY\$((6*7))"
shift
# The prompt drawn after the marker means zle reads the keys from here on (not the tty, which echoes).
zpty -r z out '*READY42*> *'
for line in "$@"; do
  # Ctrl-U first clears what the previous step left on the line.
  zpty -n -w z $'\x15'"$line"$'\t'
  out=""
  zpty -r z out '*=DONE42=*'
  print -r -- "<<<${line}>>>"
  print -r -- "$out" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | tr -d '\r\b'
done
zpty -d z
