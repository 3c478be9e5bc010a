/** The one error a request step throws; onError turns it into a JSON response with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** Short, safe to send to the client. */
    message: string,
    readonly options: { code?: string; headers?: Record<string, string>; log?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  get code(): string {
    return this.options.code ?? 'error';
  }
}
