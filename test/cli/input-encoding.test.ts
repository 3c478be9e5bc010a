import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFlow } from '../../src/validators/lint.js';
import { cli, fixture, tempDir } from '../helpers/cli.js';

const YAML_FLOW = readFileSync(fixture('flows/valid/salon-booking.yaml'), 'utf8');
const JSON_FLOW = readFileSync(fixture('flows/valid/salon-booking.json'), 'utf8');

describe('YAML without a file name', () => {
  it('is detected on stdin', () => {
    const r = cli(['lint', '-'], { input: YAML_FLOW });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('is detected by lintFlow(string), and JSON still is JSON', () => {
    expect(lintFlow(YAML_FLOW).diagnostics).toEqual([]);
    expect(lintFlow(JSON_FLOW).diagnostics).toEqual([]);
    // A name decides when it has an extension of ours.
    expect(lintFlow(YAML_FLOW, { path: 'flow.json' }).diagnostics.map((d) => d.ruleId)).toEqual(['parse-error']);
  });
});

describe('a UTF-16 file', () => {
  const utf16 = (bom: boolean, be = false) => {
    const le = Buffer.from((bom ? '\uFEFF' : '') + JSON_FLOW, 'utf16le');
    return be ? le.swap16() : le;
  };
  it.each([
    ['UTF-16LE with a BOM (PowerShell >)', utf16(true), 'UTF-16LE'],
    ['UTF-16LE without a BOM', utf16(false), 'UTF-16LE'],
    ['UTF-16BE with a BOM', utf16(true, true), 'UTF-16BE'],
  ])('%s says it is UTF-16 and how to convert it', (_name, bytes, encoding) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'flow.json'), bytes);
    const r = cli(['lint', 'flow.json', '-f', 'json'], { cwd: dir });
    expect(r.status).toBe(1);
    const [d] = JSON.parse(r.stdout).results[0].diagnostics;
    expect(d).toMatchObject({ ruleId: 'parse-error', messageId: 'utf16', line: 1, column: 1 });
    expect(d.message).toBe(`the file is ${encoding}, not UTF-8: save it as UTF-8 (your editor's encoding menu, or iconv -f UTF-16 -t UTF-8 in.json > out.json)`);
  });

  it('on stdin too', () => {
    const r = cli(['lint', '-'], { input: utf16(true) });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('the file is UTF-16LE, not UTF-8');
  });
});
