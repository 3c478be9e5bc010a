import path from 'node:path';
import { EXAMPLE_AGENT_NAME, seedExample, startTraffic } from '../emulator/example.js';
import { DEFAULT_EMULATOR_PORT, startEmulator } from '../emulator/index.js';

export interface EmulatorFlags {
  port?: number;
  host?: string;
  data?: string;
  quiet?: boolean;
  example?: boolean;
  traffic?: number;
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
  if (flags.example && Object.keys(emulator.state.agents).length === 0) {
    const seeded = await seedExample(emulator.url, apiKey ?? 'example');
    process.stderr.write(`retell-kit: example: agent ${seeded.agentId} ("${EXAMPLE_AGENT_NAME}", v0 published) takes every inbound call on ${seeded.number}\n`);
  }
  // Webhooks of background traffic are signed with the emulator's key, else with RETELL_API_KEY (what serve verifies).
  const stopTraffic = flags.traffic
    ? startTraffic(emulator.state, flags.traffic, apiKey ?? process.env.RETELL_API_KEY, Date.now, (message) => process.stderr.write(`retell-kit: ${message}\n`))
    : undefined;
  if (flags.traffic) process.stderr.write(`retell-kit: simulating ${flags.traffic} calls a minute on every bound number\n`);
  return new Promise<number>((resolve) => {
    const stop = () => {
      stopTraffic?.();
      emulator.close().then(() => resolve(0), () => resolve(1));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
