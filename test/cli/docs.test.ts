import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docsUrl } from '../../src/diagnostic.js';
import { listRules } from '../../src/validators/engine.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string }; homepage: string; bugs: { url: string } };

describe('retell-kit docs', () => {
  it("prints a rule's packaged docs with in-page links made absolute, and where it lives online", () => {
    // From a folder outside the checkout: the docs come from the package, not the working directory.
    const run = cli(['docs', 'no-dead-end'], { cwd: tempDir() });
    expect(run.status, run.stderr).toBe(0);
    const doc = readFileSync(path.join(ROOT, 'docs/rules/no-dead-end.md'), 'utf8');
    expect(run.stdout.startsWith('## no-dead-end\n')).toBe(true);
    expect(run.stdout).toContain(doc.split('\n').slice(0, 4).join('\n'));
    expect(run.stdout).toContain('](https://github.com/retell-kit/retell-kit/blob/main/docs/rules.md#no-unconnected-edge)');
    expect(run.stdout.trimEnd().endsWith('Online: https://github.com/retell-kit/retell-kit/blob/main/docs/rules.md#no-dead-end')).toBe(true);
  });

  it('without a rule lists every rule; an unknown rule is exit 2 with a suggestion', () => {
    const list = cli(['docs']);
    expect(list.status).toBe(0);
    for (const rule of listRules()) expect(list.stdout).toContain(`  ${rule.id} `);
    const typo = cli(['docs', 'no-dead-edn']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe('retell-kit: no rule "no-dead-edn" (did you mean "no-dead-end"? retell-kit docs lists every rule)\n');
    expect(cli(['docs', '../../package']).status).toBe(2);
  });

  it('docs links are derived from package.json, the one place that names the repository', () => {
    const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(repo).toBe('https://github.com/retell-kit/retell-kit');
    expect(pkg.homepage.startsWith(repo)).toBe(true);
    expect(pkg.bugs.url).toBe(`${repo}/issues`);
    expect(docsUrl('no-trap')).toBe(`${repo}/blob/main/docs/rules.md#no-trap`);
    // No other spelling of the repository's address in the source.
    const sources = ['src/diagnostic.ts', 'src/report/sarif.ts', 'src/docs/index.ts', 'src/version.ts'].map((f) => readFileSync(path.join(ROOT, f), 'utf8'));
    for (const text of sources) expect(text).not.toContain('github.com/retell-kit');
  });
});
