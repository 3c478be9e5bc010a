import { chmod as chmodCallback, mkdir as mkdirCallback, realpath as realpathCallback, rename as renameCallback, stat as statCallback, writeFile as writeFileCallback, type Stats } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { KitError } from '../errors.js';

// Not node:fs/promises: lint loads this module at start, and that one brings readline and more with it.
const chmod = promisify(chmodCallback);
const mkdir = promisify(mkdirCallback);
const realpath = promisify(realpathCallback);
const rename = promisify(renameCallback);
const stat = promisify(statCallback);
const writeFile = promisify(writeFileCallback);

/**
 * Write a file (a report, a baseline, a fixed flow) through a temporary file and a rename, so a reader
 * never sees half of it. The rename lands on the real file: a symlink stays a link and the file it
 * points to gets the text, with its mode. What is not a regular file (`-o /dev/null`, /dev/stdout, a
 * FIFO) is written in place: a rename there replaced /dev/null itself with a regular file.
 */
export async function writeAtomically(file: string, text: string, what = 'report'): Promise<void> {
  try {
    const existing = await stat(file).catch((error: NodeJS.ErrnoException): Stats | undefined => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (existing && !existing.isFile()) return await writeFile(file, text);
    const target = existing ? await realpath(file) : file;
    await mkdir(path.dirname(path.resolve(target)), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    await writeFile(tmp, text);
    if (existing) await chmod(tmp, existing.mode & 0o777);
    await rename(tmp, target);
  } catch (error) {
    throw new KitError('io', `cannot write ${what}: ${(error as Error).message}`, { file, cause: error });
  }
}
