/**
 * V8's on-stack replacement (OSR) compiles the whole function around a loop that has run for a while,
 * in the background, and jumps into the result mid-loop. A lint runs each of its loops (building the
 * graph, the schema's node list, each rule) once, over every node. On a flow of a few thousand nodes
 * those compiles (10-40 ms each for the biggest functions) finish after the loop has, and on a 2-core
 * CI machine they take the core the garbage collector's helpers use: bench:lint's 10k-node flow linted
 * ~15 % faster without them (CPU 0.29 -> 0.22 s), a 3k-node one ~9 %. Loops over 30k nodes and more
 * run long enough to profit (100k nodes took 14 % longer without OSR), and below ~1k nodes it makes no
 * difference, so only inputs in between turn it off. The flag is read at each tiering decision, so
 * flipping it between files is safe; it changes no compiled code, and V8 takes the code cache either way.
 *
 * Only the CLI does this (through LintFilesOptions.beforeLint): the programmatic API never changes
 * flags of the process that loaded it.
 */
import { createRequire } from 'node:module';

/** Inputs of at least this many characters lint faster without OSR... */
export const NO_OSR_FROM = 1 << 20;
/** ...and below this many. */
export const NO_OSR_BELOW = 24 << 20;

let osr = true;

/** Whether OSR suits a lint of `chars` characters of input. */
export function osrSuits(chars: number): boolean {
  return chars < NO_OSR_FROM || chars >= NO_OSR_BELOW;
}

/** Turn OSR on or off for what runs next (node:v8 is loaded only when a change is needed). */
export function setOsr(on: boolean): void {
  if (on === osr) return;
  osr = on;
  (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString(on ? '--use-osr' : '--no-use-osr');
}

/** Before linting an input of `chars` characters. */
export function tuneJitFor(chars: number): void {
  setOsr(osrSuits(chars));
}
