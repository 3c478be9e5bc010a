// `report --alert`: thresholds from config (report.alert) checked against a report, and an optional
// Slack-compatible POST ({ text, blocks }). The webhook URL may hold a token: it is never put in a
// message or an error.
import type { ReportConfig } from '../config/schema.js';
import { KitError } from '../errors.js';
import type { Report } from './report.js';
import { ms, pct } from './format/text.js';

export type AlertThresholds = NonNullable<ReportConfig['alert']>;

export interface Crossed {
  threshold: keyof AlertThresholds;
  message: string;
}

/** Each threshold the report crosses, one line each. Unfulfilled claims alert above 0 unless configured. */
export function checkAlerts(report: Report, thresholds: AlertThresholds = {}): Crossed[] {
  const crossed: Crossed[] = [];
  const calls = report.functions.reduce((n, f) => n + f.calls - f.noResult, 0);
  const errors = report.functions.reduce((n, f) => n + f.errors, 0);
  if (thresholds.errorRate !== undefined && calls > 0 && errors / calls > thresholds.errorRate) {
    crossed.push({ threshold: 'errorRate', message: `function error rate ${pct(errors / calls)} is above ${pct(thresholds.errorRate)} (${errors} of ${calls} function calls)` });
  }
  if (thresholds.p95Ms !== undefined) {
    for (const f of report.functions) {
      if (f.p95Ms !== null && f.p95Ms > thresholds.p95Ms) crossed.push({ threshold: 'p95Ms', message: `${f.name} p95 latency ${ms(f.p95Ms)} is above ${ms(thresholds.p95Ms)}` });
    }
  }
  const maxClaims = thresholds.unfulfilledClaims ?? 0;
  if (report.unfulfilledClaims.length > maxClaims) {
    const ids = report.unfulfilledClaims.slice(0, 3).map((c) => c.callId).join(', ');
    crossed.push({ threshold: 'unfulfilledClaims', message: `${report.unfulfilledClaims.length} call(s) where the agent said it was done but it was not (${ids}${report.unfulfilledClaims.length > 3 ? ', …' : ''})` });
  }
  if (thresholds.minConversion !== undefined && report.calls.connected > 0) {
    const first = report.outcomes[0];
    if (first && first.conversion !== null && first.conversion < thresholds.minConversion) {
      crossed.push({ threshold: 'minConversion', message: `${first.name} conversion ${pct(first.conversion)} is below ${pct(thresholds.minConversion)} (${first.succeeded} of ${report.calls.connected} calls)` });
    }
  }
  if (thresholds.earlyHangupRate !== undefined && report.calls.connected > 0) {
    const early = report.byVersion.reduce((n, v) => n + v.earlyHangups, 0);
    const rate = early / report.calls.connected;
    if (rate > thresholds.earlyHangupRate) crossed.push({ threshold: 'earlyHangupRate', message: `early hang-up rate ${pct(rate)} is above ${pct(thresholds.earlyHangupRate)}` });
  }
  if (thresholds.spikes) {
    for (const s of report.spikes) {
      const what = s.metric === 'error_rate' ? `error rate ${pct(s.value)} (baseline ${pct(s.baseline)})` : `p95 latency ${ms(s.value)} (baseline ${ms(s.baseline)})`;
      crossed.push({ threshold: 'spikes', message: `spike at ${s.hour.slice(0, 13)}:00 UTC: ${what}` });
    }
  }
  return crossed;
}

/** The Slack-compatible body: `text` for any receiver, `blocks` for Slack. */
export function alertPayload(crossed: readonly Crossed[], report: Report): { text: string; blocks: unknown[] } {
  const title = `retell-kit report: ${crossed.length} threshold(s) crossed over ${report.calls.connected} calls`;
  const lines = crossed.map((c) => `• ${c.message}`);
  return {
    text: `${title}\n${lines.join('\n')}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) } },
    ],
  };
}

/** POST the alert. Failures name the host only, never the URL (its path may be the token). */
export async function postAlert(url: string, body: unknown, options: { timeoutMs?: number } = {}): Promise<void> {
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
    host = parsed.host;
  } catch {
    throw new KitError('usage', 'the alert webhook is not an http(s) URL', { hint: 'set report.alert.webhookUrl or --webhook to e.g. https://hooks.slack.com/services/...' });
  }
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(options.timeoutMs ?? 10_000), redirect: 'error' });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : ((error as { cause?: { code?: string } }).cause?.code ?? 'network error');
    throw new KitError('io', `could not post the alert to ${host}: ${reason}`, { exitCode: 2 });
  }
  await response.body?.cancel().catch(() => {});
  if (!response.ok) throw new KitError('io', `the alert webhook at ${host} answered HTTP ${response.status}`, { hint: 'check the webhook URL is current' });
}
