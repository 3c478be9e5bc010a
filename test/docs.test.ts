import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRules } from '../src/validators/engine.js';
import { ROOT } from './helpers/cli.js';

describe('docs cannot drift from rules', () => {
  const doc = readFileSync(path.join(ROOT, 'docs/rules.md'), 'utf8');

  it('has a section for every rule id, and only for those', () => {
    const sections = [...doc.matchAll(/^## ([\w-]+)$/gm)].map((m) => m[1]).sort();
    expect(sections).toEqual(listRules().map((r) => r.id).sort());
  });

  it('every rule has a real description and messages', () => {
    for (const rule of listRules()) {
      expect(rule.meta.description, rule.id).not.toBe('TODO');
      expect(Object.keys(rule.meta.messages).length, rule.id).toBeGreaterThan(0);
    }
  });

  it('docs/rules.md is assembled from docs/rules/*.md', () => {
    expect(() => execFileSync(process.execPath, ['scripts/gen-docs.mjs', '--check'], { cwd: ROOT, stdio: 'pipe' })).not.toThrow();
  });

  it('the README shows the same test command CI runs', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toContain('npm test');
    expect(readme).toContain('npm test');
    expect(readme).toMatch(/npm ci && npx retell-kit lint fixtures\//);
  });
});
