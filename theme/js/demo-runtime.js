// SPDX-License-Identifier: MIT OR Apache-2.0
// The demo's kernel runtime: a dedicated worker of the page, which
// demo-start.js starts from the document's head, one per boot. It downloads
// the kernel's files, runs Emscripten's runtime (boot.js) and the kernel's
// threads (boot.js's own workers, nested in this one), and carries the
// page's calls to Module.lkljs and the kernel's output back, as messages.
//
// Why a worker and not the page: Emscripten's runtime thread starts every
// kernel thread's worker and takes every worker's "loaded" message, and
// boot waits for each one; a fetch's body and a streaming compile are read
// on the thread that started them. On the page's main thread all of that
// waited behind layout, xterm.js and its frames, so a busy page slowed the
// kernel's boot. Here nothing of the page's runs. Ending this worker ends
// the kernel: its threads, its memory and all.
//
// Messages from the page:
//   {type: "start", urls, files, pageOrigin}: boots. Without
//     `files` it downloads them from `urls` first, and sends them back
//     ("files") for the next boot; `pageOrigin` is the page's
//     performance.timeOrigin, so that "at" below is on the page's clock.
//   {type: "call", id, method, args}: calls a method of the running kernel
//     (CALLS below) and answers {type: "reply", id, value} or
//     {type: "reply", id, error}. Calls made before the runtime is up
//     wait for it, in order.
// Messages to the page, each with `at` (ms on the page's clock):
//   progress {progress}, mark {name}, files {files, transferred}, failed {message}
//   (a download failed), log {line} (the kernel log), tty {bytes} (the
//   console's output), runtimeReady, kernelReady, panic {message},
//   abort {message}, exit {code}, ptyOutput {pty, bytes}, ptyExit {pty, status}.
(function () {
  "use strict";

  // Kernel-thread workers started while boot.wasm downloads: about half of
  // those the boot needs. More would take the CPU from the page's own
  // scripts on a small machine; the runtime starts the rest as it needs
  // them (demo-build/host/lkljs-workers.js, which takes these first).
  const EARLY_WORKERS = 8;

  let pageOrigin = performance.timeOrigin;
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
  function download(urls, earlyWorkers) {
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
      count(response.clone(), (bytes) => { report("wasm", bytes); }).then(() => {
        send("mark", { name: "wasmLastByte" });
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
  // The console's size from the page, kept until the runtime is up and
  // can set it, so that the tty has the terminal's size before boot.
  let runtimeStarted = false;
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
    if (message.method === "console.resize" && !runtimeStarted) {
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

  function boot(files, earlyWorkers) {
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
        runtimeStarted = true;
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

  self.addEventListener("message", (event) => {
    const message = event.data;
    if (message.type === "call") {
      call(message);
      return;
    }
    if (message.type !== "start") return;
    pageOrigin = message.pageOrigin;
    const earlyWorkers = [];
    const files = message.files ? Promise.resolve(message.files) : download(message.urls, earlyWorkers).then((downloaded) => {
      send("files", downloaded);
      return downloaded.files;
    });
    files.then((ready) => { boot(ready, earlyWorkers); }, (error) => {
      for (const worker of earlyWorkers) worker.terminate();
      send("failed", { message: error.message });
    });
  });
})();
