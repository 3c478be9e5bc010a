import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../config/load.js';
import { resolveLintOptions } from '../config/lint-options.js';
import { applyDeploy, gate, planDeploy, versionText, type ApplyResult, type DeployPlan } from '../deploy/index.js';
import { parsePercent, splitTraffic, type InboundBinding } from '../deploy/traffic.js';
import { formatText as formatDiff } from '../diff/format/text.js';
import { ExitCode, KitError } from '../errors.js';
import { createRetellClient } from '../retell/client.js';
import { chooseStore, openStore } from '../store/open.js';
import { useColor } from '../util/color.js';
import { version } from '../version.js';
import { listRules } from '../validators/engine.js';

export interface DeployFlags {
  dryRun?: boolean;
  canary?: string;
  number?: string[];
  message?: string;
  yes?: boolean;
  force?: boolean;
  store?: string;
  format?: string;
  config?: string;
}

const FORMATS = ['text', 'json'] as const;

/** Flags -> planDeploy -> gate -> (confirm) -> applyDeploy -> print. 0 deployed / dry run / no change, 1 refused, 2 trouble. */
export async function runDeploy(folderArg: string | undefined, flags: DeployFlags): Promise<number> {
  const format = flags.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new KitError('usage', `unknown format "${format}"`, { hint: `use ${FORMATS.join(' or ')}` });
  const canaryPercent = flags.canary === undefined ? undefined : parsePercent(flags.canary);
  const cwd = process.cwd();
  const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
  const base = filepath ? path.dirname(filepath) : cwd;
  const folder = folderArg ?? (config.deploy?.folder ? path.relative(cwd, path.resolve(base, config.deploy.folder)) || '.' : undefined);
  if (!folder) throw new KitError('usage', 'name the agent folder to deploy', { hint: 'e.g. retell-kit deploy agents/salon, or set deploy.folder in the config' });
  const numbers = flags.number?.length ? flags.number : config.deploy?.numbers ?? [];
  for (const n of numbers) if (!/^\+[1-9]\d{6,14}$/.test(n)) throw new KitError('usage', `--number "${n}" is not an E.164 number`, { hint: 'e.g. --number +14155550100' });
  if (canaryPercent !== undefined && numbers.length === 0) throw new KitError('usage', '--canary needs phone numbers to split', { hint: 'pass --number +1..., or set deploy.numbers in the config' });

  const client = createRetellClient(config);
  const configName = filepath ? path.relative(cwd, filepath) || filepath : 'config';
  const target = chooseStore({ flag: flags.store, config: config.server?.store, base, env: process.env });
  // A dry run reads records that exist (a canary in progress, an interrupted deploy) and creates none.
  const store = flags.dryRun && target.kind === 'sqlite' && !existsSync(path.resolve(cwd, target.file)) ? undefined : await openStore(target, { command: 'retell-kit deploy', waitForLockMs: 2_000 });
  try {
    const plan = await planDeploy(client, {
      folder,
      cwd,
      numbers,
      store,
      allowUnsetSecrets: flags.dryRun === true,
      lintOptions: resolveLintOptions(config.lint, {}, configName),
      diff: { ...(config.diff?.severity && { severity: config.diff.severity }), handlers: Object.keys(config.functions ?? {}) },
    });
    const json = format === 'json';
    const err = (line: string) => process.stderr.write(`${line}\n`);
    const checks = gate(plan, { force: flags.force });
    const noChange = plan.diff.changes.length === 0 && !plan.resume;

    if (!json) {
      if (plan.lint && plan.lint.diagnostics.length) await printLint(plan, cwd);
      process.stdout.write(renderPlan(plan, canaryPercent, noChange));
    }
    for (const w of checks.warnings) err(`retell-kit: warning: ${w}`);
    if (checks.refused) {
      if (json) {
        const findings = (plan.lint?.diagnostics ?? []).map((d) => ({ ruleId: d.ruleId, severity: d.severity, message: d.message, file: plan.flowFile, pointer: d.pointer, line: d.line, column: d.column }));
        process.stdout.write(`${JSON.stringify({ result: 'refused', reason: checks.refused.message, plan: planSummary(plan), findings }, null, 2)}\n`);
      }
      throw checks.refused;
    }
    if (noChange || flags.dryRun) {
      if (json) process.stdout.write(`${JSON.stringify({ result: noChange ? 'no-change' : 'dry-run', plan: planSummary(plan) }, null, 2)}\n`);
      else err(noChange ? `retell-kit: no change: ${plan.folder} matches ${plan.agentId} v${plan.stableVersion}; nothing deployed` : 'retell-kit: dry run: nothing applied');
      return ExitCode.ok;
    }
    if (!flags.yes) {
      if (!process.stdin.isTTY) throw new KitError('usage', 'deploy changes a live agent and asks first; no terminal to ask on', { hint: 'pass --yes to apply without asking (CI), or --dry-run to see the plan only' });
      if (!(await confirm(`Deploy ${plan.agentId} from ${plan.folder}${canaryPercent === undefined ? '' : ` as a ${canaryPercent} % canary`}? [y/N] `))) {
        err('retell-kit: not deployed');
        return ExitCode.ok;
      }
    }
    const text = versionText(plan, { cwd, message: flags.message, forced: checks.forced });
    if (plan.resume && !json) err(`retell-kit: continuing the interrupted deploy ${plan.resume.id} (${plan.resume.steps.map((s) => s.step).join(', ')} done)`);
    const result = await applyDeploy(client, store!, plan, {
      canaryPercent,
      ...text,
      ...(checks.forced && { forced: checks.forced }),
      onStep: json ? undefined : (_step, _d, detail) => err(`  ✓ ${detail}`),
    });
    if (json) process.stdout.write(`${JSON.stringify({ result: 'deployed', deployment: result.deployment, plan: planSummary(plan), bindings: result.bindings }, null, 2)}\n`);
    else process.stdout.write(renderResult(result));
    return ExitCode.ok;
  } finally {
    await store?.close();
  }
}

async function printLint(plan: DeployPlan, cwd: string): Promise<void> {
  const { default: stylish } = await import('../report/stylish.js');
  process.stdout.write(stylish([plan.lint!], { cwd, color: useColor(process.stdout), version: version(), rules: listRules() }));
}

function renderPlan(plan: DeployPlan, canaryPercent: number | undefined, noChange: boolean): string {
  const lines = [`Deploy plan: ${plan.folder} -> ${plan.agentId}`, `  base:    v${plan.stableVersion} (${plan.stableFrom})`];
  if (plan.lint) {
    const count = (s: string) => plan.lint!.diagnostics.filter((d) => d.severity === s).length;
    lines.push(`  lint:    ${count('error')} errors, ${count('warning')} warnings (${plan.flowFile})`);
  }
  for (const note of plan.notes) lines.push(`  note:    ${note}`);
  lines.push('');
  if (noChange) return `${lines.join('\n')}\nNo changes.\n`;
  // The diff's own report, minus its a/b header (the plan's first lines say what is compared).
  const body = formatDiff(plan.diff).split('\n').slice(3).join('\n');
  lines.push(body.trimEnd());
  for (const c of plan.handlerBreaking) lines.push(`  ! breaking for a handler: ${c.message}`);
  lines.push('', 'Traffic:');
  if (plan.numbers.length === 0) lines.push('  no numbers (--number or deploy.numbers): the new version is published, nothing is bound');
  for (const number of plan.numbers) {
    const before = plan.bindingsBefore[number] ?? [];
    const after = splitTraffic(before, plan.agentId, plan.stableVersion, -1, canaryPercent ?? 100, number).bindings;
    lines.push(`  ${number}: ${bindingText(before, plan.agentId) || 'nothing bound'} -> ${bindingText(after, plan.agentId)}`);
  }
  return `${lines.join('\n')}\n`;
}

function bindingText(list: readonly InboundBinding[], agentId: string): string {
  return list.map((b) => `${b.agent_id === agentId ? '' : `${b.agent_id} `}${b.agent_version === -1 ? 'new' : `v${String(b.agent_version ?? 'latest')}`} ${round(b.weight * 100)} %`).join(', ');
}

function renderResult(result: ApplyResult): string {
  const d = result.deployment;
  const lines = [`Deployed ${d.agentId} v${d.newVersion} (${d.state}${d.state === 'canary' ? ` at ${d.percent} %` : ''}): ${d.title}`];
  for (const [number, list] of Object.entries(result.bindings)) lines.push(`  ${number}: ${bindingText(list, d.agentId)}`);
  if (d.state === 'canary') lines.push(`Next: retell-kit canary status, then canary promote or canary rollback (or canary watch)`);
  return `${lines.join('\n')}\n`;
}

function planSummary(plan: DeployPlan) {
  return {
    agentId: plan.agentId,
    folder: plan.folder,
    stableVersion: plan.stableVersion,
    contentHash: plan.contentHash,
    numbers: plan.numbers,
    lint: plan.lint ? { errors: plan.lintErrors, warnings: plan.lint.diagnostics.filter((d) => d.severity === 'warning').length } : null,
    changes: plan.diff.summary,
    handlerBreaking: plan.handlerBreaking.map((c) => c.message),
    notes: plan.notes,
    ...(plan.resume && { resumes: plan.resume.id }),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

