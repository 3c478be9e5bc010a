import { execFileSync } from 'node:child_process';
import { KitError, ExitCode } from '../errors.js';
import type { Deployment } from './record.js';
import type { DeployPlan } from './plan.js';

/**
 * `retell-kit deploy`: ship the agent folder as a new published version and move the numbers'
 * traffic to it (all of it, or a canary share). planDeploy (plan.ts) reads; gate() says whether the
 * plan may go; applyDeploy (apply.ts) writes, step by step, resumable (record.ts).
 */
export { planDeploy, type DeployPlan, type DeployPlanOptions } from './plan.js';
export { applyDeploy, deploymentId, type ApplyOptions, type ApplyResult } from './apply.js';
export { Deployments, type Deployment } from './record.js';

export interface GateResult {
  /** Set when the deploy must not go on: one line (exit 1). */
  refused?: KitError;
  /** What --force overrode, kept in the record. */
  forced?: Deployment['forced'];
  warnings: string[];
}

/**
 * Whether a plan may be applied: lint errors in the flow, or breaking changes to a tool a handler in
 * the config serves, refuse it unless `force` (a canary in progress is refused by planDeploy).
 */
export function gate(plan: DeployPlan, options: { force?: boolean } = {}): GateResult {
  const warnings: string[] = [];
  const problems: string[] = [];
  if (plan.lintErrors) problems.push(`${plan.lintErrors} lint error${plan.lintErrors === 1 ? '' : 's'} in ${plan.flowFile}`);
  if (plan.handlerBreaking.length) {
    const handlers = [...new Set(plan.handlerBreaking.flatMap((c) => c.notes?.filter((n) => n.startsWith('handler ')).map((n) => n.slice(8)) ?? []))];
    problems.push(`${plan.handlerBreaking.length} breaking change${plan.handlerBreaking.length === 1 ? '' : 's'} to tools served by handler${handlers.length === 1 ? '' : 's'} ${handlers.join(', ')}`);
  }
  if (problems.length === 0) return { warnings };
  if (!options.force) {
    return { warnings, refused: new KitError('usage', `refused: ${problems.join('; ')}`, { hint: 'fix them (retell-kit lint shows where), or pass --force to ship anyway (recorded in the deployment)', exitCode: ExitCode.findings }) };
  }
  const warning = `--force: shipped with ${problems.join('; ')}`;
  warnings.push(warning);
  return { warnings, forced: { errors: plan.lintErrors, warning, ...(plan.handlerBreaking.length && { handlerBreaking: plan.handlerBreaking.length }) } };
}

export interface VersionText {
  title: string;
  description: string;
  commit?: string;
}

/** The version's title and description: the git commit (short hash + subject) when in a repo, the --message, the content hash. */
export function versionText(plan: Pick<DeployPlan, 'contentHash' | 'folder'>, options: { cwd?: string; message?: string; forced?: Deployment['forced'] } = {}): VersionText {
  const git = gitHead(options.cwd ?? process.cwd());
  const title = options.message ? options.message.split('\n')[0]!.slice(0, 120) : git ? `${git.short} ${git.subject}`.slice(0, 120) : `retell-kit deploy ${plan.contentHash.slice(0, 12)}`;
  const lines = [
    ...(options.message ? [options.message] : []),
    ...(git ? [`git ${git.short}${git.dirty ? ' (with uncommitted changes)' : ''}: ${git.subject}`] : []),
    `deployed by retell-kit from ${plan.folder} (content ${plan.contentHash.slice(0, 12)})`,
    ...(options.forced ? [options.forced.warning] : []),
  ];
  return { title, description: lines.join('\n'), ...(git && { commit: git.hash }) };
}

function gitHead(cwd: string): { hash: string; short: string; subject: string; dirty: boolean } | undefined {
  try {
    const run = (args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const [hash, short, subject] = run(['log', '-1', '--format=%H%n%h%n%s']).split('\n');
    if (!hash || !short) return undefined;
    const dirty = run(['status', '--porcelain']).length > 0;
    return { hash, short, subject: subject ?? '', dirty };
  } catch {
    return undefined;
  }
}
