import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/cli.js';
import { distIsStale } from './helpers/fresh-dist.js';

describe('npm test cannot pass against a stale dist/', () => {
  it('calls dist stale when missing or older than any file under src/, fresh otherwise', () => {
    const root = tempDir();
    for (const dir of ['src/validators', 'scripts', 'dist']) mkdirSync(path.join(root, dir), { recursive: true });
    const at = (file: string, seconds: number) => {
      writeFileSync(path.join(root, file), '');
      utimesSync(path.join(root, file), seconds, seconds);
    };
    at('package.json', 1000);
    at('scripts/build.mjs', 1000);
    at('src/cli.ts', 1000);
    at('src/validators/engine.ts', 1000);
    expect(distIsStale(root)).toBe(true);
    at('dist/cli.js', 2000);
    expect(distIsStale(root)).toBe(false);
    at('src/validators/engine.ts', 3000);
    expect(distIsStale(root)).toBe(true);
  });
});
