import { Chalk, type ChalkInstance } from 'chalk';
import type { Logger } from '../handlers/context.js';
import type { Redactor } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  /** Where finished lines go (the command passes stderr; the core never prints). */
  write: (line: string) => void;
  level?: LogLevel;
  /** Human lines instead of JSON (on a TTY). */
  pretty?: boolean;
  /** Colour the pretty lines: the caller decides with util/color.ts's useColor (NO_COLOR, FORCE_COLOR, TTY). */
  color?: boolean;
  redactor: Redactor;
}

/** JSON lines (one object per line), redacted, with secrets scrubbed from the final text. */
export function createLogger(options: LoggerOptions): Logger {
  return boundLogger(options, new Chalk({ level: options.color ? 1 : 0 }), {});
}

function boundLogger(options: LoggerOptions, chalk: ChalkInstance, bound: Record<string, unknown>): Logger {
  const min = RANK[options.level ?? 'info'];
  const hasBound = Object.keys(bound).length > 0;
  // Every function call logs a line: the record is redacted once (forLog copies, so the caller's
  // fields are never touched) and serialised straight to text, without an intermediate object.
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (RANK[level] < min) return;
    const record = options.redactor.forLog(hasBound ? { ...bound, ...fields } : (fields ?? {}));
    const line = options.pretty ? prettyLine(chalk, level, msg, record) : jsonLine(level, msg, record);
    options.write(`${options.redactor.scrub(line)}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => boundLogger(options, chalk, { ...bound, ...fields }),
  };
}

const RESERVED = new Set(['time', 'level', 'msg']);

/**
 * One JSON object: time, level and msg first and never overwritten (a field of the same name becomes
 * `<name>_`); fields whose value is undefined are left out, as JSON.stringify leaves them out.
 */
function jsonLine(level: LogLevel, msg: string, record: Record<string, unknown>): string {
  const head = `{"time":"${isoNow()}","level":"${level}","msg":${JSON.stringify(msg)}`;
  const keys = Object.keys(record);
  if (!keys.some((key) => RESERVED.has(key))) {
    // Keys of one object are unique: no renaming, so the record is serialised in one call.
    const body = JSON.stringify(record);
    return body.length > 2 ? `${head},${body.slice(1)}` : `${head}}`;
  }
  let line = head;
  const used = new Set(RESERVED);
  for (const key of keys) {
    const value = record[key];
    if (value === undefined) continue;
    const json = JSON.stringify(value);
    if (json === undefined) continue;
    let name = key;
    while (used.has(name)) name = `${name}_`;
    used.add(name);
    line += `,${JSON.stringify(name)}:${json}`;
  }
  return `${line}}`;
}

// The timestamp text of the current millisecond, made once (lines come in bursts).
let isoAt = -1;
let isoText = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== isoAt) {
    isoAt = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

/** Control characters (a newline in a call_id, an escape sequence) shown escaped: one log line stays one line. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

const LEVEL_COLOR: Record<LogLevel, 'gray' | 'cyan' | 'yellow' | 'red'> = { debug: 'gray', info: 'cyan', warn: 'yellow', error: 'red' };

function prettyLine(chalk: ChalkInstance, level: LogLevel, msg: string, record: Record<string, unknown>): string {
  const time = isoNow().slice(11, 23);
  const rest = Object.entries(record)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${chalk.gray(printable(k))}=${printable(typeof v === 'string' ? v : JSON.stringify(v) ?? String(v))}`)
    .join(' ');
  return `${chalk.gray(time)} ${chalk[LEVEL_COLOR[level]](level.toUpperCase().padEnd(5))} ${printable(msg)}${rest ? ` ${rest}` : ''}`;
}
