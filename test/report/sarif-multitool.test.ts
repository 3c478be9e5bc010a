import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-ignore plain .mjs helper, shared with scripts/check-real-world.mjs
import { multitoolPath, validateSarif } from '../../scripts/sarif-validate.mjs';
import { cli, fixture, ROOT, tempDir } from '../helpers/cli.js';

// Microsoft's SARIF validator on what the real binary writes, with its default rules and with
// GitHub's ingestion rules (--rule-kind "Sarif;Gh"): no error, no warning. One validator run over
// every log (each run costs a .NET start-up). The binary ships for linux, darwin and win32.
const available = multitoolPath() !== undefined;
const REAL_WORLD = path.resolve(ROOT, process.env.RETELL_KIT_REAL_WORLD ?? '../shared/real-world');

interface Finding {
  ruleId: string;
  level: string;
  file: string;
  text: string;
}

describe.skipIf(!available)('SARIF accepted by sarif-multitool validate', () => {
  it('fixtures (plain, baselined with suppressions, a file outside cwd) and the real-world folder: 0 errors, 0 warnings; a log with a rule lacking fullDescription and one named like its id: GH2012 and SARIF1001', () => {
    const dir = tempDir('retell-kit-sarif-mt-');
    const logs: Record<string, string> = {};
    const lint = (name: string, args: string[], expected: number[]) => {
      const file = path.join(dir, `${name}.sarif`);
      const run = cli(['lint', ...args, '-f', 'sarif', '-o', `sarif=${file}`]);
      expect(expected, `${name}: ${run.stderr}`).toContain(run.status);
      logs[name] = file;
    };

    lint('plain', ['fixtures/flows'], [1]);
    const baseline = path.join(dir, 'baseline.json');
    expect(cli(['lint', 'fixtures/flows/invalid', '--baseline-write', baseline]).status).toBe(0);
    lint('baselined', ['fixtures/flows', '--baseline', baseline], [0, 1]);
    expect(readFileSync(logs.baselined!, 'utf8')).toContain('"suppressions"');
    const outside = path.join(dir, 'flow.json');
    copyFileSync(fixture('flows/invalid/dangling-edge-and-dead-end.json'), outside);
    lint('outside', [outside], [1]);
    if (existsSync(REAL_WORLD)) {
      lint('real-world', [REAL_WORLD], [0, 1]);
      expect(JSON.parse(readFileSync(logs['real-world']!, 'utf8')).runs[0].results.length).toBeGreaterThan(0);
    }

    // The control: the validator does catch what GitHub would reject (a GH rule) and what the SARIF
    // spec discourages (a default rule), so a run that checks nothing cannot pass.
    const broken = path.join(dir, 'broken.sarif');
    const log = JSON.parse(readFileSync(logs.plain!, 'utf8'));
    delete log.runs[0].tool.driver.rules[0].fullDescription;
    log.runs[0].tool.driver.rules[1].name = log.runs[0].tool.driver.rules[1].id;
    writeFileSync(broken, JSON.stringify(log));

    const brokenUri = pathToFileURL(broken).href;
    const findings = validateSarif([...Object.values(logs), broken]) as Finding[];
    expect(findings.filter((f) => f.file !== brokenUri)).toEqual([]);
    expect(findings.map((f) => `${f.level} ${f.ruleId}`).sort()).toEqual(['error GH2012', 'warning SARIF1001']);
  });
});
