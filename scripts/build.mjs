// Build: tsc type-checks and emits dist/ (the programmatic API, dist/index.js + .d.ts), then esbuild
// replaces dist/cli.js with a bundle of the CLI. Kept in a script so `prepare` and `build` agree.
//
// Why a bundle: loading ~100 small ESM files (ours, zod, yaml, commander...) costs more start-up time
// than linting a real-sized flow; one bundle with a chunk per lazily imported command and report
// format cut the cold start by about a third (bench/RESULTS.md).
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const tsc = require.resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit', cwd: root });
} catch {
  process.exit(1);
}

// The precompiled validators (ajv standalone, generated JS: the flow schema's is ~0.6 MB) ship once:
// tsc re-prints them into dist/ (bigger), so the generated files are copied over as they are, with
// their hand-written types, and the CLI bundle imports that copy instead of inlining a second one.
const GENERATED = ['validators/schema/flow-validator', 'retell/recording-validator'];
for (const name of GENERATED) {
  copyFileSync(path.join(root, 'src', `${name}.js`), path.join(root, 'dist', `${name}.js`));
  copyFileSync(path.join(root, 'src', `${name}.d.ts`), path.join(root, 'dist', `${name}.d.ts`));
}
const generatedOnce = {
  name: 'generated-validators-once',
  setup(build) {
    build.onResolve({ filter: /-validator\.js$/ }, (args) => {
      const rel = path.relative(path.join(root, 'src'), path.resolve(args.resolveDir, args.path)).split(path.sep).join('/');
      if (!GENERATED.includes(rel.replace(/\.js$/, ''))) return undefined;
      // Chunks sit in dist/ itself (chunkNames below), so this path is right from every one of them.
      return { path: `./${rel}`, external: true };
    });
  },
};

const { build } = await import('esbuild');
try {
  await build({
    absWorkingDir: root,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: 'dist',
    // Chunks sit beside dist/cli.js, not in a subfolder: code that finds files relative to
    // import.meta.url (cli.ts reads ../package.json) keeps working from whichever chunk it lands in.
    chunkNames: 'cli-[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    // Native addon, and a config loader that requires loaders (typescript, yaml...) by name at run time.
    external: ['better-sqlite3', 'cosmiconfig'],
    // Bundled CommonJS packages call require(); ESM output has none unless we make one.
    banner: { js: "import { createRequire as __retellKitCreateRequire } from 'node:module';\nconst require = __retellKitCreateRequire(import.meta.url);" },
    plugins: [generatedOnce],
    legalComments: 'none',
    logLevel: 'warning',
  });
} catch {
  process.exit(1);
}

