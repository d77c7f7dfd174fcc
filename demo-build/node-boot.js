// SPDX-License-Identifier: GPL-2.0-only
//
// Boots a build's boot.js under node the way a page loads it: a global
// Module with the page's settings first, then the script. For node scripts
// that drive the kernel through Module.lkljs (run-busybox-testsuite.js, the
// tests' fixtures):
//
//   const { bootUnderNode } = require(".../demo-build/node-boot.js");
//   bootUnderNode(OUT, { lkljsUserland: bytes }, async () => { ...; Module.lkljs.halt(); });
//
// Defaults: the kernel keeps running for Module.lkljs (lkljsKeepRunning),
// a quiet console whose lines are printed with a "# " prefix, node exits
// with the machine's exit status (onExit), and `run` is called once the
// host's process serves calls; if it throws, "@@error" and the stack are
// printed and node exits 1. Any of these can be overridden in `settings`.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

function bootUnderNode(outDir, settings, run) {
  const boot = path.resolve(outDir, "boot.js");
  global.Module = Object.assign({
    lkljsKeepRunning: true,
    lkljsCommandLine: "console=lkljs0 quiet",
    lkljsConsole(line) {
      console.log("# " + line);
    },
    lkljsReady() {
      run().catch((error) => {
        console.log("@@error " + (error && error.stack));
        process.exit(1);
      });
    },
    onExit(status) {
      process.exit(status);
    },
  }, settings);
  // boot.js is Emscripten's node loader, written for a CommonJS module's scope.
  global.require = require;
  global.__filename = boot;
  global.__dirname = path.dirname(boot);
  vm.runInThisContext(fs.readFileSync(boot, "utf8"), { filename: boot });
}

module.exports = { bootUnderNode };
