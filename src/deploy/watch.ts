import { formatDuration } from '../util/duration.js';
import { Deployments, type Deployment } from './record.js';
import { canaryStatus, moveTraffic, rollbackCanary, type CanaryContext, type CanaryStatus } from './canary.js';

/**
 * `canary watch`: walk the canary through the configured steps (default 5 → 25 → 50 → 100 %),
 * checking the verdict every interval. Healthy, with the step's minimum time and calls behind it:
 * the next step (100 %: promoted, done). Degraded: rolled back, done. Inconclusive or insufficient
 * past the step deadline: paused or rolled back (canary.onInconclusive), done.
 *
 * The verdict uses every call since the canary was bound (cumulative across steps: the mSPRT's
 * interval is valid at every look and under a share that changes between looks, see
 * docs/canary.md); the step's minimum time, minimum calls and deadline count from the step's start.
 * The step is recorded (`Deployment.step`) before anything else happens, so a watch killed at any
 * point and started again continues from the recorded step with the same clock.
 */

export type WatchOutcome = 'promoted' | 'rolled_back' | 'paused';

export type WatchEvent =
  | { type: 'check'; status: CanaryStatus; percent: number; stepElapsedMs: number; stepCalls: number; waiting: string }
  | { type: 'move'; from: number; to: number; reason: string }
  | { type: 'done'; outcome: WatchOutcome; reason: string };

export interface WatchOptions extends CanaryContext {
  deployment: Deployment;
  /** Overrides settings.intervalMs (`--interval`). */
  intervalMs?: number;
  onEvent?: (event: WatchEvent) => void;
  signal?: AbortSignal;
}

export interface WatchResult {
  outcome: WatchOutcome;
  reason: string;
  deployment: Deployment;
  /** The last verdict read. */
  status?: CanaryStatus;
}

export async function watchCanary(o: WatchOptions): Promise<WatchResult> {
  const now = o.now ?? Date.now;
  const { settings, client, store } = o;
  const interval = o.intervalMs ?? settings.intervalMs;
  const deployments = new Deployments(store);
  let d = o.deployment;
  if (d.state === 'paused') {
    d.state = 'canary';
    d.step = { percent: d.percent, startedAt: now() };
    d = await deployments.log(d, { action: 'resume', to: d.percent }, now());
  }
  if (!d.step || d.step.percent !== d.percent) {
    d.step = { percent: d.percent, startedAt: now() };
    d = await deployments.save(d, now());
  }
  for (;;) {
    const status = await canaryStatus(o, d);
    const canaryCalls = status.canary.calls;
    if (d.step!.canaryCalls === undefined) {
      d.step!.canaryCalls = canaryCalls;
      d = await deployments.save(d, now());
    }
    const stepElapsedMs = now() - d.step!.startedAt;
    const stepCalls = canaryCalls - d.step!.canaryCalls!;
    if (status.verdict === 'degraded') {
      d = await rollbackCanary(client, store, d, status.reason, status.verdict);
      return finish(o, { outcome: 'rolled_back', reason: status.reason, deployment: d, status });
    }
    let waiting: string;
    if (status.verdict === 'healthy') {
      if (stepElapsedMs >= settings.stepMinTimeMs && stepCalls >= settings.stepMinCalls) {
        const to = settings.steps.find((s) => s > d.percent) ?? 100;
        const from = d.percent;
        o.onEvent?.({ type: 'check', status, percent: from, stepElapsedMs, stepCalls, waiting: `healthy: moving to ${to} %` });
        d = await moveTraffic(client, store, d, to, { action: to >= 100 ? 'promote' : 'step', reason: status.reason, verdict: status.verdict, canaryCalls, now: now() });
        o.onEvent?.({ type: 'move', from, to, reason: status.reason });
        if (to >= 100) return finish(o, { outcome: 'promoted', reason: `promoted to 100 % after ${trafficPath(d).join(' → ')} %: ${status.reason}`, deployment: d, status });
        continue;
      }
      waiting = `healthy; the step needs ${formatDuration(settings.stepMinTimeMs)} and ${settings.stepMinCalls} canary calls (has ${formatDuration(stepElapsedMs)}, ${stepCalls})`;
    } else if (stepElapsedMs >= settings.stepDeadlineMs) {
      const reason = `${status.verdict} at ${d.percent} % past the step deadline: ${status.reason}`;
      if (settings.onInconclusive === 'rollback') {
        d = await rollbackCanary(client, store, d, reason, status.verdict);
        return finish(o, { outcome: 'rolled_back', reason, deployment: d, status });
      }
      d.state = 'paused';
      d = await deployments.log(d, { action: 'pause', reason, verdict: status.verdict }, now());
      return finish(o, { outcome: 'paused', reason, deployment: d, status });
    } else {
      const needed = status.callsNeeded ? `${status.callsNeeded} more canary calls needed` : 'enough calls for the planned power, deciding as calls come';
      waiting = `${status.verdict}; ${needed}; step deadline in ${formatDuration(settings.stepDeadlineMs - stepElapsedMs)}`;
    }
    o.onEvent?.({ type: 'check', status, percent: d.percent, stepElapsedMs, stepCalls, waiting });
    await sleep(interval, o.signal);
    if (o.signal?.aborted) throw o.signal.reason ?? new Error('aborted');
    // Someone may have promoted, rolled back or paused it by hand meanwhile: read the record again.
    const fresh = await deployments.get(d.id);
    if (fresh && fresh.state !== 'canary') {
      const reason = `the deployment became ${fresh.state} outside this watch`;
      const outcome: WatchOutcome = fresh.state === 'promoted' ? 'promoted' : fresh.state === 'paused' ? 'paused' : 'rolled_back';
      return finish(o, { outcome, reason, deployment: fresh });
    }
    if (fresh) d = fresh;
    if (!d.step || d.step.percent !== d.percent) {
      d.step = { percent: d.percent, startedAt: now() };
      d = await deployments.save(d, now());
    }
  }
}

function finish(o: WatchOptions, result: WatchResult): WatchResult {
  o.onEvent?.({ type: 'done', outcome: result.outcome, reason: result.reason });
  return result;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}


/** The canary shares the deployment went through before 100 %: where it started, then each step (from its history). */
function trafficPath(d: Deployment): number[] {
  const path = [d.canaryPercent ?? d.history.find((e) => e.from !== undefined)?.from ?? 0];
  for (const e of d.history) if ((e.action === 'step' || e.action === 'promote') && e.to !== undefined && e.to < 100 && e.to !== path[path.length - 1]) path.push(e.to);
  return path;
}
