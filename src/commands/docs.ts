import { ruleDocPage } from '../docs/index.js';
import { listRules } from '../validators/engine.js';

/** `retell-kit docs [rule]`: a rule's documentation from the installed package, or the list of rules. */
export function runDocs(rule: string | undefined): number {
  if (rule === undefined) {
    const rules = listRules();
    const width = Math.max(...rules.map((r) => r.id.length));
    const lines = rules.map((r) => `  ${r.id.padEnd(width)}  ${r.meta.description}`);
    process.stdout.write(`Rules (retell-kit docs <rule> prints one):\n${lines.join('\n')}\n`);
    return 0;
  }
  const page = ruleDocPage(rule);
  process.stdout.write(`${page.markdown.trimEnd()}\n\nOnline: ${page.url}\n`);
  return 0;
}
