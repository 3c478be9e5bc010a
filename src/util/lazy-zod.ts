import { createRequire } from 'node:module';

type Zod = (typeof import('zod'))['z'];
let zod: Zod | undefined;

/**
 * zod for code on the lint path. Loading zod costs ~90 ms, most of `retell-kit lint`'s start-up, and
 * only runs with a config file or rule options need it; so it is required on first use, synchronously,
 * never imported at module load.
 */
export function lazyZod(): Zod {
  return (zod ??= (createRequire(import.meta.url)('zod') as typeof import('zod')).z);
}
