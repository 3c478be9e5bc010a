// A spinner for long network work: ora on an interactive terminal only; nothing when stderr is not
// a TTY, when CI is set or when the output is JSON (CI logs get the plain result lines instead).

export interface Progress {
  update(text: string): void;
  stop(): void;
  /** Start the spinner again after stop() (to print a line between spins). */
  restart(): void;
  /** True when a spinner shows (a TTY, not CI, not JSON): callers print plain lines otherwise. */
  readonly interactive: boolean;
}

export async function startProgress(text: string, options: { json?: boolean; env?: NodeJS.ProcessEnv; stream?: NodeJS.WriteStream } = {}): Promise<Progress> {
  const env = options.env ?? process.env;
  const stream = options.stream ?? process.stderr;
  if (options.json || !stream.isTTY || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false')) return { update() {}, stop() {}, restart() {}, interactive: false };
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream, discardStdin: false }).start();
  return {
    update(next) {
      spinner.text = next;
    },
    stop() {
      spinner.stop();
    },
    restart() {
      spinner.start();
    },
    interactive: true,
  };
}
