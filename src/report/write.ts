import { mkdir as mkdirCallback, rename as renameCallback, writeFile as writeFileCallback } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { KitError } from '../errors.js';

// Not node:fs/promises: lint loads this module at start, and that one brings readline and more with it.
const mkdir = promisify(mkdirCallback);
const rename = promisify(renameCallback);
const writeFile = promisify(writeFileCallback);

/** Write a report through a temporary file and a rename, so a reader never sees half a report. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  try {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (error) {
    throw new KitError('io', `cannot write report: ${(error as Error).message}`, { file, cause: error });
  }
}
