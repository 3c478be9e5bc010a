// The report for a terminal (and for a cron mail): versions, functions, the unfulfilled claims.
import { Chalk } from 'chalk';
import type { ClaimEntry, Report } from '../report.js';

export function pct(value: number | null): string {
  return value === null ? '-' : `${Math.round(value * 1000) / 10}%`;
}

export function ms(value: number | null): string {
  if (value === null) return '-';
  if (value >= 1000) return `${Math.round(value / 100) / 10}s`;
  return value < 10 ? `${Math.round(value * 10) / 10}ms` : `${Math.round(value)}ms`;
}

export function versionLabel(v: { agentId?: string; agentVersion?: number | string }): string {
  return `${v.agentId ?? '?'}@${v.agentVersion ?? '?'}`;
}

export function resultText(result: unknown, max = 160): string {
  const text = typeof result === 'string' ? result : JSON.stringify(result) ?? '(no result)';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => '  ' + r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

function claimLines(entry: ClaimEntry, c: InstanceType<typeof Chalk>): string[] {
  const what = entry.kind === 'claimed' ? `said "${entry.quote}"` : `went on after the failure: "${entry.quote}"`;
  const lines = [`  ${c.bold(entry.callId)} (${versionLabel(entry)}) ${entry.outcome}: ${what}`];
  if (entry.failed) lines.push(`    ${entry.failed.name} answered ${resultText(entry.failed.result)}`);
  else lines.push(`    no ${entry.outcome} function was called`);
  if (entry.correction) lines.push(`    corrected: "${entry.correction}"`);
  if (entry.nodePath.length) lines.push(`    path: ${entry.nodePath.join(' → ')}${entry.node ? ` (said in ${entry.node})` : ''}`);
  if (entry.file) lines.push(`    file: ${entry.file}`);
  return lines;
}

/** Claims printed in full; the rest are counted (--format json lists every one). */
export const TEXT_CLAIMS = 100;

function claimList(list: ClaimEntry[], c: InstanceType<typeof Chalk>): string[] {
  const lines = list.slice(0, TEXT_CLAIMS).flatMap((entry) => claimLines(entry, c));
  if (list.length > TEXT_CLAIMS) lines.push(`  … and ${list.length - TEXT_CLAIMS} more (--format json lists every one)`);
  return lines;
}

export function formatText(report: Report, options: { color?: boolean } = {}): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const out: string[] = [];
  const period = report.period.from ? `, ${report.period.from.slice(0, 16).replace('T', ' ')} to ${report.period.to!.slice(0, 16).replace('T', ' ')} UTC` : '';
  const left = report.calls.notConnected + report.calls.unattributed;
  out.push(`${report.calls.connected} calls${left ? ` (${left} left out: ${report.calls.notConnected} not connected, ${report.calls.unattributed} without agent version)` : ''}${period}`);
  out.push('');
  if (report.byVersion.length) {
    const outcomeNames = report.outcomes.map((o) => o.name);
    out.push(c.bold('By version'));
    out.push(
      ...table([
        ['version', 'calls', 'success', 'transfer', 'early hang-up', 'fn errors', 'duration p50/p95', ...outcomeNames, 'unfulfilled'],
        ...report.byVersion.map((v) => [
          versionLabel(v),
          String(v.calls),
          pct(v.successRate),
          pct(v.transferRate),
          pct(v.earlyHangupRate),
          pct(v.functionErrorRate),
          `${ms(v.durationP50Ms)}/${ms(v.durationP95Ms)}`,
          ...outcomeNames.map((n) => `${v.outcomes[n]!.succeeded}/${v.calls} (${pct(v.outcomes[n]!.conversion)})`),
          String(v.unfulfilledClaims),
        ]),
      ]),
    );
    out.push('');
  }
  if (report.functions.length) {
    out.push(c.bold('Functions'));
    out.push(
      ...table([
        ['function', 'calls', 'errors', 'p50', 'p95', 'fallbacks', 'no result'],
        ...report.functions.map((f) => [f.name, String(f.calls), `${f.errors} (${pct(f.errorRate)})`, ms(f.p50Ms), ms(f.p95Ms), String(f.fallbacks), String(f.noResult)]),
      ]),
    );
    out.push('');
  }
  const n = report.unfulfilledClaims.length;
  out.push(n ? c.red.bold(`Said it was done, but it was not (${n})`) : c.green('Said it was done, but it was not: none'));
  out.push(...claimList(report.unfulfilledClaims, c));
  if (report.recovered.length) {
    out.push('', c.yellow.bold(`Recovered: claimed, then corrected (${report.recovered.length})`));
    out.push(...claimList(report.recovered, c));
  }
  out.push('');
  if (report.spikes.length) {
    out.push(c.red.bold(`Spikes (${report.spikes.length})`));
    for (const s of report.spikes) {
      const value = s.metric === 'error_rate' ? `error rate ${pct(s.value)} vs ${pct(s.baseline)}` : `p95 latency ${ms(s.value)} vs ${ms(s.baseline)}`;
      out.push(`  ${s.hour.slice(0, 13).replace('T', ' ')}:00 UTC  ${value} (${s.samples} calls, baseline ${s.baselineSamples})`);
    }
  } else out.push(`Spikes: none (an hour needs ${report.settings.spikes.minSamples} function calls and its ${report.settings.spikes.baselineHours}h baseline ${report.settings.spikes.minBaseline})`);
  return `${out.join('\n')}\n`;
}
