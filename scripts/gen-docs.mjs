// docs/rules.md is assembled from docs/rules/<id>.md (one file a rule) so rules and their docs
// are written side by side. `npm run gen:docs` rebuilds it; a test fails when it is stale.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const dir = new URL('../docs/rules/', import.meta.url);
const ids = readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();
const header = `# retell-kit lint rules

Every rule id below is a contract: CI configs, \`--rule id:severity\` and baselines name them.
Set a rule's severity in \`retell-kit.config.*\` under \`lint.rules\` (\`off\`, \`error\`, \`warning\`, \`info\`).

${ids.map((id) => `- [\`${id}\`](#${id})`).join('\n')}
`;
const body = ids.map((id) => readFileSync(new URL(`${id}.md`, dir), 'utf8').trim()).join('\n\n');
const out = `${header}\n${body}\n`;
const target = new URL('../docs/rules.md', import.meta.url);
if (process.argv.includes('--check')) {
  let current = '';
  try { current = readFileSync(target, 'utf8'); } catch {}
  if (current !== out) { console.error('docs/rules.md is stale: run npm run gen:docs'); process.exit(1); }
} else {
  writeFileSync(target, out);
}
