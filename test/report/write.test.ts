import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KitError } from '../../src/errors.js';
import { writeAtomically, writeAtomicallySync } from '../../src/report/write.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';

// `-o /dev/null` once renamed a temporary file over /dev/null itself (as root, the device was gone
// for every other program). These tests use a link to /dev/null and a FIFO, so a regression breaks
// the link or the FIFO in a temp folder, never the machine's /dev/null.
describe('writeAtomically', () => {
  it('writes through a link to a device: the link and the device stay (lint -o, the real binary)', () => {
    const dir = tempDir('retell-kit-write-');
    const link = path.join(dir, 'null-link');
    symlinkSync('/dev/null', link);
    const r = cli(['lint', path.join(ROOT, 'fixtures/flows/valid'), '--format', 'json', '-o', link]);
    expect(r.status, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(readdirSync(dir)).toEqual(['null-link']);
  });

  it('writes into a FIFO in place: a reader gets the text, the FIFO is still a FIFO', async () => {
    const dir = tempDir('retell-kit-write-');
    const fifo = path.join(dir, 'pipe');
    const made = spawn('mkfifo', [fifo]);
    await new Promise((resolve) => made.on('exit', resolve));
    const reader = spawn('cat', [fifo]);
    let read = '';
    reader.stdout.on('data', (d) => (read += d));
    const done = new Promise((resolve) => reader.on('exit', resolve));
    try {
      await writeAtomically(fifo, 'report text\n');
      await done;
    } finally {
      reader.kill('SIGKILL');
    }
    expect(read).toBe('report text\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['pipe']);
  });

  it('a link to a regular file stays a link; the file it points to gets the text and keeps its mode', async () => {
    const dir = tempDir('retell-kit-write-');
    mkdirSync(path.join(dir, 'real'));
    const target = path.join(dir, 'real', 'flow.json');
    writeFileSync(target, 'old');
    chmodSync(target, 0o600);
    const link = path.join(dir, 'flow.json');
    symlinkSync(path.join('real', 'flow.json'), link);
    await writeAtomically(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.join(dir, 'real'))).toEqual(['flow.json']);
  });

  it('a new file is created, folders and all; a directory in the way is one error naming what it writes, and leaves nothing behind', async () => {
    const dir = tempDir('retell-kit-write-');
    await writeAtomically(path.join(dir, 'a', 'b', 'report.sarif'), 'x');
    expect(readFileSync(path.join(dir, 'a', 'b', 'report.sarif'), 'utf8')).toBe('x');
    mkdirSync(path.join(dir, 'taken'));
    const error = await writeAtomically(path.join(dir, 'taken'), 'x', 'baseline').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KitError);
    expect((error as KitError).message).toMatch(/^cannot write baseline: EISDIR/);
    expect(readdirSync(dir).sort()).toEqual(['a', 'taken']);
  });

  it('the synchronous form (lint -o) does the same: folders made, a link kept, trouble one error naming what it writes', () => {
    const dir = tempDir('retell-kit-write-');
    writeAtomicallySync(path.join(dir, 'a', 'report.sarif'), 'x');
    expect(readFileSync(path.join(dir, 'a', 'report.sarif'), 'utf8')).toBe('x');
    symlinkSync(path.join('a', 'report.sarif'), path.join(dir, 'link.sarif'));
    writeAtomicallySync(path.join(dir, 'link.sarif'), 'y');
    expect(lstatSync(path.join(dir, 'link.sarif')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'a', 'report.sarif'), 'utf8')).toBe('y');
    mkdirSync(path.join(dir, 'taken'));
    let error: unknown;
    try {
      writeAtomicallySync(path.join(dir, 'taken'), 'x');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KitError);
    expect((error as KitError).message).toMatch(/^cannot write report: EISDIR/);
    expect(readdirSync(dir).sort()).toEqual(['a', 'link.sarif', 'taken']);
    expect(readdirSync(path.join(dir, 'a'))).toEqual(['report.sarif']);
  });
});
