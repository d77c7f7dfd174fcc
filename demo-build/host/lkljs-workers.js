// SPDX-License-Identifier: GPL-2.0-only
// The workers that host threads run on: started a few at a time, ahead of
// the kernel's demand. A --post-js of both modules, on the main thread only.
//
// Every kernel task owns a host thread, and every host thread needs a
// worker that has started, evaluated boot.js and instantiated the module;
// a worker costs tens of milliseconds of CPU before it can run anything.
// Boot asks for its threads one after another (kthreadd waits for each new
// kernel thread to run once), so a worker made on demand puts its whole
// start-up on the boot's critical path, about BOOT_WORKERS times over. A pool
// made all at once, as Emscripten's PTHREAD_POOL_SIZE does, is no better on
// a machine with two cores: its workers start together and are all ready
// late, including the first one that main() needs.
//
// So the link asks Emscripten for no pool (-sPTHREAD_POOL_SIZE=0) and this
// keeps one instead: as many workers starting at once as the machine has
// cores, each one that finishes starting the next, until the boot's
// BOOT_WORKERS exist; from then on, SPARE workers are kept ready for new
// processes. Emscripten returns a finished thread's worker to the pool, so
// these are the most that ever start. A thread takes a ready worker first,
// else the one that started first, so it waits for as little as it can.
//
// Once the runtime exits, or its loader is about to end it
// (Module.lkljsStopWorkers), no worker starts or loads any more, and no
// worker is terminated while it loads boot.js: Chromium fetches a worker's
// scripts through its parent's worker, so a load cut short by the worker's
// end, or by the runtime worker's, fails, and the worker says so in the
// console. At exit, a worker that is loading ends once it has loaded; the
// loader ends the runtime's worker, and with it every worker of the
// module, once none is loading. (A terminated worker stops once it is back
// in its event loop; one that never gets there, blocked or computing,
// Chromium stops about two seconds later.)
//
// The loader may hand over workers it started itself, before boot.js ran,
// as Module.lkljsWorkers (an array of Worker objects running this module's
// boot.worker.js, not yet loaded): the demo page's runtime worker starts
// some while boot.wasm downloads, so their start-up overlaps the download
// rather than the boot. They join the pool as workers still starting, and
// end with the runtime's worker, as the others do.
if (!ENVIRONMENT_IS_PTHREAD) (function () {
  "use strict";
  // Host threads that boot starts up to the shell's prompt, in the page as
  // under node, counted by tracing the workers' start-ups and runs: /init's,
  // the host's process's and the shell's, and one for each of the 9 kernel
  // threads (the boot thread, which becomes the idle task, kthreadd, five
  // workqueue workers, ksoftirqd and kdevtmpfs) unless those are coroutines
  // of the main thread (host/coroutine.c). (The workqueues' rescuers and
  // kswapd would be five more: patches/0005 and 0006 leave them out. The
  // host's program would be two more, its thread and its task's, but under
  // a real init it needs neither: host/init.c. The timer has none: the main
  // thread serves it, host/host.c.)
  const BOOT_KERNEL_THREADS = 9;
  const BOOT_WORKERS = 3 + (Module.lkljsCoroutines ? 0 : BOOT_KERNEL_THREADS);
  // Ready workers kept for the processes a shell starts after boot.
  const SPARE = 2;
  const cores = ENVIRONMENT_IS_NODE ? require("os").cpus().length
    : (typeof navigator === "object" && navigator.hardwareConcurrency) || 2;
  const STARTING_AT_ONCE = Math.max(1, Math.min(cores, 4));

  let made = 0;
  // Workers made that have not loaded the module yet: those loading it, and
  // those waiting to be told to (the module is not compiled yet, or as many
  // as the cores allow are loading).
  const loading = new Set();
  const waiting = [];
  // The module is compiled: workers can load it (until then they only start).
  let compiled = false;
  // The runtime has exited or been ended: nothing starts from then on.
  let ended = false;
  // The loader's end, waiting for the loads in flight (Module.lkljsStopWorkers).
  let whenLoadsEnd = null;

  // Emscripten's pool, read afresh each time: exiting replaces the array.
  function pool() {
    return PThread.unusedWorkers;
  }

  function load(worker) {
    waiting.splice(waiting.indexOf(worker), 1);
    loading.add(worker);
    PThread.loadWasmModuleToWorker(worker, () => {
      loading.delete(worker);
      if (!ended) {
        startMore();
        return;
      }
      worker.terminate();
      if (!loading.size && whenLoadsEnd) whenLoadsEnd();
    });
  }

  // A worker joins the pool at the front, so that pool.pop() takes the oldest.
  function add(worker) {
    pool().unshift(worker);
    made++;
    waiting.push(worker);
  }

  function start() {
    PThread.allocateUnusedWorker();
    add(pool().pop());
  }

  // At most STARTING_AT_ONCE workers start at a time: before the module is
  // compiled, that many start and wait; then the waiting ones load it, that
  // many at a time, oldest first, and new ones start only when none wait.
  function startMore() {
    if (ended) return;
    if (!compiled) {
      while (waiting.length < STARTING_AT_ONCE && made < BOOT_WORKERS) start();
      return;
    }
    while (loading.size < STARTING_AT_ONCE && (waiting.length || made < BOOT_WORKERS || pool().length < SPARE)) {
      if (!waiting.length) start();
      load(waiting[0]);
    }
  }

  for (const worker of Module.lkljsWorkers || []) add(worker);

  // After the module's instantiation, before main() asks for its thread.
  addOnInit(() => {
    compiled = true;
    startMore();
  });

  // A thread takes a loaded worker if there is one, else the oldest, which
  // loads the module now if it was still waiting to.
  PThread.getNewWorker = function () {
    const workers = pool();
    let index = workers.length - 1;
    while (index >= 0 && !workers[index].loaded) index--;
    if (index < 0 && !workers.length) start();
    const worker = index >= 0 ? workers.splice(index, 1)[0] : workers.pop();
    if (waiting.includes(worker)) load(worker);
    startMore();
    return worker;
  };

  // Exiting ends every thread's worker, as Emscripten's own does, except
  // that a loading one ends once loaded (load above).
  PThread.terminateAllThreads = function () {
    ended = true;
    for (const thread of Object.values(PThread.pthreads)) {
      if (thread && thread.worker) PThread.returnWorkerToPool(thread.worker);
    }
    for (const worker of PThread.unusedWorkers) if (!loading.has(worker)) worker.terminate();
    PThread.unusedWorkers = [];
  };

  // For a loader about to end the runtime's worker, which ends all of the
  // module's workers: starts and loads none from then on, and calls `done`
  // once none is loading. No call into the module, which may have aborted.
  Module.lkljsStopWorkers = function (done) {
    ended = true;
    if (loading.size) whenLoadsEnd = done;
    else done();
  };

  startMore();
})();
