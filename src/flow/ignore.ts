import path from 'node:path';
import picomatch from 'picomatch';

// ESLint-style ignore patterns and per-glob overrides. Loaded only when a config or flag has some:
// picomatch costs start-up time that a plain `lint flows/` should not pay.

/** Ignore patterns with the folder they are relative to (the config's folder, or cwd for --ignore-pattern). */
export interface IgnoreGroup {
  base: string;
  patterns: readonly string[];
}

/**
 * ESLint-style ignore patterns: globs relative to their base folder; `dir/` ignores a folder; a
 * pattern without a slash (`*.draft.json`, `archive`) matches at any depth, as in .gitignore; `!`
 * un-ignores. Returns a predicate over absolute paths.
 */
export function ignoreMatcher(groups: readonly IgnoreGroup[]): (absPath: string) => boolean {
  const compiled = groups.map(({ base, patterns }) => {
    const rules = patterns.map((raw) => {
      const negated = raw.startsWith('!');
      let p = (negated ? raw.slice(1) : raw).replace(/^\.\//, '');
      if (p.endsWith('/')) p += '**';
      const globs = p.includes('/') ? [p.replace(/^\//, ''), `${p.replace(/^\//, '')}/**`] : [`**/${p}`, `**/${p}/**`];
      return { negated, match: picomatch(globs, { dot: true }) };
    });
    return { base, rules };
  });
  return (absPath) => {
    let ignored = false;
    for (const { base, rules } of compiled) {
      const rel = path.relative(base, absPath).split(path.sep).join('/');
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      for (const rule of rules) if (rule.match(rel)) ignored = !rule.negated;
    }
    return ignored;
  };
}

/** Per-glob overrides: the same pattern rules, one predicate per `files` list. */
export function filesMatcher(base: string, files: readonly string[]): (absPath: string) => boolean {
  const globs = files.flatMap((f) => {
    const p = f.replace(/^\.\//, '');
    return p.includes('/') ? [p.replace(/^\//, '')] : [`**/${p}`];
  });
  const match = picomatch(globs, { dot: true });
  return (absPath) => {
    const rel = path.relative(base, absPath).split(path.sep).join('/');
    return !rel.startsWith('..') && !path.isAbsolute(rel) && match(rel);
  };
}
