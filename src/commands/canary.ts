import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { canarySettings, canaryStatus, findCanary, promoteCanary, promoteTarget, rollbackCanary, type CanarySettings, type CanaryStatus } from '../deploy/canary.js';
import type { Deployment } from '../deploy/record.js';
import { parsePercent } from '../deploy/traffic.js';
import { watchCanary, type WatchEvent } from '../deploy/watch.js';
import { ExitCode, KitError } from '../errors.js';
import { createRetellClient, type RetellClient } from '../retell/client.js';
import { chooseStore, openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { parseDuration } from '../util/duration.js';
import { startProgress } from './progress.js';

export interface CanaryFlags {
  number?: string;
  agent?: string;
  config?: string;
  store?: string;
  format?: string;
  to?: string;
  full?: boolean;
  reason?: string;
  interval?: string;
}

interface Session {
  client: RetellClient;
  store: Store;
  settings: CanarySettings;
  deployment: Deployment;
}

/** Config, client, store and the canary deployment the flags name; the store is closed by `run`. */
async function withCanary<T>(flags: CanaryFlags, run: (s: Session) => Promise<T>, options: { orFinished?: boolean } = {}): Promise<T> {
  const cwd = process.cwd();
  const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
  const settings = canarySettings(config.canary);
  const client = createRetellClient(config);
  const base = filepath ? path.dirname(filepath) : cwd;
  const store = await openStore(chooseStore({ flag: flags.store, config: config.server?.store, base, env: process.env }), { shared: true, command: 'retell-kit canary' });
  try {
    const deployment = await findCanary(store, { number: flags.number, agentId: flags.agent }, options);
    return await run({ client, store, settings, deployment });
  } finally {
    await store.close();
  }
}

function format(flags: CanaryFlags): 'text' | 'json' {
  const f = flags.format ?? 'text';
  if (f !== 'text' && f !== 'json') throw new KitError('usage', `--format: expected text or json, got "${f}"`);
  return f;
}

/** `canary status`: exit 0 healthy / inconclusive / insufficient, 1 degraded, 2 trouble. */
export async function runCanaryStatus(flags: CanaryFlags): Promise<number> {
  const fmt = format(flags);
  const status = await withCanary(flags, (s) => canaryStatus(s, s.deployment), { orFinished: true });
  process.stdout.write(fmt === 'json' ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
  return status.verdict === 'degraded' ? ExitCode.findings : ExitCode.ok;
}

/** `canary promote [--to p | --full]`: exit 0 moved, 2 trouble. */
export async function runCanaryPromote(flags: CanaryFlags): Promise<number> {
  if (flags.to !== undefined && flags.full) throw new KitError('usage', 'give --to or --full, not both');
  const to = flags.to === undefined ? undefined : parsePercent(flags.to);
  const d = await withCanary(flags, async (s) => {
    const from = s.deployment.percent;
    const target = promoteTarget(s.deployment, s.settings, { to, full: flags.full });
    return { from, d: await promoteCanary(s.client, s.store, s.deployment, target, flags.reason ?? 'promoted by hand') };
  });
  process.stderr.write(`retell-kit canary: ${d.d.agentId} v${d.d.newVersion} ${d.from} % → ${d.d.percent} % on ${d.d.numbers.join(', ')}${d.d.state === 'promoted' ? ' (promoted)' : ''}\n`);
  return ExitCode.ok;
}

/** `canary rollback [--reason text]`: no analysis, no calls needed; exit 0 rolled back, 2 trouble. */
export async function runCanaryRollback(flags: CanaryFlags): Promise<number> {
  const d = await withCanary(flags, (s) => rollbackCanary(s.client, s.store, s.deployment, flags.reason));
  process.stderr.write(`retell-kit canary: rolled back ${d.agentId}: v${d.stableVersion} takes 100 % of its share on ${d.numbers.join(', ')}; v${d.newVersion} kept for inspection (reason: ${d.rollbackReason})\n`);
  return ExitCode.ok;
}

/** `canary watch`: exit 0 promoted to 100 %, 1 rolled back or paused, 2 trouble (or stopped). */
export async function runCanaryWatch(flags: CanaryFlags): Promise<number> {
  const fmt = format(flags);
  const intervalMs = flags.interval === undefined ? undefined : parseDuration(flags.interval, '--interval');
  const controller = new AbortController();
  const stop = () => controller.abort(new KitError('usage', 'canary watch stopped by a signal; run it again to continue from the recorded step'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const progress = await startProgress('canary watch: first check', { json: fmt === 'json' });
  const interactive = progress.interactive;
  const line = (text: string) => {
    progress.stop();
    process.stderr.write(`retell-kit canary: ${text}\n`);
    if (interactive) progress.restart();
  };
  const onEvent = (e: WatchEvent) => {
    if (e.type === 'check') {
      const text = `${e.percent} %: ${e.waiting} (${e.status.canary.calls} canary / ${e.status.stable.calls} stable calls)`;
      if (interactive) progress.update(text);
      else line(text);
    } else if (e.type === 'move') line(`healthy: ${e.from} % → ${e.to} %`);
  };
  try {
    const result = await withCanary(flags, (s) => watchCanary({ ...s, intervalMs, onEvent, signal: controller.signal }));
    progress.stop();
    if (fmt === 'json') process.stdout.write(`${JSON.stringify({ outcome: result.outcome, reason: result.reason, deployment: result.deployment.id, percent: result.deployment.percent, verdict: result.status ?? null }, null, 2)}\n`);
    else process.stderr.write(`retell-kit canary: ${result.outcome.replace('_', ' ')}: ${result.reason}\n`);
    return result.outcome === 'promoted' ? ExitCode.ok : ExitCode.findings;
  } finally {
    progress.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
const secs = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);

/** The status for a terminal: the verdict line, a table of both versions, what is still needed. */
export function renderStatus(s: CanaryStatus): string {
  const rows: [string, string, string][] = [
    ['', `stable v${s.deployment.stableVersion}`, `canary v${s.deployment.canaryVersion}`],
    ['calls', String(s.stable.calls), String(s.canary.calls)],
    ['call_successful', pct(s.stable.call_successful), pct(s.canary.call_successful)],
    ['transferred', pct(s.stable.transferred), pct(s.canary.transferred)],
    ['early_hangup', pct(s.stable.early_hangup), pct(s.canary.early_hangup)],
    ['function_error', pct(s.stable.function_error), pct(s.canary.function_error)],
    ['median duration', secs(s.duration.stable.median), secs(s.duration.canary.median)],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const out = [
    `canary ${s.deployment.agentId} v${s.deployment.stableVersion} → v${s.deployment.canaryVersion} at ${s.percent} % on ${s.deployment.numbers.join(', ')} (deployment ${s.deployment.id}${s.deployment.state === 'canary' ? '' : `, ${s.deployment.state.replace('_', ' ')}`})`,
    `verdict: ${s.verdict}: ${s.reason}`,
    '',
    ...rows.map((r) => `  ${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`.trimEnd()),
    '',
  ];
  if (s.callsNeeded !== null) out.push(`needed: about ${s.callsNeeded} more canary calls${s.hoursNeeded !== null ? ` (~${s.hoursNeeded} h at the observed rate)` : ''}`);
  out.push(`duration: ${s.duration.decision}${s.duration.look ? ` (Mann-Whitney at ${s.duration.look.canaryCalls} canary calls, p = ${s.duration.look.p.toPrecision(2)}, α = ${s.duration.look.alpha.toPrecision(2)}, tolerance ${Math.round(s.duration.tolerance * 100)} %)` : ` (first look at ${s.method.minCalls} canary calls)`}`);
  out.push(`function errors: ${s.functionErrors.fromTraces} calls from serve's traces, ${s.functionErrors.fromToolResults} from their tool results; ${s.excluded.not_connected} calls never connected (left out)`);
  return `${out.join('\n')}\n`;
}
