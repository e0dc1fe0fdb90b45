#!/usr/bin/env node
'use strict';
// The CLI is short-lived: compiling the shell grammar's WebAssembly with the
// optimising tier would finish on background threads only after the work is
// done, and the process waits for it before exiting (seconds on a busy
// machine). The baseline tier alone is fast enough for dslim's small scripts.
require('node:v8').setFlagsFromString('--liftoff-only');

require('../dist/src/cli.js')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
