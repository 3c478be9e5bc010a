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
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (RANK[level] < min) return;
    const record = options.redactor.forLog({ ...bound, ...fields });
    for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
    const line = options.pretty ? prettyLine(chalk, level, msg, record) : JSON.stringify(jsonRecord(level, msg, record));
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

/** time, level and msg first and never overwritten: a field of the same name becomes `<name>_`. */
function jsonRecord(level: LogLevel, msg: string, record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
  for (const [key, value] of Object.entries(record)) {
    let name = key;
    while (RESERVED.has(name) || Object.prototype.hasOwnProperty.call(out, name)) name = `${name}_`;
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
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
  const time = new Date().toISOString().slice(11, 23);
  const rest = Object.entries(record)
    .map(([k, v]) => `${chalk.gray(printable(k))}=${printable(typeof v === 'string' ? v : JSON.stringify(v) ?? String(v))}`)
    .join(' ');
  return `${chalk.gray(time)} ${chalk[LEVEL_COLOR[level]](level.toUpperCase().padEnd(5))} ${printable(msg)}${rest ? ` ${rest}` : ''}`;
}
