import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { API_KEY } from './helpers.js';

// `node bin/retell-kit.js serve ...` as a real child process, as a user runs it. CI builds dist/ first.
export const BIN = path.resolve('bin/retell-kit.js');

export interface Child {
  proc: ChildProcess;
  /** Set once it printed "serving on". */
  url: string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

/** SIGKILL every child a test left running (call from afterEach). */
export function killChildren(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Start serve; resolves once it listens, rejects with its stderr if it exits first or takes over `startMs`. */
export function serveChild(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; startMs?: number }): Promise<Child> {
  const { proc, stderr, exit } = spawnServe(args, options);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in time:\n${stderr()}`)), options.startMs ?? 15_000);
    const onData = () => {
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr());
      if (m) {
        clearTimeout(timer);
        proc.stderr!.off('data', onData);
        resolve({ proc, url: m[1]!, stderr, exit });
      }
    };
    proc.stderr!.on('data', onData);
    void exit.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${stderr()}`));
    });
  });
}

/** Start serve and do not wait for anything (for runs expected to fail, or to wait). */
export function spawnServe(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Omit<Child, 'url'> {
  const proc = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: options.cwd,
    env: { ...process.env, RETELL_API_KEY: API_KEY, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(proc);
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return { proc, stderr: () => stderr, exit };
}
