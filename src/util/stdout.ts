import { fstatSync, writeSync } from 'node:fs';

/**
 * Standard output for commands that print their result and finish (lint), without making
 * process.stdout: for a pipe, the usual case in CI, that stream loads net and the stream modules,
 * ~6 % of a cold lint. While no one has touched process.stdout, text goes to fd 1 with blocking
 * writes (what Node does for pipes and files on Linux anyway); once the stream exists, or if fd 1
 * answers EAGAIN (a non-blocking pipe), it goes through the stream, so the order never changes.
 * Only after watchStdio() (main() calls it first): elsewhere (tests, the API) the stream is used.
 */

type Std = 'stdout' | 'stderr';
const made: Record<Std, boolean> = { stdout: true, stderr: true };

/**
 * Note when process.stdout and process.stderr are first made (a getter that puts Node's back), and
 * hand stdout to `onStdout` then: main() attaches its EPIPE handler there instead of making the
 * stream at start.
 */
export function watchStdio(onStdout: (stream: NodeJS.WriteStream) => void): void {
  watch('stdout', onStdout);
  watch('stderr');
}

function watch(name: Std, onMade?: (stream: NodeJS.WriteStream) => void): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  // Windows consoles take UTF-16 through the stream, not UTF-8 bytes on fd 1: the stream there, always.
  if (!own?.get || !own.configurable || process.platform === 'win32') {
    if (onMade) onMade(process[name]);
    return;
  }
  made[name] = false;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own.enumerable,
    get() {
      Object.defineProperty(process, name, own);
      const stream = process[name];
      made[name] = true;
      onMade?.(stream);
      return stream;
    },
  });
}

/**
 * Write to standard output. A reader that closed the pipe (`lint | head`) ends the process with the
 * exit code so far, as main()'s handler does for the stream.
 */
export function writeStdout(text: string): void {
  if (made.stdout) {
    process.stdout.write(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  try {
    while (done < bytes.length) {
      const n = writeSync(1, bytes, done, bytes.length - done);
      if (n <= 0) break;
      done += n;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (code !== 'EAGAIN') throw error;
  }
  if (done < bytes.length) process.stdout.write(bytes.subarray(done));
}

/** Whether standard output is a terminal, without making the stream unless fd 1 is a character device. */
export function stdoutIsTTY(): boolean {
  if (!made.stdout) {
    try {
      if (!fstatSync(1).isCharacterDevice()) return false;
    } catch {
      return false;
    }
  }
  return Boolean(process.stdout.isTTY);
}

/** Wait until what was written to the streams that exist has gone out (pipes can be asynchronous: macOS). */
export async function flushStdio(): Promise<void> {
  const streams = (['stdout', 'stderr'] as const).filter((name) => made[name]).map((name) => process[name]);
  await Promise.all(streams.map((stream) => new Promise((resolve) => stream.write('', resolve))));
}
