// SPDX-License-Identifier: MIT OR Apache-2.0
// Starts the live demo's kernel from the document's head (this script is
// not deferred), so that the kernel downloads, compiles and boots while the
// page's other scripts load and run. The kernel runs in a dedicated worker
// (demo-runtime.js, which says why), one per boot; this script only makes
// that worker and holds its messages until demo.js takes them.
//
// demo.js finds window.lkljsDemoStart: threadsMissing (what this browser
// lacks to run the kernel, or null) and runtime(files), whose first call
// takes the runtime started here (which downloads the kernel's files
// itself); later calls (a reboot, with the files the first one sent back,
// or a new try after a failed download, without) start a new one.
//
// The script tag's data-demo-files maps each file to its URL (content-hashed
// names, cached for good); data-demo-base is the directory of the stable
// names, used when the map lacks a file; data-demo-runtime is the URL of
// demo-runtime.js.
(function () {
  "use strict";

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
  const runtimeScriptUrl = script ? script.getAttribute("data-demo-runtime") : null;
  let urls = {};
  try {
    urls = JSON.parse((script && script.getAttribute("data-demo-files")) || "{}");
  } catch (error) {
    urls = {};
  }

  function urlOf(name) {
    return new URL(urls[name] || base + name, location.href).href;
  }

  // demo-runtime.js as a blob URL, fetched once per page (again after a
  // failure): a worker made from one shares the page's cross-origin
  // isolation whatever headers the host sends with the script.
  let runtimeScript = null;
  function runtimeScriptBlobUrl() {
    if (!runtimeScript) {
      runtimeScript = fetch(runtimeScriptUrl).then((response) => {
        if (!response.ok) throw new Error("cannot download " + runtimeScriptUrl + ": HTTP " + response.status);
        return response.blob();
      }).then((blob) => { return URL.createObjectURL(blob); });
      runtimeScript.catch(() => { runtimeScript = null; });
    }
    return runtimeScript;
  }

  // One kernel: its runtime worker, the messages it sent before anyone
  // listened, and the messages for it sent before it existed (in order).
  class Runtime {
    constructor(files) {
      const runtime = this;
      this.worker = null;
      this.ended = false;
      this.listener = null;
      this.held = [];
      this.started = runtimeScriptBlobUrl().then((url) => {
        if (runtime.ended) return;
        const worker = new Worker(url, { name: "lkljs runtime" });
        runtime.worker = worker;
        worker.addEventListener("message", (event) => { runtime.deliver(event.data); });
        // An exception the runtime did not catch: the kernel is gone.
        worker.addEventListener("error", (event) => {
          event.preventDefault();
          runtime.deliver({ type: "crash", at: performance.now(), message: event.message || "an uncaught error" });
        });
        worker.postMessage({
          type: "start",
          urls: { script: urlOf("boot.js"), worker: urlOf("boot.worker.js"), wasm: urlOf("boot.wasm"), userland: urlOf("userland.cpio") },
          files: files || null,
          pageOrigin: performance.timeOrigin
        });
      }, (error) => {
        runtime.deliver({ type: "failed", at: performance.now(), message: error.message });
      });
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
      const runtime = this;
      this.started.then(() => {
        if (runtime.worker && !runtime.ended) runtime.worker.postMessage(message);
      });
    }

    // Ends the kernel: the worker, its kernel threads' workers and its memory.
    end() {
      this.ended = true;
      if (this.worker) this.worker.terminate();
    }
  }

  // What the kernel needs: WebAssembly threads, which need cross-origin
  // isolation. Otherwise demo.js explains, and nothing starts here.
  const missing = threadsMissing();
  const canRun = missing === null && window.crossOriginIsolated === true && base !== null && runtimeScriptUrl !== null;
  let early = canRun ? new Runtime(null) : null;

  window.lkljsDemoStart = {
    threadsMissing: missing,
    runtime(files) {
      const taken = early;
      early = null;
      return taken || new Runtime(files);
    }
  };
})();
