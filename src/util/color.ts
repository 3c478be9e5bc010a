/**
 * The one colour policy, for lint's terminal output and serve's pretty logs alike:
 * NO_COLOR (set and not empty) wins, then FORCE_COLOR (anything but 0/false turns colour on), then
 * whether the stream is a terminal. chalk's own detection ignores NO_COLOR, so callers pass the
 * answer to `new Chalk({ level })` instead of using chalk's default instance.
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(stream.isTTY);
}
