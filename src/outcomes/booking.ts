// Which function calls make an outcome (a booking, by default), and whether one succeeded. A call is
// "booked" only when a function configured for the outcome answered and its answer passes the
// success test: Retell's `successful` is not enough (real handlers answer HTTP 200 with
// `{"success": false}`), so the answer's content is read too. docs/report.md states the rules.
import type { ReportConfig } from '../config/schema.js';

export type SuccessTest = (result: unknown) => boolean;

export interface OutcomeRule {
  /** The outcome's name (`booked`). */
  name: string;
  /** The globs as configured, for the report. */
  functions: string[];
  matches: (toolName: string) => boolean;
  succeeded: SuccessTest;
}

/** Default booking functions by name: what booking tools are called in Retell flows (and Retell's Cal.com tool). */
export const DEFAULT_BOOKING_FUNCTIONS = ['book*', 'schedule*', 'reserve*', 'create_appointment*', 'create_booking*', 'make_appointment*', 'make_booking*', 'termin_buchen*'];

const VERSION_SUFFIX = /_v\d+$/i;

function globRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** A tool name matches a glob as called (`book_appointment_v17`) or without its version suffix. */
export function globMatcher(globs: readonly string[]): (toolName: string) => boolean {
  const patterns = globs.map(globRegExp);
  return (name) => {
    const bare = name.replace(VERSION_SUFFIX, '');
    return patterns.some((p) => p.test(name) || p.test(bare));
  };
}

/** A JSON answer as a value: Retell hands tool results over as strings. */
export function parseResult(result: unknown): unknown {
  if (typeof result !== 'string') return result;
  const trimmed = result.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return result;
  try {
    return JSON.parse(trimmed);
  } catch {
    return result;
  }
}

const FAILED_STATUS = new Set(['error', 'failed', 'failure', 'fail', 'unavailable']);

/**
 * An answer that reports an error at its top level: `success` or `ok` false, a non-empty `error` /
 * `errors`, or `status` "error" / "failed". Such a function call counts as a function error even
 * when Retell marked it `successful` (the handler answered HTTP 200 with the failure inside).
 */
export function resultReportsError(result: unknown): boolean {
  const value = parseResult(result);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (v.success === false || v.ok === false) return true;
  if (v.error !== undefined && v.error !== null && v.error !== false && v.error !== '') return true;
  if (Array.isArray(v.errors) && v.errors.length > 0) return true;
  return typeof v.status === 'string' && FAILED_STATUS.has(v.status.toLowerCase());
}

/**
 * The default success test of an outcome function: no error reported (resultReportsError) and no
 * `booked`, `successful`, `confirmed` or `created` false at the top level. Plain text passes.
 */
export function defaultSucceeded(result: unknown): boolean {
  if (resultReportsError(result)) return false;
  const value = parseResult(result);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
  const v = value as Record<string, unknown>;
  return !['booked', 'successful', 'confirmed', 'created'].some((key) => v[key] === false);
}

function valueAt(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function successTest(spec: NonNullable<NonNullable<ReportConfig['outcomes']>[string]['success']> | undefined): SuccessTest {
  if (spec === undefined) return defaultSucceeded;
  if (typeof spec === 'function') {
    return (result) => {
      try {
        return spec(parseResult(result)) === true;
      } catch {
        return false;
      }
    };
  }
  const expected = spec.equals === undefined ? true : spec.equals;
  return (result) => valueAt(parseResult(result), spec.path) === expected;
}

/** The outcome rules from config; `booked` with the default functions when none are configured. */
export function outcomeRules(config: ReportConfig = {}): OutcomeRule[] {
  const configured = config.outcomes ?? {};
  const entries = Object.entries(configured);
  if (!configured.booked) entries.unshift(['booked', { functions: DEFAULT_BOOKING_FUNCTIONS }]);
  return entries.map(([name, rule]) => ({ name, functions: [...rule.functions], matches: globMatcher(rule.functions), succeeded: successTest(rule.success) }));
}
