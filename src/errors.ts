/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  findings: 1,
  usage: 2,
} as const;

export type KitErrorCode =
  | 'usage'
  | 'config'
  | 'io'
  | 'not-found'
  | 'no-match'
  | 'api'
  | 'store'
  | 'internal';

/**
 * The one error type for trouble that is not a finding: bad flags, bad config, unreadable files,
 * an unreachable API. The CLI prints `message` on one line and exits with `exitCode` (2).
 */
export class KitError extends Error {
  readonly code: KitErrorCode;
  readonly file?: string;
  readonly pointer?: string;
  readonly hint?: string;
  readonly exitCode: number;

  constructor(
    code: KitErrorCode,
    message: string,
    options: { file?: string; pointer?: string; hint?: string; cause?: unknown; exitCode?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KitError';
    this.code = code;
    this.file = options.file;
    this.pointer = options.pointer;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.usage;
  }

  /** One line: `file: pointer: message (hint)`. */
  oneLine(): string {
    const where = [this.file, this.pointer].filter(Boolean).join(': ');
    const text = where ? `${where}: ${this.message}` : this.message;
    return this.hint ? `${text} (${this.hint})` : text;
  }
}

export function isKitError(error: unknown): error is KitError {
  return error instanceof KitError;
}
