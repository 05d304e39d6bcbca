#!/usr/bin/env node
// V8's memory reducer for small heaps: any young-generation GC before the first full one
// (every start-up has a few) arms it, and 8 s later it runs two full "reduce" GCs, ~20 ms
// of CPU in an otherwise idle wrapper, to give back ~2.7 MiB. The flag is read at each GC,
// so setting it here, before the program loads, is enough; a shebang option would need
// `env -S`, which BusyBox (Alpine) lacks. The reducer after real full GCs stays on.
import module from 'node:module';
import v8 from 'node:v8';

v8.setFlagsFromString('--no-memory-reducer-for-small-heaps');
// Node 22.1+ keeps the compiled bundle in its compile cache (in the OS temp dir; off with
// NODE_DISABLE_COMPILE_CACHE=1); Node 20 has no such cache and starts as before.
module.enableCompileCache?.();
// The bundle (npm run build): CommonJS, read synchronously, a few files per command.
const { main } = module.createRequire(import.meta.url)('../dist/cli.cjs');

await main(process.argv.slice(2));
