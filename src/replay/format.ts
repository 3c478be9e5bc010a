// The replay report as text (grouped by agent and version, differences coloured), JSON (the shape CI
// scripts read: every difference is {path, expected, actual}) and JUnit. Strings out; commands print.
import { Chalk } from 'chalk';
import type { Difference } from './compare.js';
import type { ReplayReport } from './index.js';
import { FAILING, type CallResult, type StepResult, type StepStatus } from './run.js';

export const REPLAY_FORMATS = ['text', 'json', 'junit'] as const;
export type ReplayFormat = (typeof REPLAY_FORMATS)[number];

const LABEL: Record<StepStatus, string> = {
  same: 'same',
  changed: 'changed',
  error: 'error',
  'no-handler': 'no handler',
  'no-recorded-result': 'no recorded result',
  builtin: 'built-in, not replayed',
  skipped: 'skipped',
  handled: 'handled',
  'not-handled': 'no handler configured (stored only)',
  'not-idempotent': 'not idempotent',
  updated: 'updated',
};

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function agentLabel(call: Pick<CallResult, 'agentId' | 'agentVersion'>): string {
  return `${call.agentId ?? '(no agent_id)'}${call.agentVersion !== undefined ? ` v${call.agentVersion}` : ''}`;
}

function stepName(step: StepResult): string {
  if (step.kind === 'webhook') return `webhook ${step.name}`;
  return step.handler && step.handler !== step.name ? `${step.name} -> ${step.handler}` : step.name;
}

export function formatText(report: ReplayReport, options: { color?: boolean } = {}): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const mark = (status: StepStatus): string =>
    FAILING.has(status) ? c.red('✗') : status === 'same' || status === 'handled' || status === 'updated' ? c.green('✓') : c.dim('·');
  const lines: string[] = [];
  for (const group of report.groups) {
    lines.push(c.bold(agentLabel(group)));
    for (const call of group.calls) {
      const about = [call.source === 'recording' ? 'recording' : 'Retell call', call.tenant ? `tenant ${call.tenant}` : undefined].filter(Boolean).join(', ');
      lines.push(`  ${c.underline(call.file)}  ${call.callId} ${c.dim(`(${about})`)}`);
      for (const step of call.steps) {
        const status = FAILING.has(step.status) ? c.red(LABEL[step.status]) : step.status === 'same' || step.status === 'handled' || step.status === 'updated' ? c.green(LABEL[step.status]) : c.dim(LABEL[step.status]);
        const extra = [step.duplicate ? 'retry' : undefined, step.deliveries ? `ran ${step.runs ?? '?'}x for ${step.deliveries} deliveries` : undefined].filter(Boolean).join(', ');
        lines.push(`    ${mark(step.status)} ${stepName(step)}  ${status}${extra ? c.dim(` (${extra})`) : ''}`);
        if (step.message && step.status !== 'builtin') lines.push(`        ${c.dim(step.message)}`);
        if (step.status === 'changed' || step.status === 'error' || step.status === 'updated') {
          for (const d of step.differences) lines.push(`        ${d.path}: ${c.red(show(d.expected))} -> ${c.green(show(d.actual))}`);
        }
        if (step.status === 'no-recorded-result' && step.actual) lines.push(`        ${c.dim(`now answers ${step.actual.status}: ${show(step.actual.body)}`)}`);
      }
      if (call.extraSideEffects?.length) {
        lines.push(`    ${c.red('✗')} side effects ran more than once: ${c.red(call.extraSideEffects.slice(0, 5).join(', '))}${call.extraSideEffects.length > 5 ? ` and ${call.extraSideEffects.length - 5} more` : ''}`);
      }
    }
    lines.push('');
  }
  const s = report.summary;
  const parts = [
    s.changed && `${s.changed} changed`,
    s.error && `${s.error} error${s.error === 1 ? '' : 's'}`,
    s.noHandler && `${s.noHandler} without a handler`,
    s.notIdempotent && `${s.notIdempotent} not idempotent`,
    s.updated && `${s.updated} updated`,
    (s.same || !(s.changed || s.error || s.noHandler || s.notIdempotent || s.updated)) && `${s.same} same`,
    s.noRecordedResult && `${s.noRecordedResult} without a recorded result`,
    s.builtin && `${s.builtin} built-in`,
    s.skipped && `${s.skipped} skipped`,
  ].filter(Boolean);
  const counts = `${s.calls} call${s.calls === 1 ? '' : 's'}, ${s.functionCalls} function call${s.functionCalls === 1 ? '' : 's'}, ${s.webhooks} event${s.webhooks === 1 ? '' : 's'}`;
  const where = report.target ? ` against ${report.target}` : '';
  if (s.failedCalls) lines.push(c.red.bold(`✖ ${s.failedCalls} of ${s.calls} call${s.calls === 1 ? '' : 's'} ${s.failedCalls === 1 ? 'differs' : 'differ'}${where}: ${parts.join(', ')} (${counts})`));
  else if (s.updated) lines.push(c.green.bold(`✔ ${s.updated} recorded answer${s.updated === 1 ? '' : 's'} updated: ${parts.join(', ')} (${counts})`));
  else lines.push(c.green.bold(`✔ ${s.calls === 1 ? 'the call replays' : `all ${s.calls} calls replay`} the same${where}: ${parts.join(', ')} (${counts})`));
  if (report.updated.length) lines.push(`updated ${report.updated.length} recording${report.updated.length === 1 ? '' : 's'}: ${report.updated.join(', ')}`);
  if (report.notUpdated.length) lines.push(c.yellow(`not updated (Retell call objects are Retell's record, not retell-kit's; stdin cannot be written back): ${report.notUpdated.join(', ')}`));
  return `${lines.join('\n')}\n`;
}

/**
 * Every difference carries all three of path, expected and actual (null for a side that is absent)
 * plus `change`: `changed`, `added` (only in the new answer) or `removed` (only in the recorded one),
 * so a script never has to tell an absent key from a null value.
 */
export function formatJson(report: ReplayReport): string {
  return `${JSON.stringify(
    report,
    (key, value: unknown) => {
      if (key !== 'differences' || !Array.isArray(value)) return value;
      return (value as Difference[]).map((d) => ({
        path: d.path,
        expected: 'expected' in d ? d.expected ?? null : null,
        actual: 'actual' in d ? d.actual ?? null : null,
        change: !('actual' in d) ? 'removed' : !('expected' in d) ? 'added' : 'changed',
      }));
    },
    2,
  )}\n`;
}

function xml(text: string): string {
  // Control characters are not allowed in XML 1.0 at all.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function formatJunit(report: ReplayReport): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const calls = report.groups.flatMap((g) => g.calls);
  const total = calls.reduce((n, call) => n + call.steps.length, 0);
  const failures = calls.reduce((n, call) => n + call.steps.filter((s) => FAILING.has(s.status)).length + (call.extraSideEffects?.length ? 1 : 0), 0);
  out.push(`<testsuites name="retell-kit replay" tests="${total}" failures="${failures}">`);
  for (const call of calls) {
    const stepFailures = call.steps.filter((s) => FAILING.has(s.status)).length + (call.extraSideEffects?.length ? 1 : 0);
    const skipped = call.steps.filter((s) => s.status === 'builtin' || s.status === 'skipped' || s.status === 'no-recorded-result' || s.status === 'not-handled').length;
    const time = call.steps.reduce((n, s) => n + (s.durationMs ?? 0), 0) / 1000;
    out.push(`  <testsuite name="${xml(`${call.file} ${call.callId}`)}" tests="${call.steps.length + (call.extraSideEffects?.length ? 1 : 0)}" failures="${stepFailures}" skipped="${skipped}" time="${time.toFixed(3)}">`);
    call.steps.forEach((step, i) => {
      const name = xml(`#${i + 1} ${stepName(step)}`);
      const classname = xml(agentLabel(call));
      const t = ((step.durationMs ?? 0) / 1000).toFixed(3);
      if (FAILING.has(step.status)) {
        const details = [step.message, ...step.differences.map((d) => `${d.path}: ${show(d.expected)} -> ${show(d.actual)}`)].filter(Boolean).join('\n');
        out.push(`    <testcase classname="${classname}" name="${name}" time="${t}">`);
        out.push(`      <failure message="${xml(LABEL[step.status])}" type="${step.status}">${xml(details)}</failure>`);
        out.push('    </testcase>');
      } else if (step.status === 'builtin' || step.status === 'skipped' || step.status === 'no-recorded-result' || step.status === 'not-handled') {
        out.push(`    <testcase classname="${classname}" name="${name}" time="${t}"><skipped message="${xml(step.message ?? LABEL[step.status])}"/></testcase>`);
      } else out.push(`    <testcase classname="${classname}" name="${name}" time="${t}"/>`);
    });
    if (call.extraSideEffects?.length) {
      out.push(`    <testcase classname="${xml(agentLabel(call))}" name="side effects ran once">`);
      out.push(`      <failure message="side effects ran more than once" type="not-idempotent">${xml(call.extraSideEffects.join('\n'))}</failure>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

export function formatReport(report: ReplayReport, format: ReplayFormat, options: { color?: boolean } = {}): string {
  return format === 'json' ? formatJson(report) : format === 'junit' ? formatJunit(report) : formatText(report, options);
}
