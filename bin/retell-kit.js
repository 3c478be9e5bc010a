#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code between runs (start-up is most of a real-sized lint); Node 20 has no cache.
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
main(process.argv);
