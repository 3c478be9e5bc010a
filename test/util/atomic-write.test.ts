import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from '../../src/util/atomic-write.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rk-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const writers = {
  async: writeFileAtomic,
  sync: async (file: string, text: string, options?: Parameters<typeof writeFileAtomicSync>[2]) => writeFileAtomicSync(file, text, options),
};

describe.each(Object.entries(writers))('writeFileAtomic (%s)', (kind, write) => {
  it('writes through a symlink to its target, keeping the link and the target’s mode', async () => {
    const target = path.join(dir, `${kind}-target.json`);
    const link = path.join(dir, `${kind}-link.json`);
    writeFileSync(target, 'old');
    chmodSync(target, 0o600);
    symlinkSync(target, link);
    await write(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('gives a new file the mode asked for, makes its folder, and leaves no temporary file', async () => {
    const file = path.join(dir, kind, 'deep', 'secrets.env');
    await write(file, 'A=1\n', { mode: 0o600 });
    expect(readFileSync(file, 'utf8')).toBe('A=1\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await write(file, 'A=2\n', { durable: true });
    expect(readFileSync(file, 'utf8')).toBe('A=2\n');
    expect(readdirSync(path.dirname(file))).toEqual(['secrets.env']);
  });

  it('writes a device in place: a link to /dev/null stays a link, and /dev/null a device', async () => {
    const link = path.join(dir, `${kind}-null`);
    symlinkSync('/dev/null', link);
    await write(link, 'discarded');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a directory in the way fails and leaves nothing behind', async () => {
    const folder = path.join(dir, `${kind}-folder`);
    await write(path.join(folder, 'x'), 'x');
    await expect(write(folder, 'text')).rejects.toThrow(/EISDIR/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

it('many writes of one file at once each use a temporary file of their own: the file ends whole', async () => {
  const file = path.join(dir, 'busy.json');
  const texts = Array.from({ length: 40 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(5000 + i) }));
  await Promise.all(texts.map((t) => writeFileAtomic(file, t)));
  expect(texts).toContain(readFileSync(file, 'utf8'));
  expect(readdirSync(dir).filter((f) => f.startsWith('busy'))).toEqual(['busy.json']);
});
