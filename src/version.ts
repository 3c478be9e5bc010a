import { readFileSync } from 'node:fs';

/**
 * The package's own facts, read from its package.json: the one place the version, the repository
 * and the docs links come from. This file sits directly under src/ so that, compiled (dist/version.js)
 * or bundled into a dist/ chunk, `..` is the package root either way.
 */
export const PACKAGE_ROOT = new URL('../', import.meta.url);

export interface PackageInfo {
  name: string;
  version: string;
  /** The repository's web address (https://github.com/owner/name). */
  repositoryUrl: string;
  homepage: string;
  bugsUrl: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as {
    name: string;
    version: string;
    homepage?: string;
    repository?: string | { url?: string };
    bugs?: string | { url?: string };
  };
  const repository = typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository?.url ?? '');
  // npm's normal form is git+https://github.com/owner/name.git; the web address has neither decoration.
  const repositoryUrl = repository.replace(/^git\+/, '').replace(/\.git$/, '');
  const bugs = typeof pkg.bugs === 'string' ? pkg.bugs : (pkg.bugs?.url ?? `${repositoryUrl}/issues`);
  cached = { name: pkg.name, version: pkg.version, repositoryUrl, homepage: pkg.homepage ?? repositoryUrl, bugsUrl: bugs };
  return cached;
}

export function version(): string {
  return packageInfo().version;
}
