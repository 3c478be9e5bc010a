import * as fs from 'node:fs';
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

const stat = promisify(fs.stat);
const realpath = promisify(fs.realpath);
const mkdir = promisify(fs.mkdir);
const writeFile = promisify(fs.writeFile);
const open = promisify(fs.open);
const fchmod = promisify(fs.fchmod);
const fsync = promisify(fs.fsync);
const close = promisify(fs.close);
const rename = promisify(fs.rename);
const rm = promisify(fs.rm);

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
  const existing = await stat(file).catch(missing);
  if (existing && !existing.isFile()) return writeFile(file, text);
  const target = existing ? await realpath(file) : file;
  await mkdir(path.dirname(path.resolve(target)), { recursive: true });
  const tmp = tempOf(target);
  try {
    const fd = await open(tmp, 'w', options.mode);
    try {
      // writeFile on a descriptor writes the whole text, however many write calls that takes.
      await writeFile(fd, text);
      const mode = options.mode ?? (existing ? existing.mode & 0o777 : undefined);
      if (mode !== undefined) await fchmod(fd, mode);
      if (options.durable) await fsync(fd);
    } finally {
      await close(fd);
    }
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => {});
    throw error;
  }
}

export function writeFileAtomicSync(file: string, text: string, options: AtomicWriteOptions = {}): void {
  let existing: fs.Stats | undefined;
  try {
    existing = fs.statSync(file);
  } catch (error) {
    missing(error);
  }
  if (existing && !existing.isFile()) return fs.writeFileSync(file, text);
  const target = existing ? fs.realpathSync(file) : file;
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const tmp = tempOf(target);
  try {
    const fd = fs.openSync(tmp, 'w', options.mode);
    try {
      fs.writeFileSync(fd, text);
      const mode = options.mode ?? (existing ? existing.mode & 0o777 : undefined);
      if (mode !== undefined) fs.fchmodSync(fd, mode);
      if (options.durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}
