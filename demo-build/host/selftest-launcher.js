// SPDX-License-Identifier: GPL-2.0-only
// The launcher of the kernel's self-test suite (host/selftest.c). build-kernel.sh
// links the suite into a module of its own, selftest.js + selftest.wasm +
// selftest.worker.js, from the same kernel and host objects as boot.wasm plus
// selftest.o, with this file as its first --pre-js; boot.wasm has no test code.
//
//   node --no-experimental-fetch selftest.js           TAP, then "N passed, M failed"
//   node --no-experimental-fetch selftest.js --bench   "@@bench NAME VALUE" lines
//
// It sets Module.lkljsProgram = "selftest" (or "bench"): PID 1's host program
// runs the cases on host threads and halts the machine. This script adds the
// last case, the clean halt, and the summary line; the exit status is non-zero
// if any case failed. In a page, set Module.lkljsSelftestOutput(line) (and
// optionally Module.lkljsSelftestDone(passed, failed)) before loading
// selftest.js, with selftest.wasm and selftest.worker.js beside it.
(function () {
  "use strict";
  // Each of the module's workers runs this script too, before the worker's
  // part of the runtime: only the main thread launches the suite.
  if (Module.ENVIRONMENT_IS_PTHREAD) return;

  const isNode = typeof process === "object" && Boolean(process.versions && process.versions.node);
  const bench = isNode && process.argv.includes("--bench");
  const output = Module.lkljsSelftestOutput || (isNode
    ? (text) => process.stdout.write(`${text}\n`)
    : (text) => console.log(text));
  let planned = 0;
  let passed = 0;
  let failed = 0;
  let halted = false;
  let panicked = false;

  // TAP lines pass through; everything else (kernel log, init's messages)
  // becomes a TAP diagnostic.
  function line(text) {
    const result = /^(not )?ok (\d+) /.exec(text);
    if (result) {
      if (result[1]) failed++;
      else passed++;
    } else if (/^1\.\.\d+$/.test(text)) {
      planned = Number(text.slice(3));
    } else if (!/^(#|@@bench )/.test(text)) {
      if (/reboot: System halted$/.test(text)) halted = true;
      if (/Kernel panic/.test(text)) panicked = true;
      text = `# ${text}`;
    }
    output(text);
  }

  function finish(status) {
    if (!bench) {
      let haltCase = passed + failed + 1;
      // Cases that never reported count as failed.
      for (; planned && haltCase < planned; haltCase++) {
        output(`not ok ${haltCase} - (did not run)`);
        failed++;
      }
      if (halted && !panicked) {
        output(`ok ${haltCase} - clean halt (reboot: System halted)`);
        passed++;
      } else {
        output(`not ok ${haltCase} - clean halt # exit status ${status}${panicked ? ", kernel panic" : ", no halt"}`);
        failed++;
      }
      output(`${passed} passed, ${failed} failed`);
    }
    // node's peak resident memory: the wasm memory, the workers and node.
    if (bench && isNode) output(`@@bench node_max_rss_kib ${process.resourceUsage().maxRSS}`);
    if (Module.lkljsSelftestDone) Module.lkljsSelftestDone(passed, failed);
    const code = status !== 0 ? status : (failed > 0 || (bench && !halted) ? 1 : 0);
    if (isNode) process.exit(code);
  }

  Module.lkljsProgram = bench ? "bench" : "selftest";
  // Only warnings from the kernel: the output is the suite's.
  if (Module.lkljsCommandLine === undefined) Module.lkljsCommandLine = "console=lkljs0 quiet";
  Module.lkljsConsole = line;
  Module.print = line;
  Module.printErr = line;
  Module.onExit = finish;
})();
