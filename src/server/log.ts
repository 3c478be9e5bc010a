import chalk from 'chalk';
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
  redactor: Redactor;
}

const COLORS: Record<LogLevel, (s: string) => string> = { debug: chalk.gray, info: chalk.cyan, warn: chalk.yellow, error: chalk.red };

/** JSON lines (one object per line), redacted, with secrets scrubbed from the final text. */
export function createLogger(options: LoggerOptions, bound: Record<string, unknown> = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (RANK[level] < min) return;
    const record = options.redactor.forLog({ ...bound, ...fields });
    for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
    const line = options.pretty ? prettyLine(level, msg, record) : JSON.stringify({ time: new Date().toISOString(), level, msg, ...record });
    options.write(`${options.redactor.scrub(line)}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

function prettyLine(level: LogLevel, msg: string, record: Record<string, unknown>): string {
  const time = new Date().toISOString().slice(11, 23);
  const rest = Object.entries(record)
    .map(([k, v]) => `${chalk.gray(k)}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${chalk.gray(time)} ${COLORS[level](level.toUpperCase().padEnd(5))} ${msg}${rest ? ` ${rest}` : ''}`;
}
