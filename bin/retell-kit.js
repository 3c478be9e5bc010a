#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json says so): starting needs no ES module loader. `lint`, which CI runs on every
// push and which is mostly start-up on a real-sized flow, runs from one CommonJS bundle of the CLI with
// V8's compiled code kept between runs (src/boot/code-cache.cts); every other command from the ES module
// bundle, with Node's own compile cache where there is one (22+).
const args = process.argv.slice(2);
const at = args.findIndex((arg) => !arg.startsWith('-'));
if (args[at] === 'lint' && args.slice(0, at).every((arg) => arg === '--debug')) {
  const { loadBundle } = require('../dist/boot/code-cache.cjs');
  const bundle = loadBundle(`${__dirname}/../dist/lint.cjs`);
  // Saved after a run that linted, so the cache holds the rules' code too (a first run of --help would not).
  if (bundle.cache !== 'hit' && !args.includes('--help') && !args.includes('-h')) process.once('exit', bundle.save);
  bundle.exports.main(process.argv);
} else {
  require('node:module').enableCompileCache?.();
  import('../dist/cli.js').then(({ main }) => main(process.argv));
}
