import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import stylish from '../../src/report/stylish.js';
import { listRules } from '../../src/validators/engine.js';
import { lintFiles } from '../../src/validators/lint.js';
import { ROOT } from '../helpers/cli.js';

// Whole flows with their exact expected output, readable without reading code (actionlint's testdata
// habit). Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff.
const dir = (kind: string) => path.join(ROOT, 'fixtures/flows', kind);
const flows = (kind: string) => readdirSync(dir(kind)).filter((f) => /\.(json|ya?ml)$/.test(f)).sort();

describe('golden: valid flows lint clean', () => {
  for (const name of flows('valid')) {
    it(name, async () => {
      const [result] = await lintFiles([path.join('fixtures/flows/valid', name)], { cwd: ROOT });
      expect(result!.diagnostics.map((d) => `${d.line}:${d.column} ${d.ruleId} ${d.message}`)).toEqual([]);
    });
  }
});

describe('golden: invalid flows match their .out', () => {
  for (const name of flows('invalid')) {
    it(name, async () => {
      const results = await lintFiles([path.join('fixtures/flows/invalid', name)], { cwd: ROOT });
      expect(results[0]!.diagnostics.length).toBeGreaterThan(0);
      const text = stylish(results, { cwd: ROOT, color: false, version: '0', rules: listRules() });
      const outFile = path.join(dir('invalid'), name.replace(/\.(json|ya?ml)$/, '.out'));
      if (process.env.UPDATE_GOLDEN || !existsSync(outFile)) writeFileSync(outFile, text);
      expect(text).toBe(readFileSync(outFile, 'utf8'));
    });
  }
});
