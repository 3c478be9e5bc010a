// bench/RESULTS.md holds one "## <name>" section per benchmark; each script rewrites only its own.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');

/** Replace the section whose heading is exactly `## <heading>` (or append it); returns the file written. */
export function writeResultsSection(heading, section, file = RESULTS_FILE) {
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const body = section.endsWith('\n') ? section : `${section}\n`;
  const escaped = heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const start = doc.search(new RegExp(`^## ${escaped}\\s*$`, 'm'));
  let next;
  if (start === -1) next = `${doc.trimEnd()}\n\n${body}`;
  else {
    const after = doc.slice(start + 1).search(/^## /m);
    next = after === -1 ? `${doc.slice(0, start)}${body}` : `${doc.slice(0, start)}${body}\n${doc.slice(start + 1 + after)}`;
  }
  writeFileSync(file, next);
  return file;
}
