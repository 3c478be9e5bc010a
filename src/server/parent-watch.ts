import { readFileSync } from 'node:fs';

// `npx retell-kit serve` and `npm start` put npm (and often a shell) between a signal and serve: a
// SIGTERM sent to npm can leave serve running, re-parented, its drain never run. When npm launched
// us and then goes away, that is as good as a SIGTERM: watch the launcher and stop like one.

/** Our parent's parent pid (Linux /proc), or undefined where it cannot be read. */
function grandparent(): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and brackets, so split after the last ')'.
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When started by npm (npx, npm exec, npm start: npm sets npm_command), call `onGone` once the
 * launcher exits: our parent changes (npm ran us directly) or our parent's parent does (npm ran a
 * shell that runs us). Returns a function that stops watching. Does nothing when npm did not start us.
 */
export function watchLauncher(onGone: () => void, env: NodeJS.ProcessEnv = process.env, everyMs = 500): () => void {
  if (!env.npm_command) return () => {};
  const parent = process.ppid;
  const grand = grandparent();
  const timer = setInterval(() => {
    const now = grandparent();
    if (process.ppid !== parent || (grand !== undefined && now !== undefined && now !== grand)) {
      clearInterval(timer);
      onGone();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
