// SPDX-License-Identifier: GPL-2.0-only
// Kernel threads as coroutines of the runtime's main thread (host/coroutine.c),
// where the engine has JavaScript Promise Integration: a --pre-js of both
// modules, after lkljs-coroutine-shim.js, so that it sees
// Module.instantiateWasm before the module does.
//
// A coroutine is a call of lkljs_coroutine_main through a promising export,
// which gives it a wasm stack of its own; lkljs_coroutine_suspend is imported
// as suspending, so that the promise it returns (from Atomics.waitAsync)
// suspends that stack until it settles. Wrapping an import needs the imports
// before instantiation: Module.instantiateWasm is where the loader (the demo
// page) hands them over; under node, where nothing does, this file
// instantiates the module itself.
//
// Two forms of the API exist. Today's, WebAssembly.Suspending and
// WebAssembly.promising, is Chromium's. Node 20's V8 (11.3) has only the
// first one, behind --experimental-wasm-stack-switching: a promising export
// takes a suspender object as an extra first argument, and a suspending
// import must be passed that same suspender, which C cannot do. There a
// small module of our own (host/coroutine-shim.wat) stands between the two:
// it keeps the running coroutine's suspender and passes it on. Node takes
// that flag only on its command line, so boot.js, run as node's main
// script, runs itself again in a node that has it.
//
// Without the API, or under a loader that does not hand over the imports,
// Module.lkljsCoroutines is null and every kernel thread gets a worker of
// its own.
Module.lkljsCoroutines = (function () {
  "use strict";
  if (Module.ENVIRONMENT_IS_PTHREAD || typeof Atomics.waitAsync !== "function") return null;
  const isNode = typeof process === "object" && Boolean(process.versions && process.versions.node);
  const stackSwitchingFlag = "--experimental-wasm-stack-switching";
  // The second node also lets a wasm function run about eleven times as
  // long as V8's default budget (1,800,000) before the optimizing compiler
  // recompiles it. The boot runs much code a few times each, and at the
  // default a good part of it is queued for TurboFan, whose jobs take the
  // two cores' time during the boot. Start to the shell's prompt went from
  // 218 to 201 ms (medians of four rounds of 7 boots, alternating), with no
  // change to system call round trips or pipe throughput, whose hot code
  // tiers up within milliseconds either way. No tier-up at all is slower.
  // The same flag on node's own command line comes later, and wins.
  const tieringBudgetFlag = "--wasm-tiering-budget=20000000";
  // The second node's lifeline to the first (below): the variable names
  // its file descriptor, the first one after the standard streams.
  const lifelineVariable = "LKLJS_FIRST_NODE_LIFELINE";
  const lifelineFd = 3;

  // Node 20 (V8 11) has the first API behind a flag that only its command
  // line takes: boot.js as node's main script (not a script that a loader
  // evaluates) runs itself again with it, and exits as that run does.
  const mainScript = isNode && typeof module === "object" && typeof require === "function" && require.main === module;
  if (mainScript && typeof WebAssembly.Suspending !== "function" && /^11\./.test(process.versions.v8) &&
      !process.execArgv.includes(stackSwitchingFlag)) {
    // A terminal's ^C reaches both nodes: the second one decides what it does.
    const leaveToTheSecond = () => {};
    process.on("SIGINT", leaveToTheSecond);
    // The second node makes no TLS connection, so it does not load the
    // extra CA certificates that NODE_EXTRA_CA_CERTS may name: node reads
    // and parses them before it runs any script (80 ms for Debian's bundle
    // on the project's 2-core machine).
    const env = Object.assign({}, process.env);
    delete env.NODE_EXTRA_CA_CERTS;
    // The second node's lifeline to this one: its fd 3 is one end of a
    // socket pair whose other end this node holds until it ends, however it
    // ends (SIGKILL included), so the second one never outlives it (below).
    env[lifelineVariable] = String(lifelineFd);
    const again = require("child_process").spawnSync(process.execPath,
      [stackSwitchingFlag, tieringBudgetFlag, ...process.execArgv, ...process.argv.slice(1)],
      { stdio: ["inherit", "inherit", "inherit", "pipe"], env });
    process.off("SIGINT", leaveToTheSecond);
    if (again.error) throw again.error;
    if (again.signal) process.kill(process.pid, again.signal);
    process.exit(again.status === null ? 1 : again.status);
  }
  // In the second node: once the first one has ended (killed, or its
  // terminal hung up), nobody waits for this one, and it would go on
  // reading the terminal that the first one's shell has taken back. So it
  // ends too, as if hung up (its exit restores the terminal's mode).
  if (mainScript && process.env[lifelineVariable] === String(lifelineFd)) {
    delete process.env[lifelineVariable];
    const lifeline = new (require("net").Socket)({ fd: lifelineFd, readable: true, writable: false });
    lifeline.on("close", () => process.exit(128 + require("os").constants.signals.SIGHUP));
    lifeline.on("error", () => {});
    lifeline.unref();
    lifeline.resume();
  }

  // Under a loader that keeps the imports to itself, neither API is of use.
  if (!Module.instantiateWasm && !isNode) return null;
  const api = todaysApi() || firstApi();
  if (!api) return null;

  // WebAssembly.Suspending and WebAssembly.promising, as Chromium has them.
  function todaysApi() {
    if (typeof WebAssembly.Suspending !== "function" || typeof WebAssembly.promising !== "function") return null;
    return {
      suspending(importedFunction) { return new WebAssembly.Suspending(importedFunction); },
      promising(exportedFunction) { return WebAssembly.promising(exportedFunction); }
    };
  }

  // V8 11's WebAssembly.Function with {suspending: "first"} and
  // {promising: "first"}, through the shim: its `wait` is the module's
  // import, and passes the running coroutine's suspender to the suspending
  // function; its `enter` takes the suspender of a new coroutine and calls
  // the entry that is in its one-slot table.
  function firstApi() {
    if (typeof WebAssembly.Function !== "function") return null;
    let shim = null;
    let enter = null;
    try {
      shim = new WebAssembly.Instance(new WebAssembly.Module(Module.lkljsCoroutineShim), {
        lkljs: {
          suspend: new WebAssembly.Function({ parameters: ["externref", "i32", "i32"], results: [] },
            lkljs_coroutine_suspend, { suspending: "first" })
        }
      });
      enter = new WebAssembly.Function({ parameters: ["i32", "i32"], results: ["externref"] },
        shim.exports.enter, { promising: "first" });
    } catch (error) {
      // An engine without stack switching, or with another form of it.
      return null;
    }
    return {
      suspending(importedFunction) {
        if (importedFunction !== lkljs_coroutine_suspend) throw new Error("lkljs: the shim suspends only lkljs_coroutine_suspend");
        return shim.exports.wait;
      },
      promising(exportedFunction) {
        return (argument) => {
          shim.exports.entries.set(0, exportedFunction);
          return enter(0, argument);
        };
      }
    };
  }

  // Under node, as Emscripten would, from the file beside boot.js.
  function instantiateFromFile(imports, receive) {
    WebAssembly.instantiate(readBinary(wasmBinaryFile), imports).then((result) => {
      receive(result.instance, result.module);
    }, abort);
    return {};
  }

  const instantiate = Module.instantiateWasm || instantiateFromFile;
  Module.instantiateWasm = function (imports, receive) {
    // Emscripten renames imports and their modules: find this one by its function.
    let wrapped = 0;
    for (const functions of Object.values(imports)) {
      for (const name of Object.keys(functions)) {
        if (functions[name] !== lkljs_coroutine_suspend) continue;
        functions[name] = api.suspending(lkljs_coroutine_suspend);
        wrapped++;
      }
    }
    if (wrapped !== 1) throw new Error("lkljs: lkljs_coroutine_suspend is imported " + wrapped + " times, not once");
    return instantiate(imports, receive);
  };

  const coroutines = {
    // The main thread's stack pointer outside coroutines: they start and
    // resume from its event loop, where no wasm frames are on its stack.
    mainStack: 0,
    // Thrown through a coroutine's frames to end it (lkljs_coroutine_unwind).
    ended: { lkljsCoroutineEnded: true },

    // Begins entry(coroutine) on a shadow stack whose top is stackTop, as a
    // task of its own; ended(coroutine) runs once its frames are gone,
    // whether entry returned or threw `ended`. Called on the main thread,
    // maybe from a coroutine, which must not be nested in.
    start(entry, coroutine, stackTop, ended) {
      queueMicrotask(() => {
        const run = api.promising(wasmTable.get(entry));
        coroutines.mainStack = stackSave();
        stackRestore(stackTop);
        let finished;
        try {
          finished = run(coroutine);
        } finally {
          stackRestore(coroutines.mainStack);
        }
        const end = () => { wasmTable.get(ended)(coroutine); };
        finished.then(end, (error) => {
          if (error === coroutines.ended) end();
          // exit() on this thread (a halt, or a panic's end) is no error.
          else if (!(error instanceof ExitStatus) && error !== "unwind") abort(error);
        });
      });
    }
  };
  return coroutines;
})();
