// Build: tsc type-checks and emits dist/ (the programmatic API, dist/index.js + .d.ts), then esbuild
// replaces dist/cli.js with a bundle of the CLI. Kept in a script so `prepare` and `build` agree.
//
// Why a bundle: loading ~100 small ESM files (ours, zod, yaml, commander...) costs more start-up time
// than linting a real-sized flow; one bundle with a chunk per lazily imported command and report
// format cut the cold start by about a third (bench/RESULTS.md).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const { build, transform } = await import('esbuild');

// The precompiled validators (ajv standalone, generated JS: the flow schema's is ~0.6 MB) ship once:
// tsc re-prints them into dist/ (bigger), so the generated files are written over its copy, with
// their hand-written types, and the CLI bundle imports that copy instead of inlining a second one.
// Minified on the way, unused schema objects dropped (ajv keeps the whole root schema, ~50 KB, that
// nothing reads): every lint parses this file at start-up, and V8's parse time goes with its size.
// Same code otherwise: exports, error objects and schemaPaths are untouched.
const GENERATED = ['validators/schema/flow-validator', 'retell/recording-validator'];
for (const name of GENERATED) {
  const source = readFileSync(path.join(root, 'src', `${name}.js`), 'utf8');
  const { code } = await transform(source, { format: 'esm', target: 'node20.19', minify: true, treeShaking: true, legalComments: 'none' });
  writeFileSync(path.join(root, 'dist', `${name}.js`), code);
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

// commander require()s node:child_process at load for executable subcommands, which we never use:
// loading it (and dgram, socket lists...) cost every run ~3 % of a lint's start-up. The bundle gives
// commander a stand-in that loads it on first use.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "let loaded;\nmodule.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

// An ES import of node:fs makes Node 20 build its ESM view of fs, which reads every export, including
// the lazy ReadStream/WriteStream: that loads the stream modules (~2.5 % of a cold lint that prints to
// a pipe, which needs no stream any more: util/stdout.ts). require() hands over fs without reading them.
const fsThroughRequire = {
  name: 'fs-through-require',
  setup(build) {
    // Only ES imports: a bundled package's require('fs') stays a plain require.
    build.onResolve({ filter: /^(node:)?fs$/ }, (args) => (args.kind === 'import-statement' ? { path: 'fs', namespace: 'fs-through-require' } : undefined));
    // An ES module (evaluated in import order, unlike a CommonJS wrapper) exporting fs's plain values;
    // an accessor (promises, ReadStream...) is left out, so importing one fails the build. So are the
    // copies of fs.constants (F_OK...): plain values on Node 20, deprecated getters that warn on Node 24.
    const fs = require('node:fs');
    const names = Object.entries(Object.getOwnPropertyDescriptors(fs))
      .filter(([name, d]) => 'value' in d && /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default' && !(name in fs.constants))
      .map(([name]) => name);
    build.onLoad({ filter: /.*/, namespace: 'fs-through-require' }, () => ({
      contents: `const fs = require('node:fs');\nexport default fs;\nexport const { ${names.join(', ')} } = fs;\n`,
      loader: 'js',
    }));
  },
};

// esbuild splits the bundle into one chunk per set of entry points (the CLI and every import()
// target) that reach a module, so small modules that many commands share end up in many tiny files:
// lint loaded 23, and each ESM file costs a resolve, an asynchronous read and a link (~0.3 ms).
// Every import() target in src/ (and the CLI entry) gets a side-effect import of the modules below,
// which puts them in one chunk with one reachability set, loaded once at start. Only small modules
// without side effects at load, whose imports are all in the list too (checked below).
const CORE = [
  'errors.ts', 'diagnostic.ts', 'docs/index.ts', 'version.ts', 'util/import-module.ts', 'util/suggest.ts', 'util/color.ts', 'util/stdout.ts', 'config/severity.ts', 'config/load.ts',
  'flow/pointer.ts', 'flow/load.ts', 'flow/non-retell.ts', 'flow/source.ts', 'flow/json-index.ts', 'flow/json-index-wasm.ts', 'flow/json-syntax.ts', 'retell/wire.ts', 'report/index.ts', 'report/write.ts', 'util/atomic-write.ts',
].map((f) => path.join(root, 'src', f));
const sharedCore = {
  name: 'shared-core-chunk',
  setup(build) {
    const targets = new Set([path.join(root, 'src', 'cli.ts')]);
    const walk = (dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
          for (const m of readFileSync(file, 'utf8').matchAll(/import\(\s*['"](\.{1,2}\/[^'"]+)\.js['"]\s*\)/g)) targets.add(path.resolve(dir, `${m[1]}.ts`));
        }
      }
    };
    walk(path.join(root, 'src'));
    for (const file of CORE) {
      for (const m of readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*?from '(\.{1,2}\/[^']+)\.js'/gm)) {
        const dep = path.resolve(path.dirname(file), `${m[1]}.ts`);
        if (!CORE.includes(dep)) throw new Error(`build: ${path.relative(root, file)} imports ${path.relative(root, dep)}, which is not in CORE: add it or drop the importer`);
      }
    }
    build.onResolve({ filter: /^retell-kit:core$/ }, () => ({ path: 'core', namespace: 'shared-core' }));
    build.onLoad({ filter: /.*/, namespace: 'shared-core' }, () => ({
      contents: CORE.map((f) => `import ${JSON.stringify(f)};`).join('\n'),
      resolveDir: root,
      loader: 'js',
    }));
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      // A target in CORE imports the list too (a cycle, harmless without side effects): else what it
      // imports would be reached from one more entry than the rest and split off again.
      if (!targets.has(args.path)) return undefined;
      return { contents: `import 'retell-kit:core';\n${readFileSync(args.path, 'utf8')}`, loader: 'ts' };
    });
  },
};

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
    plugins: [generatedOnce, lazyChildProcess, sharedCore, fsThroughRequire],
    legalComments: 'none',
    logLevel: 'warning',
  });
} catch {
  process.exit(1);
}

// lint's own bundle: the same CLI as one CommonJS file, which bin/retell-kit.js runs `lint` from. Only a
// CommonJS script can be handed V8's cached code on Node 20 (src/boot/code-cache.cts keeps it between
// runs), and it needs no ES module loader. The other commands are not in it: the bin sends them to
// dist/cli.js, so their import()s from src/cli.ts resolve to a stand-in that says so if ever reached.
// zod stays a require() of the package: only a config file's validation needs it.
const notInLintBundle = {
  name: 'not-in-lint-bundle',
  setup(build) {
    build.onResolve({ filter: /^\.\/(commands\/[\w-]+|http\/routes|server\/routes\/table)\.js$/ }, (args) =>
      args.importer === path.join(root, 'src', 'cli.ts') && args.path !== './commands/lint.js' ? { path: args.path, namespace: 'not-in-lint-bundle' } : undefined,
    );
    // import() from the bundle goes through a plain module (src/util/import-module.ts says why).
    build.onLoad({ filter: /[\\/]src[\\/]util[\\/]import-module\.ts$/ }, () => ({ contents: "export { importModule } from './boot/code-cache.cjs';", loader: 'js' }));
    build.onResolve({ filter: /^\.\/boot\/code-cache\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    build.onLoad({ filter: /.*/, namespace: 'not-in-lint-bundle' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`internal: ${args.path} is not in dist/lint.cjs (bin/retell-kit.js runs only lint from it)`)});`,
      loader: 'js',
    }));
  },
};
try {
  const { outputFiles, metafile } = await build({
    absWorkingDir: root,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/lint.cjs',
    write: false,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20.19',
    external: ['better-sqlite3', 'cosmiconfig', 'zod'],
    define: { 'import.meta.url': '__retellKitUrl' },
    banner: { js: "const __retellKitUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [lazyChildProcess, notInLintBundle],
    // Minified: V8 reads less source and a smaller cache (stack traces under --debug show short names).
    // RETELL_KIT_UNMINIFIED=1 keeps the names, for a --cpu-prof that says which function took the time.
    minify: !process.env.RETELL_KIT_UNMINIFIED,
    charset: 'ascii',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // What lint starts with, kept to what linting needs (test/cli/lint-startup.test.ts checks what it loads).
  const strays = Object.keys(metafile.inputs).filter((input) => /^src\/(server|emulator|store|replay|deploy|outcomes|graph|pull|trigger|handlers)\/|node_modules\/(?!(commander|picomatch|tinyglobby|fdir|chalk)\/)/.test(input));
  if (strays.length > 0) throw new Error(`build: dist/lint.cjs would hold ${strays.slice(0, 5).join(', ')}: import it lazily from the ES module side, or add it here on purpose`);
  const code = outputFiles[0].text;
  // code-cache.cts reads the bundle as latin1 (faster), which is only the same text when it is ASCII.
  if (!/^[\x00-\x7f]*$/.test(code)) throw new Error('build: dist/lint.cjs is not ASCII');
  // A script from the code cache has no import() callback: every import() goes through src/util/import-module.ts.
  if (/\bimport\(/.test(code)) throw new Error('build: dist/lint.cjs calls import() itself: use importModule (src/util/import-module.ts)');
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  writeFileSync(path.join(root, 'dist', 'lint.cjs'), `// retell-kit bundle ${hash}\n${code}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
