// SPDX-License-Identifier: MIT OR Apache-2.0
// Starts the live demo's kernel from the document's head (this script is
// inline, first there: see theme/templates/partials/demo-start.html), so
// that the kernel downloads, compiles and boots while the page's other
// files and scripts load and run. The kernel runs in a dedicated worker,
// one per boot, whose program is kernelRuntime below (which says why); the
// page's side (Runtime) makes that worker and holds its messages until
// demo.js takes them.
//
// demo.js finds window.lkljsDemoStart: threadsMissing (what this browser
// lacks to run the kernel, or null) and runtime(files), whose first call
// takes the runtime started here (which downloads the kernel's files
// itself); later calls (a reboot, with the files the first one sent back,
// or a new try after a failed download, without) start a new one.
//
// It also adds the page's own demo scripts (xterm.js, its fit addon and
// demo.js, in data-demo-scripts, which the template preloads), but only
// once the runtime's worker runs: a worker cannot start while the page's
// main thread is busy, and evaluating those scripts and making the terminal
// keeps it busy for a couple of hundred milliseconds, which the kernel's
// downloads and boot would wait for.
//
// The script tag's data-demo-files maps each file to its URL (content-hashed
// names, cached for good); data-demo-base is the directory of the stable
// names, used when the map lacks a file.
(function () {
  "use strict";

  const ranAt = performance.now();

  // A module with one shared memory: valid only where WebAssembly threads are.
  const SHARED_MEMORY_MODULE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 4, 1, 3, 1, 1]);

  function threadsMissing() {
    if (typeof WebAssembly !== "object") return "WebAssembly";
    if (typeof Worker === "undefined") return "Web Workers";
    if (typeof Atomics !== "object") return "Atomics";
    try {
      if (!WebAssembly.validate(SHARED_MEMORY_MODULE)) return "WebAssembly threads (shared memory)";
    } catch (error) {
      return "WebAssembly threads (shared memory)";
    }
    return null;
  }

  const script = document.currentScript;
  const base = script ? script.getAttribute("data-demo-base") : null;
  // A JSON attribute of this script tag, or `empty` if it has none that parses.
  function attribute(name, empty) {
    try {
      return JSON.parse((script && script.getAttribute(name)) || "null") || empty;
    } catch (error) {
      return empty;
    }
  }
  const urls = attribute("data-demo-files", {});
  const pageScripts = attribute("data-demo-scripts", []);

  // Adds the page's demo scripts (see above), once, in order.
  let pageScriptsAdded = false;
  function addPageScripts() {
    if (pageScriptsAdded) return;
    pageScriptsAdded = true;
    for (const url of pageScripts) {
      const element = document.createElement("script");
      element.src = url;
      element.async = false;
      document.head.appendChild(element);
    }
  }

  function urlOf(name) {
    return new URL(urls[name] || base + name, location.href).href;
  }

  // The kernel's runtime: the program of a dedicated worker of the page, one
  // per boot, made from this function's own source (so it must use nothing
  // from outside it), which saves fetching a script and the page's main
  // thread the turns that a fetch's answer would take. It downloads
  // the kernel's files, runs Emscripten's runtime (boot.js) and the kernel's
  // threads (boot.js's own workers, nested in this one), and carries the
  // page's calls to Module.lkljs and the kernel's output back, as messages.
  //
  // Why a worker and not the page: Emscripten's runtime thread starts every
  // kernel thread's worker and takes every worker's "loaded" message, and
  // boot waits for each one; a fetch's body and a streaming compile are read
  // on the thread that started them. On the page's main thread all of that
  // waited behind layout, xterm.js and its frames, so a busy page slowed the
  // kernel's boot. There nothing of the page's runs. Ending this worker ends
  // the kernel: its threads, its memory and all, once none of its workers
  // is loading (see "end").
  //
  // The page writes its `options` into the worker's script, since a message
  // to a worker that has not started yet waits for turns of the page's main
  // thread: {urls, pageOrigin, awaitFiles}. Without awaitFiles it downloads
  // the files from `urls` at once, and sends them back ("files") for the
  // next boot; `pageOrigin` is the page's performance.timeOrigin, so that
  // "at" below is on the page's clock.
  // Messages from the page:
  //   {type: "files", files}: with awaitFiles, the files to boot with.
  //   {type: "call", id, method, args}: calls a method of the running kernel
  //     (CALLS below) and answers {type: "reply", id, value} or
  //     {type: "reply", id, error}. Calls made before the runtime is up
  //     wait for it, in order.
  //   {type: "end"}: the page is about to end this worker: answered with
  //     "ended" once no kernel thread's worker is loading boot.js.
  // Messages to the page, each with `at` (ms on the page's clock):
  //   progress {progress}, mark {name} (the first, runtimeWorkerStarted,
  //   is when the worker's program began), files {files, transferred},
  //   failed {message} (a download failed), log {line} (the kernel log), tty {bytes} (the
  //   console's output), runtimeReady, kernelReady, panic {message},
  //   abort {message}, exit {code}, ptyOutput {pty, bytes}, ptyExit {pty, status},
  //   ended.
  function kernelRuntime(options) {
    "use strict";

    // Kernel-thread workers started while boot.wasm downloads: all of the
    // three that the boot needs where kernel threads are coroutines of the
    // runtime's main thread (with WebAssembly's promise integration:
    // demo-build/host/lkljs-coroutines.js), else about two thirds of the
    // twelve. More would take the CPU from the page's own scripts on a small
    // machine; the runtime starts the rest as it needs them
    // (demo-build/host/lkljs-workers.js, which takes these first).
    const EARLY_WORKERS = typeof WebAssembly.Suspending === "function" ? 3 : 8;

    const pageOrigin = options.pageOrigin;
    // Workers started before boot.js runs, handed to it as Module.lkljsWorkers.
    const earlyWorkers = [];
    function now() {
      return performance.timeOrigin + performance.now() - pageOrigin;
    }

    function send(type, fields) {
      postMessage(Object.assign({ type: type, at: now() }, fields));
    }

    // Reads a response body chunk by chunk, reporting the bytes so far.
    function count(response, onBytes) {
      const reader = response.body.getReader();
      let total = 0;
      const next = function () {
        return reader.read().then((chunk) => {
          if (chunk.done) return;
          total += chunk.value.length;
          onBytes(total);
          return next();
        });
      };
      return next();
    }

    // The four files at once: boot.wasm compiled as it streams in (the
    // fetched response itself goes to compileStreaming, which lets the
    // browser cache the compiled code with it for the next visit; a clone
    // counts the bytes), and the early workers started as soon as
    // boot.worker.js is in. Resolves to {files: {script, worker, module,
    // userland}, transferred (bytes over the network)}.
    function download(urls) {
      const progress = { script: 0, worker: 0, wasm: 0, userland: 0 };
      const report = function (key, bytes) {
        progress[key] = bytes;
        send("progress", { progress: progress });
      };
      const fetchOk = function (key) {
        return fetch(urls[key]).then((response) => {
          if (!response.ok) throw new Error("cannot download " + urls[key] + ": HTTP " + response.status);
          return response;
        });
      };
      const whole = function (key, read) {
        return fetchOk(key).then(read).then((data) => {
          report(key, data.size !== undefined ? data.size : data.byteLength);
          return data;
        });
      };
      send("mark", { name: "wasmRequested" });
      const module = fetchOk("wasm").then((response) => {
        send("mark", { name: "wasmFirstByte" });
        // The last byte's arrival is Resource Timing's responseEnd (this
        // worker's clock): the clone that counts may be read later than that.
        count(response.clone(), (bytes) => { report("wasm", bytes); }).then(() => {
          const entry = performance.getEntriesByName(urls.wasm)[0];
          const at = entry && entry.responseEnd ? performance.timeOrigin + entry.responseEnd - pageOrigin : now();
          send("mark", { name: "wasmLastByte", at: at });
        }, () => {});
        if (WebAssembly.compileStreaming) return WebAssembly.compileStreaming(response);
        return response.arrayBuffer().then((bytes) => { return WebAssembly.compile(bytes); });
      }).then((compiled) => {
        send("mark", { name: "wasmCompiled" });
        return compiled;
      });
      const worker = whole("worker", (response) => { return response.blob(); });
      worker.then((script) => {
        const url = URL.createObjectURL(script);
        for (let i = 0; i < EARLY_WORKERS; i++) earlyWorkers.push(new Worker(url, { name: "lkljs kernel thread" }));
      }, () => {});
      return Promise.all([
        whole("script", (response) => { return response.blob(); }),
        worker,
        module,
        whole("userland", (response) => { return response.arrayBuffer(); })
      ]).then((parts) => {
        send("mark", { name: "downloaded" });
        const sizes = progress.script + progress.worker + progress.wasm + progress.userland;
        return {
          files: { script: parts[0], worker: parts[1], module: parts[2], userland: parts[3] },
          transferred: transferred([urls.script, urls.worker, urls.wasm, urls.userland], sizes)
        };
      });
    }

    // Bytes that came over the network for these URLs (compressed, if the
    // server compressed them), from this worker's Resource Timing;
    // `fallback` (the decoded sizes) where the browser does not say.
    function transferred(urls, fallback) {
      let total = 0;
      for (const url of urls) {
        const entry = performance.getEntriesByName(url)[0];
        if (!entry || !entry.encodedBodySize) return fallback;
        total += entry.encodedBodySize;
      }
      return total;
    }

    // The running kernel's Module.lkljs, once the runtime is up.
    let runtimeUp = null;
    const runtime = new Promise((resolve) => { runtimeUp = resolve; });
    // The terminals beside the console (Module.lkljs.openTerminal), by number.
    const ptys = new Map();
    let ptysOpened = 0;
    // The console's latest size from the page, kept until the runtime is up
    // and can set it, so that the tty has the terminal's size before boot.
    let runtimeInitialized = false;
    let consoleSize = null;

    // What the page may call: each gets the running Module.lkljs and the
    // call's arguments; its value (or promise) is the reply.
    const CALLS = {
      "console.input"(lkljs, data) { return lkljs.console.input(data); },
      "console.resize"(lkljs, columns, rows) { lkljs.console.resize(columns, rows); },
      syscall(lkljs, ...args) { return lkljs.syscall(...args); },
      openTerminal(lkljs, options) {
        return lkljs.openTerminal(options).then((pty) => {
          const number = ++ptysOpened;
          ptys.set(number, pty);
          pty.onOutput = function (bytes) { send("ptyOutput", { pty: number, bytes: bytes }); };
          pty.onExit = function (status) {
            ptys.delete(number);
            send("ptyExit", { pty: number, status: status });
          };
          return { pty: number, name: pty.name, pid: pty.pid };
        });
      },
      "pty.input"(lkljs, number, data) { return ptyNumbered(number).input(data); },
      "pty.resize"(lkljs, number, columns, rows) { return ptyNumbered(number).resize(columns, rows); },
      "pty.close"(lkljs, number) { return ptyNumbered(number).close(); }
    };

    function ptyNumbered(number) {
      const pty = ptys.get(number);
      if (!pty) throw new Error("terminal " + number + " has ended");
      return pty;
    }

    function call(message) {
      // Before the runtime is up, only the console's size can be taken (it is
      // set before the kernel boots); every other call waits for the runtime.
      if (message.method === "console.resize" && !runtimeInitialized) {
        consoleSize = message.args;
        postMessage({ type: "reply", id: message.id, value: undefined });
        return;
      }
      runtime.then((lkljs) => {
        const method = CALLS[message.method];
        if (!method) throw new Error("no such call: " + message.method);
        return method(lkljs, ...message.args);
      }).then((value) => {
        postMessage({ type: "reply", id: message.id, value: value });
      }, (error) => {
        postMessage({ type: "reply", id: message.id, error: String(error && error.message ? error.message : error) });
      });
    }

    function boot(files) {
      const workerUrl = URL.createObjectURL(files.worker);
      const module = {
        print(text) { send("log", { line: text }); },
        printErr(text) { send("log", { line: text }); },
        // The kernel log, a line at a time.
        lkljsConsole(text) { send("log", { line: text }); },
        locateFile(path) { return path === "boot.worker.js" ? workerUrl : path; },
        mainScriptUrlOrBlob: files.script,
        lkljsWorkers: earlyWorkers,
        // The root file system's programs (host/lkljs-userland.js); the module copies them.
        lkljsUserland: new Uint8Array(files.userland),
        instantiateWasm(imports, receive) {
          WebAssembly.instantiate(files.module, imports).then((instance) => {
            receive(instance, files.module);
          }, (error) => {
            send("panic", { message: "The kernel's WebAssembly could not be instantiated: " + error.message });
          });
          return {};
        },
        // Before main() boots the kernel: the tty's output goes to the page
        // from its first byte, and the tty has the terminal's size from the start.
        onRuntimeInitialized() {
          send("runtimeReady", {});
          const lkljs = module.lkljs;
          lkljs.console.onOutput = function (bytes) { send("tty", { bytes: bytes }); };
          if (consoleSize) lkljs.console.resize(consoleSize[0], consoleSize[1]);
          runtimeInitialized = true;
          runtimeUp(lkljs);
        },
        lkljsKeepRunning: true,
        lkljsReady() { send("kernelReady", {}); },
        lkljsPanic(message) { send("panic", { message: message }); },
        onAbort(what) { send("abort", { message: String(what) }); },
        onExit(code) { send("exit", { code: code }); }
      };
      self.Module = module;
      send("mark", { name: "launched" });
      importScripts(URL.createObjectURL(files.script));
    }

    function start(files) {
      files.then((ready) => { boot(ready); }, (error) => {
        for (const worker of earlyWorkers) worker.terminate();
        send("failed", { message: error.message });
      });
    }

    // Chromium fetches a worker's scripts through its parent: ending this
    // worker while a kernel thread's worker loads boot.js would fail that
    // load, and the worker would say so in the console. So the page ends
    // this worker, and with it all of the kernel's, once the runtime starts
    // no more and none is loading (demo-build/host/lkljs-workers.js).
    function end() {
      const module = self.Module;
      const ended = () => { send("ended", {}); };
      if (module && module.lkljsStopWorkers) module.lkljsStopWorkers(ended);
      else ended();
    }

    send("mark", { name: "runtimeWorkerStarted" });
    self.addEventListener("message", (event) => {
      const message = event.data;
      if (message.type === "call") call(message);
      else if (message.type === "end") end();
      else if (message.type === "files" && options.awaitFiles) start(Promise.resolve(message.files));
    });
    if (!options.awaitFiles) {
      start(download(options.urls).then((downloaded) => {
        send("files", downloaded);
        return downloaded.files;
      }));
    }
  }

  // How long an ended runtime has to answer (its workers' loads of boot.js
  // take tens of milliseconds) before it is terminated all the same.
  const RUNTIME_END_GRACE_MS = 1000;

  // One kernel: its runtime worker, and the messages it sent before anyone
  // listened. The worker's script is kernelRuntime called with its options;
  // a blob URL's worker shares the page's cross-origin isolation whatever
  // headers the host sends.
  class Runtime {
    constructor(files) {
      const runtime = this;
      this.listener = null;
      this.held = [];
      const options = {
        urls: { script: urlOf("boot.js"), worker: urlOf("boot.worker.js"), wasm: urlOf("boot.wasm"), userland: urlOf("userland.cpio") },
        pageOrigin: performance.timeOrigin,
        awaitFiles: Boolean(files)
      };
      const source = "(" + kernelRuntime.toString() + ")(" + JSON.stringify(options) + ");\n";
      const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      this.worker = new Worker(url, { name: "lkljs runtime" });
      // The worker has its script once it speaks.
      this.worker.addEventListener("message", () => { URL.revokeObjectURL(url); }, { once: true });
      this.worker.addEventListener("message", (event) => { runtime.deliver(event.data); });
      // An exception the runtime did not catch: the kernel is gone.
      this.worker.addEventListener("error", (event) => {
        event.preventDefault();
        runtime.deliver({ type: "crash", at: performance.now(), message: event.message || "an uncaught error" });
      });
      if (files) this.worker.postMessage({ type: "files", files: files });
    }

    deliver(message) {
      if (this.listener) this.listener(message);
      else this.held.push(message);
    }

    // Every message from now on, those held first.
    listen(listener) {
      this.listener = listener;
      for (const message of this.held.splice(0)) listener(message);
    }

    post(message) {
      this.worker.postMessage(message);
    }

    // Ends the kernel: the worker, its kernel threads' workers and its
    // memory, once the runtime says that none of its workers is loading
    // ("ended"), or after a grace period if it does not answer.
    end() {
      const worker = this.worker;
      const terminate = () => { worker.terminate(); };
      worker.addEventListener("message", (event) => { if (event.data.type === "ended") terminate(); });
      worker.postMessage({ type: "end" });
      setTimeout(terminate, RUNTIME_END_GRACE_MS);
    }
  }

  // What the kernel needs: WebAssembly threads, which need cross-origin
  // isolation. Otherwise demo.js explains, and nothing starts here.
  const missing = threadsMissing();
  const canRun = missing === null && window.crossOriginIsolated === true && base !== null;
  let early = canRun ? new Runtime(null) : null;
  if (early) {
    // Its first message or error says it runs; the page's load is the last resort.
    early.worker.addEventListener("message", addPageScripts, { once: true });
    early.worker.addEventListener("error", addPageScripts, { once: true });
    window.addEventListener("load", addPageScripts, { once: true });
  } else {
    addPageScripts();
  }

  window.lkljsDemoStart = {
    threadsMissing: missing,
    // This script ran (the page's clock): the first of the timings' marks.
    ranAt: ranAt,
    runtime(files) {
      const taken = early;
      early = null;
      return taken || new Runtime(files);
    }
  };
})();
