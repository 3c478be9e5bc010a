// `npm version <x>` runs this after bumping package.json and before committing and tagging: the
// CHANGELOG's [Unreleased] section becomes the new version's, dated, with compare links, and a fresh
// empty [Unreleased] goes above it. Refuses (exit 1) when [Unreleased] has no entries.
// Usage: node scripts/changelog-release.mjs [CHANGELOG.md] [version] [YYYY-MM-DD]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const [file = path.join(root, 'CHANGELOG.md'), version = pkg.version, date = new Date().toISOString().slice(0, 10)] = process.argv.slice(2);
const repo = (typeof pkg.repository === 'string' ? pkg.repository : pkg.repository.url).replace(/^git\+/, '').replace(/\.git$/, '');

export function release(text, { version, date, repo }) {
  const heading = /^## \[Unreleased\][^\n]*\n/m;
  const match = heading.exec(text);
  if (!match) throw new Error('has no "## [Unreleased]" section');
  if (new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm').test(text)) throw new Error(`already has a section for ${version}`);
  const start = match.index + match[0].length;
  const next = text.slice(start).search(/^## \[|^\[[^\]]+\]: /m);
  const body = next === -1 ? text.slice(start) : text.slice(start, start + next);
  if (!/^\s*[-*] /m.test(body)) throw new Error('## [Unreleased] has no entries: write what changed before npm version');
  const previous = /^## \[(\d+\.\d+\.\d+[^\]]*)\]/m.exec(text.slice(start))?.[1];
  let out = `${text.slice(0, match.index)}## [Unreleased]\n\n## [${version}] - ${date}\n${text.slice(start)}`;
  out = out.replace(/^\[Unreleased\]: .*$/m, `[Unreleased]: ${repo}/compare/v${version}...HEAD\n[${version}]: ${previous ? `${repo}/compare/v${previous}...v${version}` : `${repo}/releases/tag/v${version}`}`);
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    writeFileSync(file, release(readFileSync(file, 'utf8'), { version, date, repo }));
    console.log(`${path.relative(process.cwd(), file) || file}: [Unreleased] is now [${version}] - ${date}`);
  } catch (error) {
    console.error(`${path.relative(process.cwd(), file) || file}: ${error.message}`);
    process.exit(1);
  }
}
