import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { ExitCode, KitError } from '../errors.js';
import { alertPayload, checkAlerts, postAlert } from '../outcomes/alert.js';
import { formatReport, REPORT_FORMATS, type ReportFormat } from '../outcomes/format/index.js';
import { apiSources, buildReport, readSources, type ReportSource } from '../outcomes/report.js';
import { writeAtomically } from '../report/write.js';
import { createRetellClient } from '../retell/client.js';
import { chooseStore, openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { useColor } from '../util/color.js';
import { parseDuration } from '../util/duration.js';

export interface ReportFlags {
  config?: string;
  format?: string;
  output?: string;
  alert?: boolean;
  webhook?: string;
  api?: boolean;
  agent?: string;
  since?: string;
  store?: string;
  redact?: boolean;
}

/** Flags -> buildReport() -> print or write -> 0, or 1 when --alert and a threshold is crossed, 2 trouble. */
export async function runReport(inputs: string[], flags: ReportFlags): Promise<number> {
  const format = (flags.format ?? 'text') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new KitError('usage', `unknown format "${flags.format}"`, { hint: `use ${REPORT_FORMATS.join(', ')}` });
  if (flags.api && inputs.length) throw new KitError('usage', 'give files or --api, not both');
  if (flags.api && !flags.agent) throw new KitError('usage', '--api needs --agent <agent_id>');
  if (!flags.api && (flags.agent || flags.since)) throw new KitError('usage', '--agent and --since go with --api', { hint: 'retell-kit report --api --agent agent_... --since 7d' });
  const cwd = process.cwd();
  const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
  const reportConfig = config.report ?? {};
  const earlyHangupMs = reportConfig.earlyHangup === undefined && config.canary?.earlyHangup !== undefined ? parseDuration(config.canary.earlyHangup, 'canary.earlyHangup') : undefined;
  let store: Store | undefined;
  let sources: AsyncIterable<ReportSource>;
  if (flags.api) {
    const since = flags.since === undefined ? undefined : Date.now() - parseDuration(flags.since, '--since');
    const client = createRetellClient(config);
    if (flags.store) store = await openStore(chooseStore({ flag: flags.store, base: filepath ? path.dirname(filepath) : cwd }), { shared: true, command: 'retell-kit report' });
    sources = apiSources(client, { agentId: flags.agent!, ...(since !== undefined ? { since } : {}) }, store);
  } else {
    if (flags.store) throw new KitError('usage', '--store goes with --api (recordings carry their own function calls)');
    sources = readSources(inputs, cwd);
  }
  try {
    const report = await buildReport(sources, { config: reportConfig, ...(earlyHangupMs !== undefined ? { earlyHangupMs } : {}), redact: flags.redact !== false });
    const text = formatReport(report, format, { color: format === 'text' && !flags.output && useColor(process.stdout) });
    if (flags.output) {
      await writeAtomically(path.resolve(cwd, flags.output), text);
      process.stderr.write(`retell-kit report: wrote ${flags.output} (${report.calls.connected} calls, ${report.unfulfilledClaims.length} unfulfilled claims)\n`);
    } else process.stdout.write(text);
    if (!flags.alert) return ExitCode.ok;
    const crossed = checkAlerts(report, reportConfig.alert);
    for (const c of crossed) process.stderr.write(`retell-kit report: alert: ${c.message}\n`);
    if (!crossed.length) return ExitCode.ok;
    const webhook = flags.webhook ?? reportConfig.alert?.webhookUrl;
    if (webhook) {
      await postAlert(webhook, alertPayload(crossed, report));
      process.stderr.write(`retell-kit report: alert posted to the webhook\n`);
    }
    return ExitCode.findings;
  } finally {
    await store?.close();
  }
}
