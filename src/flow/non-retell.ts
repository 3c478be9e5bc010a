import path from 'node:path';

// What `lint <folder>` and globs leave alone. A repository that keeps its flows beside its code holds
// JSON and YAML that are not Retell files: lock files, tool configs, compose files, our own config
// and reports. Those are never read (by name, below) or, when read, skipped because nothing in them
// is a Retell document (validators/lint.ts). A file named on the command line is always linted.

/** File names (lower case) that are never Retell documents: not read when a folder or glob finds them. */
const NOT_RETELL_NAMES = [
  'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'composer.json', 'composer.lock',
  'deno.json', 'deno.lock', 'bun.lock', 'jsconfig.json', 'tsconfig.json', 'turbo.json', 'nx.json', 'lerna.json', 'biome.json', 'biome.jsonc',
  'renovate.json', 'renovate.json5', 'dependabot.yml', 'codecov.yml', '.codecov.yml', 'vercel.json', 'netlify.toml', 'firebase.json',
  'app.json', 'manifest.json', 'docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml', 'mkdocs.yml', 'serverless.yml',
  'serverless.yaml', 'openapi.json', 'openapi.yaml', 'swagger.json', 'swagger.yaml', '.pre-commit-config.yaml', '.gitlab-ci.yml', '.travis.yml',
  'buildspec.yml', 'cloudbuild.yaml', 'app.yaml', 'fly.toml', 'render.yaml', 'railway.json', 'vitest.config.json', 'jest.config.json',
];
const NOT_RETELL_PATTERNS = [/^tsconfig\..*\.json$/, /^docker-compose\..*\.ya?ml$/, /^\.?retell-kit(rc)?(\.config)?(\.(json|ya?ml))?$/, /^retell-kit[.-].*\.(json|ya?ml)$/, /^\.eslintrc/, /^\.prettierrc/, /^\.babelrc/];
const NAMES = new Set(NOT_RETELL_NAMES);

/** True for a file name that is never a Retell document (package.json, lock files, compose files, our own config). */
export function isKnownNonRetellFile(file: string): boolean {
  const name = path.basename(file).toLowerCase();
  return NAMES.has(name) || NOT_RETELL_PATTERNS.some((re) => re.test(name));
}

/** Folders a walk never enters. */
export const WALK_IGNORES = ['**/node_modules/**', '**/.*/**', '**/coverage/**'];

