import { readFile } from 'node:fs/promises';
import { ExitCode, KitError } from '../errors.js';
import { buildTrigger, callFromFile, explainSignature, readBody, sendTrigger, targetUrl, TRIGGER_EVENTS } from '../trigger/index.js';
import { useColor } from '../util/color.js';
import { Chalk } from 'chalk';

export interface TriggerFlags {
  to?: string;
  from?: string;
  args?: string;
  explain?: boolean;
  body?: string;
  signature?: string;
}

/** `trigger <event> --to URL` sends one signed sample; `trigger --explain` diagnoses a signature. */
export async function runTrigger(event: string | undefined, flags: TriggerFlags): Promise<number> {
  const c = new Chalk({ level: useColor(process.stdout) ? 1 : 0 });
  const apiKey = process.env.RETELL_API_KEY || undefined;
  if (flags.explain) {
    if (!flags.body) throw new KitError('usage', '--explain needs --body <file> (or - for stdin): the exact bytes the server received');
    if (flags.signature === undefined) throw new KitError('usage', '--explain needs --signature "<the x-retell-signature value>"');
    const body = await readBody(flags.body);
    // Several keys may be tried (comma-separated in RETELL_API_KEYS), e.g. the old and the new one.
    const keys = [...(apiKey ? [apiKey] : []), ...(process.env.RETELL_API_KEYS ?? '').split(',').filter(Boolean)];
    const diagnosis = explainSignature({ body, header: flags.signature, keys });
    for (const check of diagnosis.checks) process.stdout.write(`${check.ok ? c.green('✓') : c.red('✗')} ${check.name}: ${check.detail}\n`);
    process.stdout.write(`${diagnosis.ok ? c.green.bold(`✔ ${diagnosis.verdict}`) : c.red.bold(`✖ ${diagnosis.verdict}`)}\n`);
    return diagnosis.ok ? ExitCode.ok : ExitCode.findings;
  }
  if (!event) throw new KitError('usage', 'which event?', { hint: `retell-kit trigger <event> --to <url>; events: ${TRIGGER_EVENTS.join(', ')}` });
  if (!flags.to) throw new KitError('usage', 'where to? pass --to <url> (a running serve, e.g. http://127.0.0.1:8787)');
  if (!apiKey) throw new KitError('config', 'no API key to sign with', { hint: 'set RETELL_API_KEY to the key your server verifies with' });
  let call: Record<string, unknown> | undefined;
  if (flags.from) {
    let text: string;
    try {
      text = await readFile(flags.from, 'utf8');
    } catch (error) {
      throw new KitError((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'io', (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${(error as Error).message}`, { file: flags.from, cause: error });
    }
    call = callFromFile(text, flags.from);
  }
  let args: unknown;
  if (flags.args !== undefined) {
    try {
      args = JSON.parse(flags.args);
    } catch (error) {
      throw new KitError('usage', `--args is not JSON: ${(error as Error).message}`, { hint: `e.g. --args '{"date":"2026-03-16"}'` });
    }
  }
  const request = buildTrigger(event, { call, args });
  const url = targetUrl(flags.to, request);
  const result = await sendTrigger(url, request.payload, apiKey);
  process.stderr.write(`retell-kit: sent a signed ${request.description} to ${url}\n`);
  const status = result.status < 300 ? c.green(String(result.status)) : c.red(String(result.status));
  process.stdout.write(`${status} in ${Math.round(result.durationMs)} ms\n${result.body}${result.body.endsWith('\n') ? '' : '\n'}`);
  return result.status < 300 ? ExitCode.ok : ExitCode.findings;
}
