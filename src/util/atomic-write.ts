import {
  close,
  closeSync,
  fchmod,
  fchmodSync,
  fsync,
  fsyncSync,
  mkdir,
  mkdirSync,
  open,
  openSync,
  realpath,
  realpathSync,
  rename,
  renameSync,
  rm,
  rmSync,
  stat,
  statSync,
  writeFile,
  writeFileSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

// The one way retell-kit replaces a file it writes (reports, baselines, fixed flows, recordings,
// pulled agents, the emulator's state, the call cache): through a temporary file and a rename, so a
// reader never sees half of it. The rename lands on the real file: a symlink stays a link and the
// file it points to gets the text, with that file's mode. What is not a regular file (/dev/null,
// /dev/stdout, a FIFO) is written in place: a rename there once replaced /dev/null itself with a
// regular file. Not node:fs/promises: lint loads this at start, and that module brings more with it.

export interface AtomicWriteOptions {
  /** Permission bits of the file written; default: the replaced file's, or the umask's for a new one. */
  mode?: number;
  /** fsync the text before the rename: state a crash must not lose (the emulator's). */
  durable?: boolean;
}

/** The promise forms of the fs calls, made at the first asynchronous write: lint loads this module at start and rarely writes a file. */
function promised() {
  return {
    stat: promisify(stat),
    realpath: promisify(realpath),
    mkdir: promisify(mkdir),
    writeFile: promisify(writeFile),
    open: promisify(open),
    fchmod: promisify(fchmod),
    fsync: promisify(fsync),
    close: promisify(close),
    rename: promisify(rename),
    rm: promisify(rm),
  };
}
let fsp: ReturnType<typeof promised> | undefined;

let written = 0;
/** A temp name of its own per write: two writes of one file (in one process or two) never share one. */
function tempOf(target: string): string {
  return `${target}.${process.pid}.${(++written).toString(36)}${Date.now().toString(36)}.tmp`;
}

function missing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw error;
}

export async function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = {}): Promise<void> {
  const p = (fsp ??= promised());
  const existing = await p.stat(file).catch(missing);
  if (existing && !existing.isFile()) return p.writeFile(file, text);
  const target = existing ? await p.realpath(file) : file;
  await p.mkdir(path.dirname(path.resolve(target)), { recursive: true });
  const tmp = tempOf(target);
  try {
    const fd = await p.open(tmp, 'w', options.mode);
    try {
      // writeFile on a descriptor writes the whole text, however many write calls that takes.
      await p.writeFile(fd, text);
      const mode = options.mode ?? (existing ? existing.mode & 0o777 : undefined);
      if (mode !== undefined) await p.fchmod(fd, mode);
      if (options.durable) await p.fsync(fd);
    } finally {
      await p.close(fd);
    }
    await p.rename(tmp, target);
  } catch (error) {
    await p.rm(tmp, { force: true }).catch(() => {});
    throw error;
  }
}

export function writeFileAtomicSync(file: string, text: string, options: AtomicWriteOptions = {}): void {
  let existing: Stats | undefined;
  try {
    existing = statSync(file);
  } catch (error) {
    missing(error);
  }
  if (existing && !existing.isFile()) return writeFileSync(file, text);
  const target = existing ? realpathSync(file) : file;
  mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const tmp = tempOf(target);
  try {
    const fd = openSync(tmp, 'w', options.mode);
    try {
      writeFileSync(fd, text);
      const mode = options.mode ?? (existing ? existing.mode & 0o777 : undefined);
      if (mode !== undefined) fchmodSync(fd, mode);
      if (options.durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
