// SPDX-License-Identifier: GPL-2.0-only
// The kernel's self-test suite (host/selftest.c), beside boot.js:
//
//   node --no-experimental-fetch selftest.js           TAP, then "N passed, M failed"
//   node --no-experimental-fetch selftest.js --bench   "@@bench NAME VALUE" lines
//
// It boots boot.js with Module.lkljsProgram = "selftest" (or "bench"): PID 1's
// host program runs the cases on host threads and halts the machine. This
// script adds the last case, the clean halt, and the summary line; the exit
// status is non-zero if any case failed. In a page, set
// Module.lkljsSelftestOutput(line) (and optionally Module.lkljsSelftestDone(
// passed, failed)) before loading this script next to boot.js.
(function () {
  "use strict";
  var isNode = typeof process === "object" && !!(process.versions && process.versions.node);
  var bench = isNode && process.argv.indexOf("--bench") >= 0;
  var page = typeof Module === "object" && Module ? Module : {};
  var output = page.lkljsSelftestOutput || (isNode
    ? function (text) { process.stdout.write(text + "\n"); }
    : function (text) { console.log(text); });
  var planned = 0, passed = 0, failed = 0, halted = false, panicked = false;

  // TAP lines pass through; everything else (kernel log, init's messages)
  // becomes a TAP diagnostic.
  function line(text) {
    var result = /^(not )?ok (\d+) /.exec(text);
    if (result) {
      if (result[1]) failed++; else passed++;
    } else if (/^1\.\.\d+$/.test(text)) {
      planned = Number(text.slice(3));
    } else if (!/^(#|@@bench )/.test(text)) {
      if (/reboot: System halted$/.test(text)) halted = true;
      if (/Kernel panic/.test(text)) panicked = true;
      text = "# " + text;
    }
    output(text);
  }

  function finish(status) {
    if (!bench) {
      var haltCase = passed + failed + 1;
      if (planned && haltCase < planned) {
        // Cases that never reported count as failed.
        for (; haltCase < planned; haltCase++) {
          output("not ok " + haltCase + " - (did not run)");
          failed++;
        }
      }
      if (halted && !panicked) {
        output("ok " + haltCase + " - clean halt (reboot: System halted)");
        passed++;
      } else {
        output("not ok " + haltCase + " - clean halt # exit status " + status + (panicked ? ", kernel panic" : ", no halt"));
        failed++;
      }
      output(passed + " passed, " + failed + " failed");
    }
    // node's peak resident memory: the wasm memory, the workers and node.
    if (bench && isNode) output("@@bench node_max_rss_kib " + process.resourceUsage().maxRSS);
    if (page.lkljsSelftestDone) page.lkljsSelftestDone(passed, failed);
    var code = status !== 0 ? status : (failed > 0 || (bench && !halted) ? 1 : 0);
    if (isNode) process.exit(code);
  }

  page.lkljsProgram = bench ? "bench" : "selftest";
  // Only warnings from the kernel: the output is the suite's.
  if (page.lkljsCommandLine === undefined) page.lkljsCommandLine = "console=lkljs0 quiet";
  page.lkljsConsole = line;
  page.print = line;
  page.printErr = line;
  page.onExit = finish;

  if (isNode) {
    // boot.js is a classic script: run it in the global scope, where it
    // finds this Module, as if node had started it.
    var path = require("path");
    var boot = path.join(__dirname, "boot.js");
    global.Module = page;
    global.require = require;
    global.__filename = boot;
    global.__dirname = __dirname;
    require("vm").runInThisContext(require("fs").readFileSync(boot, "utf8"), { filename: boot });
  } else {
    window.Module = page;
    var script = document.createElement("script");
    script.src = new URL("boot.js", document.currentScript.src).href;
    document.head.appendChild(script);
  }
})();
