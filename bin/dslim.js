#!/usr/bin/env node
'use strict';
// The CLI is short-lived: compiling the shell grammar's WebAssembly with the
// optimising tier would finish on background threads only after the work is
// done, and the process waits for it before exiting (seconds on a busy
// machine). The baseline tier alone is fast enough for dslim's small scripts.
require('node:v8').setFlagsFromString('--liftoff-only');

// Start loading the grammar before the rest of the CLI: its WebAssembly
// compiles off the main thread while the modules load (about 10 ms of a
// 150 ms format-on-save). A failure surfaces where the engine awaits it.
require('../dist/src/shell.js')
  .loadShellParser()
  .catch(() => {});

require('../dist/src/cli.js')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
