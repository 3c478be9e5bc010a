import path from 'node:path';
import { DEFAULT_EMULATOR_PORT, startEmulator } from '../emulator/index.js';

export interface EmulatorFlags {
  port?: number;
  host?: string;
  data?: string;
  quiet?: boolean;
}

/** Flags -> startEmulator; stays up until SIGTERM/SIGINT. The accepted key comes from RETELL_EMULATOR_API_KEY, never a flag. */
export async function runEmulator(flags: EmulatorFlags): Promise<number> {
  const dataDir = flags.data === undefined ? undefined : path.resolve(flags.data);
  const apiKey = process.env.RETELL_EMULATOR_API_KEY || undefined;
  const emulator = await startEmulator({
    port: flags.port ?? DEFAULT_EMULATOR_PORT,
    host: flags.host,
    dataDir,
    apiKey,
    log: flags.quiet ? undefined : (line) => process.stderr.write(line),
  });
  process.stderr.write(
    `retell-kit: Retell API emulator on ${emulator.url} (data: ${dataDir ?? 'in memory'}; ` +
      `${apiKey ? 'accepts only RETELL_EMULATOR_API_KEY' : 'accepts any API key'})\n` +
      `retell-kit: point the client at it: RETELL_BASE_URL=${emulator.url}\n`,
  );
  return new Promise<number>((resolve) => {
    const stop = () => {
      emulator.close().then(() => resolve(0), () => resolve(1));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
