// Rule documentation, offline: docs/rules/<id>.md ships in the package (package.json "files"), so
// `retell-kit docs <rule>` and the SARIF rule help work without a network. The online links are
// derived from package.json's repository (src/version.ts), never spelled out twice.
import { readdirSync, readFileSync } from 'node:fs';
import { KitError } from '../errors.js';
import { suggest } from '../util/suggest.js';
import { PACKAGE_ROOT, packageInfo } from '../version.js';

/** The rules page on the web, for the version of the docs that ships on main. */
export function docsBase(): string {
  return `${packageInfo().repositoryUrl}/blob/main/docs/rules.md`;
}

export function ruleDocsUrl(ruleId: string): string {
  return `${docsBase()}#${ruleId}`;
}

/** The packaged folder that holds one markdown file per rule. */
export const RULE_DOCS_DIR = new URL('docs/rules/', PACKAGE_ROOT);

const cache = new Map<string, string | undefined>();

/** A rule's documentation as written (markdown, starting with `## <id>`), or undefined when none ships. */
export function ruleDoc(ruleId: string): string | undefined {
  if (!/^[a-z0-9-]+$/.test(ruleId)) return undefined;
  if (!cache.has(ruleId)) {
    let text: string | undefined;
    try {
      text = readFileSync(new URL(`${ruleId}.md`, RULE_DOCS_DIR), 'utf8');
    } catch {
      text = undefined;
    }
    cache.set(ruleId, text);
  }
  return cache.get(ruleId);
}

/**
 * The doc with in-page links (`[x](#other-rule)`) made absolute, so it reads right wherever it is
 * shown (a terminal, GitHub's code scanning alert), and without its `## id` heading.
 */
export function ruleDocBody(ruleId: string): string | undefined {
  const doc = ruleDoc(ruleId);
  if (doc === undefined) return undefined;
  return doc
    .replace(/^##[^\n]*\n+/, '')
    .replace(/\]\(#([a-z0-9-]+)\)/g, (_, id: string) => `](${ruleDocsUrl(id)})`)
    .trim();
}

/** The doc's first paragraph (what the rule finds), as plain text on one line. */
export function ruleSummary(ruleId: string): string | undefined {
  const body = ruleDocBody(ruleId);
  if (body === undefined) return undefined;
  const blocks = body.split(/\n\s*\n/);
  // A first paragraph that announces a list ("Checks ...:") is not a summary without the list.
  const first = blocks[0]!.trimEnd().endsWith(':') && blocks[1] ? `${blocks[0]} ${blocks[1]}` : blocks[0]!;
  const text = plainText(first.replace(/\s*Default severity:[\s\S]*$/, ''));
  return text || undefined;
}

/** Markdown inline syntax dropped: code ticks, emphasis, links (their text kept). */
export function plainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]*)\*\*/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every rule id that has packaged documentation, sorted. */
export function documentedRules(): string[] {
  return listDir(RULE_DOCS_DIR).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();
}

function listDir(url: URL): string[] {
  try {
    return readdirSync(url);
  } catch {
    return [];
  }
}

/** A rule's packaged page and its address online; unknown ids are a usage error with a suggestion. */
export function ruleDocPage(ruleId: string): { id: string; markdown: string; url: string } {
  const markdown = ruleDoc(ruleId);
  if (markdown === undefined) {
    const near = suggest(ruleId, documentedRules());
    throw new KitError('not-found', `no rule "${ruleId}"`, {
      hint: near ? `did you mean "${near}"? retell-kit docs lists every rule` : 'retell-kit docs lists every rule',
    });
  }
  return { id: ruleId, markdown: markdown.replace(/\]\(#([a-z0-9-]+)\)/g, (_, id: string) => `](${ruleDocsUrl(id)})`), url: ruleDocsUrl(ruleId) };
}
