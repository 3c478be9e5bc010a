import { KitError } from '../errors.js';
import { writeFileAtomic, writeFileAtomicSync } from '../util/atomic-write.js';

/**
 * Write a report, a baseline or a fixed flow atomically (src/util/atomic-write.ts: a symlink stays a
 * link, a device or FIFO is written in place, a rewritten file keeps its mode); trouble is one KitError
 * naming what was written.
 */
export async function writeAtomically(file: string, text: string, what = 'report'): Promise<void> {
  try {
    await writeFileAtomic(file, text);
  } catch (error) {
    throw writeError(file, what, error);
  }
}

/**
 * writeAtomically without giving the event loop a turn: for a command that writes its report and exits.
 * A turn there runs whatever V8 queued meanwhile (after a 10k-node lint, a scavenge of ~8 ms that the
 * exit makes pointless).
 */
export function writeAtomicallySync(file: string, text: string, what = 'report'): void {
  try {
    writeFileAtomicSync(file, text);
  } catch (error) {
    throw writeError(file, what, error);
  }
}

/** The one error both forms throw. */
function writeError(file: string, what: string, error: unknown): KitError {
  return new KitError('io', `cannot write ${what}: ${(error as Error).message}`, { file, cause: error });
}
