import path from 'node:path';
import { CommanderError } from 'commander';
import { loadConfig } from '../config/load.js';
import { ExitCode } from '../errors.js';
import { pullAgent, pullAll, REMOTE_FILE, type PulledAgent, type PullFormat, type PullVersion } from '../pull/index.js';
import { createRetellClient } from '../retell/client.js';
import { startProgress } from './progress.js';

export interface PullFlags {
  all?: boolean;
  version?: string;
  out?: string;
  format?: string;
  secretsFile?: string;
  json?: boolean;
  check?: boolean;
  config?: string;
}

/** Flags -> pullAgent / pullAll -> one line per agent on stderr (or JSON on stdout). */
export async function runPull(agentId: string | undefined, flags: PullFlags): Promise<number> {
  if (!agentId && !flags.all) throw usage('name an agent id, or pass --all');
  if (agentId && flags.all) throw usage('give an agent id or --all, not both');
  const version = parseVersion(flags.version);
  const format = (flags.format ?? 'json') as PullFormat;
  if (format !== 'json' && format !== 'yaml') throw usage(`--format: expected json or yaml, got "${flags.format}"`);
  const cwd = process.cwd();
  const { config } = await loadConfig({ configPath: flags.config, cwd });
  const client = createRetellClient(config);
  const outDir = path.resolve(cwd, flags.out ?? 'agents');
  const progress = await startProgress(agentId ? `pulling ${agentId}` : 'listing agents', { json: flags.json });
  const options = { outDir, version, format, check: flags.check, secretsFile: flags.secretsFile ? path.resolve(cwd, flags.secretsFile) : undefined, onProgress: progress.update };
  let pulled: PulledAgent[];
  let skipped: { agentId: string; reason: string }[] = [];
  try {
    if (agentId) pulled = [await pullAgent(client, agentId, options)];
    else ({ pulled, skipped } = await pullAll(client, options));
  } finally {
    progress.stop();
  }

  // Inside the current folder: a relative path; elsewhere: the absolute one (never ../../tmp/...).
  const relative = path.relative(cwd, outDir);
  const shown = relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? outDir : relative;
  const drifted = pulled.filter((agent) => agent.changed?.length);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ outDir: shown, remote: path.join(shown, REMOTE_FILE), pulled, skipped }, null, 2)}\n`);
    return drifted.length ? ExitCode.findings : ExitCode.ok;
  }
  if (flags.check) {
    for (const agent of drifted) process.stderr.write(`retell-kit: ${agent.agentId} v${agent.version} differs from ${agent.changed!.map((file) => path.join(shown, file)).join(', ')}\n`);
    process.stderr.write(
      drifted.length
        ? `retell-kit: ${drifted.length} of ${pulled.length} agent${pulled.length === 1 ? '' : 's'} changed on Retell since the files were pulled (run pull without --check to take the changes)\n`
        : `retell-kit: ${pulled.length} agent${pulled.length === 1 ? '' : 's'} match${pulled.length === 1 ? 'es' : ''} the files in ${shown}/\n`,
    );
    return drifted.length ? ExitCode.findings : ExitCode.ok;
  }
  for (const agent of pulled) {
    const flow = agent.conversationFlow ? `, flow ${agent.conversationFlow.id} v${agent.conversationFlow.version}` : '';
    process.stderr.write(`retell-kit: pulled ${agent.agentId} v${agent.version} (${agent.isPublished ? 'published' : 'draft'}${flow}) -> ${path.join(shown, agent.folder)}/\n`);
    if (agent.secrets.length) {
      process.stderr.write(`retell-kit:   ${agent.secrets.length} header secret${agent.secrets.length === 1 ? '' : 's'} replaced by placeholders: ${agent.secrets.map((s) => `\${${s}}`).join(', ')}${flags.secretsFile ? ` (values in ${flags.secretsFile}; keep it out of git)` : ' (values not written; pass --secrets-file to keep them)'}\n`);
    }
  }
  for (const skip of skipped) process.stderr.write(`retell-kit: skipped ${skip.agentId}: ${skip.reason}\n`);
  process.stderr.write(`retell-kit: ${pulled.length} agent${pulled.length === 1 ? '' : 's'} pulled into ${shown}/; remote ids in ${path.join(shown, REMOTE_FILE)}\n`);
  return ExitCode.ok;
}

function parseVersion(text: string | undefined): PullVersion {
  if (text === undefined || text === 'latest') return 'latest';
  if (text === 'published') return 'published';
  if (/^\d+$/.test(text)) return Number(text);
  throw usage(`--version: expected a version number, latest or published, got "${text}"`);
}

function usage(message: string): CommanderError {
  process.stderr.write(`retell-kit pull: ${message}\n`);
  return new CommanderError(ExitCode.usage, 'retell-kit.usage', message);
}
