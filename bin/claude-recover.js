#!/usr/bin/env node
// The bin is CommonJS (bin/package.json), and so is the bundle it loads (npm run build):
// nothing on any command's path goes through Node's ES module loader, whose start alone
// costs ~10 ms here.
'use strict';
const { enableCompileCache } = require('node:module');

// V8's memory reducer for small heaps: any young-generation GC before the first full one
// (every start-up has a few) arms it, and 8 s later it runs two full "reduce" GCs, ~20 ms
// of CPU in an otherwise idle wrapper, to give back ~2.7 MiB. The flag is read at each GC,
// so setting it here, before the program loads, is enough; a shebang option would need
// `env -S`, which BusyBox (Alpine) lacks. The reducer after real full GCs stays on.
require('node:v8').setFlagsFromString('--no-memory-reducer-for-small-heaps');
// Node 22.1+ keeps the compiled bundle in its compile cache (in the OS temp dir; off with
// NODE_DISABLE_COMPILE_CACHE=1); Node 20 has no such cache and starts as before.
enableCompileCache?.();

// main() reports every failure itself (one line, an exit code); nothing reaches this catch
// but a defect in that reporting.
require('../dist/cli.cjs')
  .main(process.argv.slice(2))
  .catch((error) => {
    process.stderr.write(`claude-recover: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
