/**
 * import() of a package or file that is not bundled (cosmiconfig, a config module). One place for it:
 * dist/lint.cjs runs as a vm.Script from V8's code cache, where Node loses the script's import()
 * callback, so the lint bundle's copy of this module imports through dist/boot/code-cache.cjs, a
 * plain CommonJS module (scripts/build.mjs swaps it).
 */
export function importModule<T>(specifier: string): Promise<T> {
  return import(specifier) as Promise<T>;
}
