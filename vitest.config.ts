import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The CLI tests run dist/: rebuild it first when src/ is newer (test/helpers/fresh-dist.ts).
    globalSetup: ['./test/helpers/fresh-dist.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // Type-level tests (*.test-d.ts, e.g. defineRule rejecting an unknown messageId) run in `npm test` too, so CI checks them.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.test.json' },
  },
});
