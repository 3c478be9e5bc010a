// The report as Markdown: for a pull request comment, a GitHub job summary or a wiki page.
import type { ClaimEntry, Report } from '../report.js';
import { ms, pct, resultText, versionLabel } from './text.js';

/** A table cell: pipes escaped, one line, and `<`/`>` as entities (a `<name-1>` placeholder is not a tag to GitHub). */
function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function claimRow(e: ClaimEntry): string {
  return `| \`${e.callId}\` | ${versionLabel(e)} | ${e.kind} | ${cell(`"${e.quote}"`)} | ${e.failed ? cell(`\`${e.failed.name}\`: ${resultText(e.failed.result, 120)}`) : 'not called'} | ${cell(e.nodePath.join(' → '))} |`;
}

/** Rows shown per claim table (a PR comment has a size limit); the JSON report lists them all. */
export const MARKDOWN_CLAIM_ROWS = 100;

function claimTable(list: ClaimEntry[]): string[] {
  const rows = list.slice(0, MARKDOWN_CLAIM_ROWS).map(claimRow);
  if (list.length > MARKDOWN_CLAIM_ROWS) rows.push(`| … | ${list.length - MARKDOWN_CLAIM_ROWS} more | | | | \`--format json\` lists every one |`);
  return ['| call | version | kind | the agent said | failed result | node path |', '|---|---|---|---|---|---|', ...rows];
}

export function formatMarkdown(report: Report): string {
  const out: string[] = ['# Call report', ''];
  out.push(`${report.calls.connected} calls${report.period.from ? `, ${report.period.from} to ${report.period.to}` : ''}.`, '');
  const names = report.outcomes.map((o) => o.name);
  out.push('## By version', '', `| version | calls | success | transfer | early hang-up | function errors | duration p50 / p95 | ${names.join(' | ')} | unfulfilled claims |`, `|---|---:|---:|---:|---:|---:|---:|${names.map(() => '---:|').join('')}---:|`);
  for (const v of report.byVersion) {
    out.push(`| ${versionLabel(v)} | ${v.calls} | ${pct(v.successRate)} | ${pct(v.transferRate)} | ${pct(v.earlyHangupRate)} | ${pct(v.functionErrorRate)} | ${ms(v.durationP50Ms)} / ${ms(v.durationP95Ms)} | ${names.map((n) => `${v.outcomes[n]!.succeeded} (${pct(v.outcomes[n]!.conversion)})`).join(' | ')} | ${v.unfulfilledClaims} |`);
  }
  out.push('', '## Functions', '', '| function | calls | errors | p50 | p95 | fallbacks |', '|---|---:|---:|---:|---:|---:|');
  for (const f of report.functions) out.push(`| \`${f.name}\` | ${f.calls} | ${f.errors} (${pct(f.errorRate)}) | ${ms(f.p50Ms)} | ${ms(f.p95Ms)} | ${f.fallbacks} |`);
  out.push('', `## Said it was done, but it was not (${report.unfulfilledClaims.length})`, '');
  if (report.unfulfilledClaims.length) out.push(...claimTable(report.unfulfilledClaims));
  else out.push('None.');
  if (report.recovered.length) out.push('', `## Recovered (${report.recovered.length})`, '', ...claimTable(report.recovered));
  out.push('', `## Spikes (${report.spikes.length})`, '');
  if (report.spikes.length) out.push('| hour (UTC) | metric | value | baseline | calls |', '|---|---|---:|---:|---:|', ...report.spikes.map((s) => `| ${s.hour} | ${s.metric} | ${s.metric === 'error_rate' ? pct(s.value) : ms(s.value)} | ${s.metric === 'error_rate' ? pct(s.baseline) : ms(s.baseline)} | ${s.samples} |`));
  else out.push('None.');
  return `${out.join('\n')}\n`;
}
