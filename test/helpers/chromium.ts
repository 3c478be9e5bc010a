import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/**
 * A headless Chromium for browser tests: Debian's `chromium` (/usr/bin/chromium, or CHROMIUM_PATH),
 * driven by playwright-core (which downloads no browser of its own). .ci/run installs the package, and
 * the suite's global setup (chromium-setup.ts) installs it on a fresh root machine with apt. The flags
 * keep it off the network: without --disable-background-networking it dials Google's hosts at start.
 */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium at ${candidates.join(' or ')}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  return found;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}
