// The report as one self-contained HTML page: inline SVG charts drawn here (no chart library, no
// script, no external resource; a Content-Security-Policy forbids any fetch), so it opens offline,
// can be mailed, and archived with the build. Every text from a call is escaped.
import type { ClaimEntry, Report, VersionReport } from '../report.js';
import { ms, pct, resultText, versionLabel } from './text.js';
import { escapeHtml, pageHead } from '../../util/html.js';

const COLORS = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2', '#dc2626', '#4b5563'];


const e = escapeHtml;

function tick(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const pow = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * pow >= value) return step * pow;
  return 10 * pow;
}

interface Bucket {
  at: number;
  calls: number;
  booked: number;
  successful: number;
}

/** Hourly points, or daily ones when the period is longer than three days. */
function buckets(v: VersionReport, outcome: string | undefined, daily: boolean): Map<number, Bucket> {
  const size = daily ? 86_400_000 : 3_600_000;
  const out = new Map<number, Bucket>();
  for (const p of v.series) {
    const at = Math.floor(Date.parse(p.hour) / size) * size;
    const b = out.get(at) ?? { at, calls: 0, booked: 0, successful: 0 };
    b.calls += p.calls;
    b.successful += p.successful;
    b.booked += outcome ? (p.outcomes[outcome] ?? 0) : 0;
    out.set(at, b);
  }
  return out;
}

/** Calls per version over time: one bar group per time bucket, each version a colour; the darker part of a bar is the booked calls. */
function timeChart(report: Report): string {
  const outcome = report.outcomes[0]?.name;
  const from = report.period.from ? Date.parse(report.period.from) : 0;
  const to = report.period.to ? Date.parse(report.period.to) : 0;
  const daily = to - from > 3 * 86_400_000;
  const size = daily ? 86_400_000 : 3_600_000;
  const series = report.byVersion.map((v) => buckets(v, outcome, daily));
  const times: number[] = [];
  if (report.byVersion.length) for (let t = Math.floor(from / size) * size; t <= to && times.length < 400; t += size) times.push(t);
  const W = 760;
  const H = 240;
  const left = 44;
  const bottom = 28;
  const plotW = W - left - 10;
  const plotH = H - bottom - 12;
  const max = niceMax(Math.max(1, ...series.flatMap((s) => [...s.values()].map((b) => b.calls))));
  const group = times.length ? plotW / times.length : plotW;
  const barW = Math.max(1, (group * 0.8) / Math.max(1, series.length));
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = 12 + plotH - (plotH * i) / 4;
    parts.push(`<line x1="${left}" x2="${W - 10}" y1="${y}" y2="${y}" stroke="#e5e7eb"/><text x="${left - 6}" y="${y + 4}" text-anchor="end" class="axis">${tick((max * i) / 4)}</text>`);
  }
  times.forEach((t, i) => {
    const x0 = left + i * group + group * 0.1;
    series.forEach((s, k) => {
      const b = s.get(t);
      if (!b) return;
      const h = (b.calls / max) * plotH;
      const hb = (b.booked / max) * plotH;
      const x = x0 + k * barW;
      const color = COLORS[k % COLORS.length]!;
      parts.push(`<rect class="bar" x="${x.toFixed(1)}" y="${(12 + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${color}" fill-opacity="0.35"><title>${e(versionLabel(report.byVersion[k]!))} ${new Date(t).toISOString().slice(0, daily ? 10 : 13)}: ${b.calls} calls, ${b.successful} successful, ${b.booked} ${e(outcome ?? '')}</title></rect>`);
      if (hb > 0) parts.push(`<rect x="${x.toFixed(1)}" y="${(12 + plotH - hb).toFixed(1)}" width="${barW.toFixed(1)}" height="${hb.toFixed(1)}" fill="${color}"/>`);
    });
  });
  const labelEvery = Math.max(1, Math.ceil(times.length / 8));
  times.forEach((t, i) => {
    if (i % labelEvery) return;
    const iso = new Date(t).toISOString();
    parts.push(`<text x="${(left + i * group + group / 2).toFixed(1)}" y="${H - 8}" text-anchor="middle" class="axis">${daily ? iso.slice(5, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 13)}h`}</text>`);
  });
  const legend = report.byVersion
    .map((v, k) => `<span class="key"><i style="background:${COLORS[k % COLORS.length]}"></i>${e(versionLabel(v))}</span>`)
    .join(' ');
  return `<figure><figcaption>Calls per version ${daily ? 'per day' : 'per hour'} (UTC); the solid part is ${e(outcome ?? 'the outcome')}</figcaption>
<svg id="chart-versions" class="chart" role="img" aria-label="Calls per agent version over time" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${parts.join('')}</svg>
<div class="legend">${legend}</div></figure>`;
}

/** Function latency distribution: calls per latency bucket. */
function latencyChart(report: Report): string {
  const W = 760;
  const H = 200;
  const left = 44;
  const bottom = 28;
  const plotH = H - bottom - 12;
  const bins = report.latencyHistogram;
  const max = niceMax(Math.max(1, ...bins.map((b) => b.count)));
  const w = (W - left - 10) / bins.length;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = 12 + plotH - (plotH * i) / 4;
    parts.push(`<line x1="${left}" x2="${W - 10}" y1="${y}" y2="${y}" stroke="#e5e7eb"/><text x="${left - 6}" y="${y + 4}" text-anchor="end" class="axis">${tick((max * i) / 4)}</text>`);
  }
  bins.forEach((b, i) => {
    const prev = i === 0 ? 0 : bins[i - 1]!.le;
    const label = b.le === null ? `> ${ms(prev)}` : `≤ ${ms(b.le)}`;
    const h = (b.count / max) * plotH;
    const x = left + i * w + w * 0.1;
    const slow = b.le === null || b.le > 2000;
    parts.push(`<rect class="bar" x="${x.toFixed(1)}" y="${(12 + plotH - h).toFixed(1)}" width="${(w * 0.8).toFixed(1)}" height="${h.toFixed(1)}" fill="${slow ? '#dc2626' : '#2563eb'}"><title>${e(label)}: ${b.count} function calls</title></rect>`);
    parts.push(`<text x="${(left + i * w + w / 2).toFixed(1)}" y="${H - 8}" text-anchor="middle" class="axis">${e(label)}</text>`);
    if (b.count) parts.push(`<text x="${(left + i * w + w / 2).toFixed(1)}" y="${(12 + plotH - h - 4).toFixed(1)}" text-anchor="middle" class="value">${b.count}</text>`);
  });
  return `<figure><figcaption>Function latency (all functions)</figcaption>
<svg id="chart-latency" class="chart" role="img" aria-label="Function latency distribution" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${parts.join('')}</svg></figure>`;
}

/** The funnel: calls, calls that tried the outcome, calls where it succeeded, and the unfulfilled claims. */
function funnelChart(report: Report): string {
  const steps = [...report.funnel.map((f) => ({ ...f, color: '#2563eb' })), { step: 'said done, was not', count: report.unfulfilledClaims.length, color: '#dc2626' }];
  const W = 760;
  const row = 34;
  const H = steps.length * row + 8;
  const labelW = 190;
  const max = Math.max(1, steps[0]!.count);
  const parts = steps.map((s, i) => {
    const w = Math.max(s.count ? 2 : 0, ((W - labelW - 70) * s.count) / max);
    const y = 4 + i * row;
    const share = i > 0 && steps[0]!.count ? ` (${pct(s.count / steps[0]!.count)})` : '';
    return `<text x="${labelW - 8}" y="${y + 20}" text-anchor="end" class="label">${e(s.step)}</text><rect class="bar" x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="${row - 10}" fill="${s.color}"><title>${e(s.step)}: ${s.count}</title></rect><text x="${(labelW + w + 6).toFixed(1)}" y="${y + 20}" class="value">${s.count}${share}</text>`;
  });
  return `<figure><figcaption>Funnel</figcaption>
<svg id="chart-funnel" class="chart" role="img" aria-label="Booking funnel" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${parts.join('')}</svg></figure>`;
}

/** Rows shown per claim table; the JSON report lists them all. */
export const HTML_CLAIM_ROWS = 500;

function claimRows(list: ClaimEntry[]): string {
  const more = list.length > HTML_CLAIM_ROWS ? `\n<tr><td colspan="6">… and ${list.length - HTML_CLAIM_ROWS} more (--format json lists every one)</td></tr>` : '';
  return list
    .slice(0, HTML_CLAIM_ROWS)
    .map(
      (c) => `<tr><td><code>${e(c.callId)}</code></td><td>${e(versionLabel(c))}</td><td>${e(c.kind)}</td><td>“${e(c.quote)}”${c.correction ? `<br><small>corrected: “${e(c.correction)}”</small>` : ''}</td><td>${c.failed ? `<code>${e(c.failed.name)}</code>: ${e(resultText(c.failed.result, 200))}` : `no ${e(c.outcome)} function called`}</td><td>${e(c.nodePath.join(' → '))}</td></tr>`,
    )
    .join('\n') + more;
}

const CLAIM_HEAD = '<tr><th>call</th><th>version</th><th>kind</th><th>the agent said</th><th>failed result</th><th>node path</th></tr>';

export function formatHtml(report: Report): string {
  const names = report.outcomes.map((o) => o.name);
  const versions = report.byVersion
    .map(
      (v) => `<tr><td>${e(versionLabel(v))}</td><td>${v.calls}</td><td>${pct(v.successRate)}</td><td>${pct(v.transferRate)}</td><td>${pct(v.earlyHangupRate)}</td><td>${pct(v.functionErrorRate)}</td><td>${ms(v.durationP50Ms)} / ${ms(v.durationP95Ms)}</td>${names.map((n) => `<td>${v.outcomes[n]!.succeeded} (${pct(v.outcomes[n]!.conversion)})</td>`).join('')}<td>${v.unfulfilledClaims}</td></tr>`,
    )
    .join('\n');
  const functions = report.functions.map((f) => `<tr><td><code>${e(f.name)}</code></td><td>${f.calls}</td><td>${f.errors} (${pct(f.errorRate)})</td><td>${ms(f.p50Ms)}</td><td>${ms(f.p95Ms)}</td><td>${f.fallbacks}</td><td>${f.noResult}</td></tr>`).join('\n');
  const spikes = report.spikes.map((s) => `<tr><td>${e(s.hour)}</td><td>${e(s.metric)}</td><td>${s.metric === 'error_rate' ? pct(s.value) : ms(s.value)}</td><td>${s.metric === 'error_rate' ? pct(s.baseline) : ms(s.baseline)}</td><td>${s.samples}</td></tr>`).join('\n');
  const period = report.period.from ? `${e(report.period.from.slice(0, 16).replace('T', ' '))} to ${e(report.period.to!.slice(0, 16).replace('T', ' '))} UTC` : 'no calls';
  return `${pageHead({ title: `Call report: ${report.calls.connected} calls`, generator: 'retell-kit report', css: REPORT_CSS })}
<h1>Call report</h1>
<p class="sub">${report.calls.connected} calls, ${period}. Generated ${e(report.generatedAt)} by retell-kit.</p>
<div class="tiles">
<div class="tile"><b>${report.calls.connected}</b>calls</div>
${report.outcomes.map((o) => `<div class="tile"><b>${pct(o.conversion)}</b>${e(o.name)} (${o.succeeded})</div>`).join('\n')}
<div class="tile${report.unfulfilledClaims.length ? ' bad' : ''}"><b>${report.unfulfilledClaims.length}</b>said done, was not</div>
<div class="tile"><b>${report.recovered.length}</b>recovered</div>
<div class="tile${report.spikes.length ? ' bad' : ''}"><b>${report.spikes.length}</b>spikes</div>
</div>
<h2>Outcomes per version over time</h2>
${timeChart(report)}
<h2>By version</h2>
<table><tr><th>version</th><th>calls</th><th>success</th><th>transfer</th><th>early hang-up</th><th>function errors</th><th>duration p50 / p95</th>${names.map((n) => `<th>${e(n)}</th>`).join('')}<th>unfulfilled</th></tr>
${versions}</table>
<h2>Funnel</h2>
${funnelChart(report)}
<h2>Said it was done, but it was not (${report.unfulfilledClaims.length})</h2>
${report.unfulfilledClaims.length ? `<table>${CLAIM_HEAD}\n${claimRows(report.unfulfilledClaims)}</table>` : '<p class="none">None.</p>'}
${report.recovered.length ? `<h2>Recovered: claimed, then corrected (${report.recovered.length})</h2>\n<table>${CLAIM_HEAD}\n${claimRows(report.recovered)}</table>` : ''}
<h2>Functions</h2>
${latencyChart(report)}
<table><tr><th>function</th><th>calls</th><th>errors</th><th>p50</th><th>p95</th><th>fallbacks</th><th>no result</th></tr>
${functions}</table>
<h2>Spikes (${report.spikes.length})</h2>
${report.spikes.length ? `<table><tr><th>hour (UTC)</th><th>metric</th><th>value</th><th>baseline</th><th>calls</th></tr>\n${spikes}</table>` : `<p class="none">None (an hour needs ${report.settings.spikes.minSamples} function calls and a ${report.settings.spikes.baselineHours} h baseline of ${report.settings.spikes.minBaseline}).</p>`}
</body>
</html>
`;
}

const REPORT_CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;margin:24px auto;max-width:980px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.sub{color:#6b7280;margin:0 0 16px}
.tiles{display:flex;gap:12px;flex-wrap:wrap}.tile{border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px;min-width:120px}
.tile b{display:block;font-size:22px}.tile.bad b{color:#dc2626}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border-bottom:1px solid #e5e7eb;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f9fafb;font-weight:600}td:nth-child(n+2){font-variant-numeric:tabular-nums}
figure{margin:12px 0}figcaption{font-weight:600;margin-bottom:4px}
.chart{max-width:100%;height:auto;display:block}.axis{font-size:11px;fill:#6b7280}.label{font-size:12px;fill:#111827}.value{font-size:11px;fill:#111827}
.legend .key{margin-right:14px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.none{color:#059669}
`;
