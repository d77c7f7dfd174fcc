// SPDX-License-Identifier: GPL-2.0-only
// Kernel threads as coroutines of the runtime's main thread (host/coroutine.c),
// where the engine has JavaScript Promise Integration: a --pre-js of both
// modules, so that it sees Module.instantiateWasm before the module does.
//
// A coroutine is a call of lkljs_coroutine_main through WebAssembly.promising,
// which gives it a wasm stack of its own; lkljs_coroutine_suspend is imported
// through WebAssembly.Suspending, so that the promise it returns (from
// Atomics.waitAsync) suspends that stack until it settles. Wrapping an import
// needs the imports before instantiation: Module.instantiateWasm is where the
// loader (the demo page) hands them over. Without it, or under an engine
// without the two (node 20), Module.lkljsCoroutines is null and every kernel
// thread gets a worker of its own.
Module.lkljsCoroutines = (function () {
  "use strict";
  if (Module.ENVIRONMENT_IS_PTHREAD || !Module.instantiateWasm ||
      typeof WebAssembly.Suspending !== "function" || typeof WebAssembly.promising !== "function" ||
      typeof Atomics.waitAsync !== "function") {
    return null;
  }

  const instantiate = Module.instantiateWasm;
  Module.instantiateWasm = function (imports, receive) {
    // Emscripten renames imports and their modules: find this one by its function.
    let wrapped = 0;
    for (const functions of Object.values(imports)) {
      for (const name of Object.keys(functions)) {
        if (functions[name] !== lkljs_coroutine_suspend) continue;
        functions[name] = new WebAssembly.Suspending(lkljs_coroutine_suspend);
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
        const run = WebAssembly.promising(wasmTable.get(entry));
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
