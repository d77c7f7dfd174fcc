// SPDX-License-Identifier: MIT OR Apache-2.0
// The live demo's downloads, started from the document's head (this script
// is not deferred) so that the kernel's files come in, and boot.wasm
// compiles, while the page's other scripts load and run: boot.js,
// boot.worker.js, boot.wasm (compiled as it streams in) and userland.cpio
// (the root file system's programs), all at once. demo.js takes them over
// through window.lkljsDemoDownload(); it calls the same function again
// after a failed download.
//
// The script tag's data-demo-files maps each file to its URL (content-hashed
// names, cached for good); data-demo-base is the directory of the stable
// names, used when the map lacks a file.
//
// It also starts the first of the kernel's workers. Every kernel thread
// runs on a Web Worker that must start (a thread, a JavaScript engine,
// boot.worker.js) before it can load the module, and boot waits for each
// in turn; started here, as soon as boot.worker.js is in, that part of their
// start-up happens while boot.wasm still downloads. demo.js hands them to
// the kernel's runtime (Module.lkljsWorkers, demo-build/host/lkljs-workers.js)
// and ends them when it tears that kernel down.
(function () {
  "use strict";

  // Workers started ahead of the kernel: about half of those its boot
  // needs. More would compete with the page's own scripts for the CPU on a
  // small machine; the runtime starts the rest as it needs them.
  const EARLY_WORKERS = 8;

  const script = document.currentScript;
  const base = script ? script.getAttribute("data-demo-base") : null;
  let urls = {};
  try {
    urls = JSON.parse((script && script.getAttribute("data-demo-files")) || "{}");
  } catch (error) {
    urls = {};
  }

  function urlOf(name) {
    return urls[name] || base + name;
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

  // One download of the four files. `progress` holds the bytes received per
  // file; `onProgress` (set by the page) is told of each chunk; `marks`
  // holds the moments (performance.now()) the benchmark's breakdown reads.
  function download() {
    const state = {
      urls: { script: urlOf("boot.js"), worker: urlOf("boot.worker.js"), wasm: urlOf("boot.wasm"), userland: urlOf("userland.cpio") },
      progress: { script: 0, worker: 0, wasm: 0, userland: 0 },
      marks: { requested: performance.now() },
      onProgress: null,
      files: null,
      // Workers started ahead (see above), for the boot this download serves.
      workers: []
    };
    const report = function (key, bytes) {
      state.progress[key] = bytes;
      if (state.onProgress) state.onProgress(state.progress);
    };
    const fetchOk = function (key) {
      return fetch(state.urls[key]).then((response) => {
        if (!response.ok) throw new Error("cannot download " + state.urls[key] + ": HTTP " + response.status);
        return response;
      });
    };
    const whole = function (key, read) {
      return fetchOk(key).then(read).then((data) => {
        report(key, data.size !== undefined ? data.size : data.byteLength);
        return data;
      });
    };
    // boot.wasm is compiled while it streams in; the compiled module serves
    // every boot. The fetched response itself goes to compileStreaming, which
    // lets the browser cache the compiled code with it for the next visit; a
    // clone of it counts the bytes for the progress bar.
    const module = fetchOk("wasm").then((response) => {
      state.marks.wasmResponse = performance.now();
      count(response.clone(), (bytes) => {
        report("wasm", bytes);
        state.marks.wasmLastByte = performance.now();
      }).catch(() => {});
      if (WebAssembly.compileStreaming) return WebAssembly.compileStreaming(response);
      return response.arrayBuffer().then((bytes) => { return WebAssembly.compile(bytes); });
    }).then((compiled) => {
      state.marks.wasmCompiled = performance.now();
      return compiled;
    });
    const worker = whole("worker", (response) => { return response.blob(); });
    worker.then((script) => {
      // A blob URL: the workers get the page's cross-origin isolation
      // whatever headers the host sends with boot.worker.js.
      const url = URL.createObjectURL(script);
      for (let i = 0; i < EARLY_WORKERS; i++) state.workers.push(new Worker(url));
    }).catch(() => {});
    state.files = Promise.all([
      whole("script", (response) => { return response.blob(); }),
      worker,
      module,
      whole("userland", (response) => { return response.arrayBuffer(); })
    ]).then((parts) => {
      state.marks.downloaded = performance.now();
      return { script: parts[0], worker: parts[1], module: parts[2], userland: new Uint8Array(parts[3]) };
    });
    // The page may look later; an early failure must not be reported as unhandled.
    state.files.catch(() => {});
    return state;
  }

  // What the kernel needs: WebAssembly threads, which need cross-origin
  // isolation. Otherwise demo.js explains, and nothing is downloaded here.
  const canRun = typeof WebAssembly === "object" && typeof Worker !== "undefined" &&
    window.crossOriginIsolated === true && base !== null;
  let early = canRun ? download() : null;

  // The head's download the first time, a new one after a failure.
  window.lkljsDemoDownload = function () {
    const taken = early;
    early = null;
    return taken || download();
  };
})();
