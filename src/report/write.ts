import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KitError } from '../errors.js';

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
