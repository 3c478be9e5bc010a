import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRules } from '../src/validators/engine.js';
import { cli, ROOT, tempDir } from './helpers/cli.js';

const RULES_DIR = path.join(ROOT, 'src/validators/rules');
const DOCS_DIR = path.join(ROOT, 'docs/rules');

describe('rules are registered under their file names', () => {
  const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
  const ids = listRules().map((r) => r.id).sort();

  it('every file in src/validators/rules/ is a registered rule, and every rule has a file', () => {
    expect(files).toEqual(ids);
  });

  it('each file defines the rule named after it', async () => {
    for (const file of files) {
      const rule = ((await import(path.join(RULES_DIR, `${file}.ts`))) as { default: { id: string } }).default;
      expect(rule.id, `src/validators/rules/${file}.ts`).toBe(file);
    }
  });

  it('every rule has a docs page docs/rules/<id>.md, and every page a rule', () => {
    const pages = readdirSync(DOCS_DIR).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();
    expect(pages).toEqual(ids);
  });
});

/** The **Bad** example of a docs page: an optional config block, the flow, and the output lint prints. */
function badExample(id: string): { config?: string; flow: string; format: string; output: string[] } | undefined {
  const page = readFileSync(path.join(DOCS_DIR, `${id}.md`), 'utf8');
  const start = page.indexOf('**Bad**\n');
  if (start < 0) return undefined;
  const blocks = [...page.slice(start).matchAll(/```(\w*)\n([\s\S]*?)\n```\n/g)].map((m) => ({ lang: m[1]!, text: m[2]! }));
  const hasConfig = /^\{\s*"lint"\s*:/.test(blocks[0]?.text ?? '') && blocks[1]?.lang !== '';
  const [flow, output] = hasConfig ? [blocks[1]!, blocks[2]!] : [blocks[0]!, blocks[1]!];
  return { config: hasConfig ? blocks[0]!.text : undefined, flow: flow.text, format: flow.lang || 'json', output: output.text.split('\n').filter(Boolean) };
}

/** Columns are padded to the widest position in the whole file: compare words, not spaces. */
const words = (line: string) => line.trim().replace(/\s+/g, ' ');

describe('docs examples print what lint prints', () => {
  const ids = listRules().map((r) => r.id).filter((id) => id !== 'internal-error');
  it.each(ids)('%s', (id) => {
    const example = badExample(id);
    expect(example, `docs/rules/${id}.md has no **Bad** example`).toBeDefined();
    const dir = tempDir('retell-kit-docs-');
    const file = `flow.${example!.format === 'yaml' ? 'yaml' : 'json'}`;
    writeFileSync(path.join(dir, file), `${example!.flow}\n`);
    if (example!.config) writeFileSync(path.join(dir, 'retell-kit.config.json'), example!.config);
    const r = cli(['lint', file], { cwd: dir });
    expect(r.stderr).toBe('');
    const printed = r.stdout.split('\n').filter((line) => /^\s+\d+:\d+\s/.test(line) && line.trim().endsWith(`  ${id}`));
    expect(printed.map(words), `docs/rules/${id}.md: the output under **Bad** is stale`).toEqual(example!.output.map(words));
    expect(printed.length).toBeGreaterThan(0);
  });
});

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

describe('no text promises a command that does not exist yet', () => {
  const help = cli(['--help']).stdout;
  const REAL = [...help.slice(help.indexOf('Commands:')).matchAll(/^ {2}(\w[\w-]*)/gm)].map((m) => m[1]!);
  // Commands the roadmap names: any that --help does not list yet must not be promised anywhere.
  const ROADMAP = ['replay', 'trigger', 'pull', 'emulator', 'diff', 'deploy', 'canary', 'report', 'graph', 'migrate'];
  const planned = ROADMAP.filter((c) => !REAL.includes(c));
  // 'report', 'graph' and 'migrate' are ordinary words too: only `retell-kit <name>` counts for them.
  // A flag named like a planned command (deploy --canary) is no promise of the command.
  const plainWords = planned.filter((c) => !['report', 'graph', 'migrate'].includes(c));
  // With no planned command left that is not also a plain word, nothing can match.
  const PLANNED = plainWords.length ? new RegExp(`(?<!--)\\b(${plainWords.join('|')})\\b`, 'i') : /(?!)/;
  const PROMISED = new RegExp(`retell-kit (${planned.join('|')})\\b`);

  it('--help lists the real commands, and no help text names a planned one', () => {
    expect(REAL).toEqual(['lint', 'serve', 'replay', 'report', 'trigger', 'diff', 'graph', 'pull', 'deploy', 'canary', 'emulator', 'docs', 'completion', 'help']);
    for (const command of REAL.filter((c) => c !== 'help')) {
      const result = cli([command, '--help']);
      expect(result.status, command).toBe(0);
      expect(result.stdout, command).not.toMatch(PLANNED);
    }
    expect(help).not.toMatch(PLANNED);
  });

  it('rule messages do not send users to a command that does not exist', () => {
    for (const rule of listRules()) for (const text of Object.values(rule.meta.messages)) expect(text, rule.id).not.toMatch(PLANNED);
  });

  it('the README and docs name planned commands only as planned', () => {
    const docs = readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
    for (const file of ['README.md', 'CONTRIBUTING.md', ...docs]) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      expect(text, file).not.toMatch(PROMISED);
    }
  });
});

describe('messages stay short (detail goes to the hint)', () => {
  it('every message template is under 200 characters with 8-character values', () => {
    const long = listRules().flatMap((rule) =>
      Object.entries(rule.meta.messages)
        .map(([id, text]) => [`${rule.id}.${id}`, text.replace(/\{\{\s*[\w.-]+\s*\}\}/g, 'xxxxxxxx').length] as const)
        .filter(([, length]) => length > 200),
    );
    expect(long).toEqual([]);
  });
});
