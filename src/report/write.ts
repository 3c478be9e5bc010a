import { KitError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/**
 * Write a report, a baseline or a fixed flow atomically (src/util/atomic-write.ts: a symlink stays a
 * link, a device or FIFO is written in place, a rewritten file keeps its mode); trouble is one KitError
 * naming what was written.
 */
export async function writeAtomically(file: string, text: string, what = 'report'): Promise<void> {
  try {
    await writeFileAtomic(file, text);
  } catch (error) {
    throw new KitError('io', `cannot write ${what}: ${(error as Error).message}`, { file, cause: error });
  }
}
