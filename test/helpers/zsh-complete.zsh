# Drive zsh's real completion in a pseudo-terminal: type each line, press Tab, print what zsh shows.
# usage: zsh -f zsh-complete.zsh <dir holding _retell-kit> <line>...
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D; PROMPT='> '; zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' menu no"
shift
sleep 0.5
while zpty -r -t z chunk; do :; done
for line in "$@"; do
  zpty -n -w z "$line"$'\t'
  sleep 0.7
  out=""
  while zpty -r -t z chunk; do out+=$chunk; done
  print -r -- "<<<${line}>>>"
  print -r -- "$out" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | tr -d '\r\b'
  zpty -n -w z $'\x15'
  sleep 0.2
  while zpty -r -t z chunk; do :; done
done
zpty -d z
