// SPDX-License-Identifier: MIT OR Apache-2.0
// The live demo component: on page load it checks that this browser can run
// the kernel, takes over the downloads that demo-download.js started from the
// document's head (boot.js, boot.worker.js, boot.wasm and userland.cpio, once
// each, with progress), boots Linux in the page with its console streamed into an
// xterm.js terminal, then starts our shell (demo-shell.js) at a prompt.
//
// The kernel runs inside a hidden same-origin iframe: its Emscripten runtime,
// its Web Workers (one per kernel thread) and its shared memory all belong to
// that iframe, so "reboot" removes the iframe (the browser terminates the
// workers and frees the memory) and boots again in a new one, reusing the
// downloaded scripts and the compiled WebAssembly module, with no page reload.
//
// window.lkljsDemo is the page's handle for tests and benchmarks:
// state, terminalText(), run(commandLine), timings, reboot(). timings.marks
// holds the moments of the first boot (ms since navigation, the page's clock)
// that the benchmark breaks the time to the prompt into: the downloads'
// (wasmRequested, wasmFirstByte, wasmLastByte, wasmCompiled, downloaded,
// from demo-download.js), then launched (boot.js started), runtimeReady
// (its workers loaded and main() about to run), firstLine (the kernel's
// first console line), initStarted ("Run /init"), kernelReady (PID 1 ready
// for system calls) and prompt.
(function () {
  "use strict";

  // A module with one shared memory: valid only where WebAssembly threads are.
  const SHARED_MEMORY_MODULE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 4, 1, 3, 1, 1]);
  // eslint-disable-next-line no-control-regex -- terminal escape sequences start with ESC
  const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

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

  function formatBytes(bytes) {
    if (bytes >= 1e6) return (bytes / 1e6).toFixed(1) + " MB";
    if (bytes >= 1e3) return (bytes / 1e3).toFixed(0) + " kB";
    return bytes + " B";
  }

  function seconds(milliseconds) {
    return (milliseconds / 1000).toFixed(2) + " s";
  }

  // Bytes that came over the network for these URLs (compressed, if the
  // server compressed them), from Resource Timing; `fallback` (the decoded
  // sizes) where the browser does not say.
  function transferred(urls, fallback) {
    if (!window.performance || !performance.getEntriesByName) return fallback;
    let total = 0;
    for (let i = 0; i < urls.length; i++) {
      const entry = performance.getEntriesByName(urls[i])[0];
      if (!entry || !entry.encodedBodySize) return fallback;
      total += entry.encodedBodySize;
    }
    return total;
  }

  class Demo {
    constructor(root) {
      this.root = root;
      this.base = root.getAttribute("data-demo-base");
      this.kernelVersion = root.getAttribute("data-demo-kernel");
      this.wasmBytes = Number(root.getAttribute("data-demo-wasm-bytes")) || 0;
      this.wasmBrotliBytes = Number(root.getAttribute("data-demo-wasm-brotli-bytes")) || 0;
      this.status = root.querySelector("[data-demo-status]");
      this.progress = root.querySelector("[data-demo-progress]");
      this.figures = root.querySelector("[data-demo-figures]");
      this.notice = root.querySelector("[data-demo-notice]");
      this.rebootButton = root.querySelector("[data-demo-reboot]");
      this.terminalElement = root.querySelector("[data-demo-terminal]");
      this.state = "loading";
      this.timings = { navigationToFirstLineMs: null, navigationToPromptMs: null, downloadBytes: 0, marks: {} };
      this.assets = null;
      this.frame = null;
      this.module = null;
      this.shell = null;
      this.capture = null;
      this.boots = 0;
      this.bootStarted = 0;
      this.sawConsole = false;
    }

    // Records a moment of the first boot (see timings.marks above).
    mark(name, at) {
      if (this.timings.marks[name] === undefined && at !== undefined) {
        this.timings.marks[name] = Math.round((at === null ? performance.now() : at) * 10) / 10;
      }
    }

    setState(state) {
      this.state = state;
      this.root.setAttribute("data-demo-state", state);
    }

    say(text) {
      this.status.textContent = text;
    }

    warn(html) {
      this.notice.innerHTML = html;
      this.notice.hidden = !html;
    }

    write(text) {
      if (this.capture && this.capture.active) this.capture.text += text;
      this.terminal.write(text.replace(/\r?\n/g, "\r\n"));
    }

    start() {
      const demo = this;
      const missing = threadsMissing();
      if (missing) {
        this.setState("unsupported");
        this.say("This browser cannot run the demo.");
        this.warn("<p><strong>This browser lacks " + missing + ".</strong> The kernel runs each of its threads " +
          "in a Web Worker sharing one WebAssembly memory, which needs WebAssembly threads " +
          "(shared memory and atomics). Current Chrome, Edge, Firefox and Safari have them.</p>");
        return;
      }
      if (!window.crossOriginIsolated) {
        const coi = window.lkljsCoi;
        if (coi && coi.state === "registering") {
          this.say("Enabling cross-origin isolation: the page reloads once…");
          window.addEventListener("lkljs-coi", () => { demo.start(); }, { once: true });
          return;
        }
        this.setState("not-isolated");
        this.say("This page is not cross-origin isolated, so the kernel cannot start.");
        this.warn("<p><strong>Not cross-origin isolated.</strong> The kernel's threads are Web Workers that share " +
          "one memory, a <code>SharedArrayBuffer</code>, and browsers only hand those to pages sent with the " +
          "<code>Cross-Origin-Opener-Policy: same-origin</code> and <code>Cross-Origin-Embedder-Policy: require-corp</code> " +
          "headers. This site sends them (<code>_headers</code>, <code>netlify.toml</code>, <code>lkljs-site serve</code>); " +
          "where a host cannot, a small service worker adds them and reloads the page once." +
          (coi && coi.reason ? " Here it could not: " + escapeHtml(coi.reason) : "") + "</p>");
        return;
      }
      this.createTerminal();
      this.rebootButton.addEventListener("click", () => { demo.reboot(); });
      this.boot();
    }

    createTerminal() {
      const demo = this;
      this.terminal = new window.Terminal({
        convertEol: false,
        cursorBlink: true,
        scrollback: 10000,
        // 13 px fits a classic 80-column line (free, ps) in the guide's text
        // column; the extra line height keeps underscores from being clipped
        // by the row below.
        fontSize: 13,
        lineHeight: 1.15,
        fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
        theme: { background: "#101418", foreground: "#d8dee9" }
      });
      if (window.FitAddon) {
        this.fit = new window.FitAddon.FitAddon();
        this.terminal.loadAddon(this.fit);
      }
      this.terminal.open(this.terminalElement);
      if (this.fit) {
        const refit = function () {
          try { demo.fit.fit(); } catch (error) { /* hidden (e.g. an inactive slide): keep the size */ }
        };
        refit();
        if (window.ResizeObserver) new ResizeObserver(refit).observe(this.terminalElement);
      }
      this.editor = new window.LkljsLineEditor(
        ((text) => { demo.write(text); }),
        ((line) => { demo.execute(line); }),
        (() => { demo.interrupt(); })
      );
      this.terminal.onData((data) => { demo.editor.input(data); });
    }

    // The kernel's files, downloaded once per page (demo-download.js started
    // that from the document's head); reboots reuse them.
    download() {
      const demo = this;
      if (this.assets) return this.assets;
      if (!window.lkljsDemoDownload) return Promise.reject(new Error("the demo's download script did not load"));
      const download = window.lkljsDemoDownload();
      const update = function (progress) {
        if (demo.wasmBytes) {
          demo.progress.max = demo.wasmBytes;
          demo.progress.value = Math.min(progress.wasm, demo.wasmBytes);
        }
        demo.say("Downloading the kernel: " + formatBytes(progress.wasm) +
          (demo.wasmBytes ? " of " + formatBytes(demo.wasmBytes) : "") + "…");
      };
      download.onProgress = update;
      this.progress.hidden = false;
      update(download.progress);
      this.assets = download.files.then((files) => {
        demo.progress.hidden = true;
        const urls = download.urls;
        const sizes = download.progress;
        demo.timings.downloadBytes = transferred([urls.script, urls.worker, urls.wasm, urls.userland].map((url) => {
          return new URL(url, location.href).href;
        }), sizes.wasm + sizes.script + sizes.worker + sizes.userland);
        demo.mark("wasmRequested", download.marks.requested);
        demo.mark("wasmFirstByte", download.marks.wasmResponse);
        demo.mark("wasmLastByte", download.marks.wasmLastByte);
        demo.mark("wasmCompiled", download.marks.wasmCompiled);
        demo.mark("downloaded", download.marks.downloaded);
        return files;
      }, (error) => {
        demo.assets = null;
        throw error;
      });
      return this.assets;
    }

    boot() {
      const demo = this;
      const boot = ++this.boots;
      this.setState("downloading");
      this.bootStarted = performance.now();
      this.sawConsole = false;
      this.rebootButton.disabled = true;
      this.warn("");
      return this.download().then((assets) => {
        if (boot !== demo.boots) return;
        demo.setState("booting");
        demo.say("Booting Linux " + demo.kernelVersion + "…");
        demo.rebootButton.disabled = false;
        demo.launch(assets, boot);
      }).catch((error) => {
        if (boot !== demo.boots) return;
        demo.fail("The kernel could not be downloaded: " + error.message, "panic");
      });
    }

    // Starts boot.js in a fresh hidden iframe (see the file comment).
    launch(assets, boot) {
      const demo = this;
      const frame = document.createElement("iframe");
      frame.hidden = true;
      frame.setAttribute("aria-hidden", "true");
      frame.title = "Linux kernel runtime";
      this.root.appendChild(frame);
      this.frame = frame;
      let host = frame.contentWindow;
      // An iframe that did not inherit isolation cannot share memory: run in the page itself then.
      if (!host.crossOriginIsolated) host = window;
      this.tearsDown = host !== window;
      const current = function () { return boot === demo.boots; };
      const workerUrl = host.URL.createObjectURL(assets.worker);
      const scriptUrl = host.URL.createObjectURL(assets.script);
      const module = {
        print(text) { if (current()) demo.kernelOutput(text + "\n"); },
        printErr(text) { if (current()) demo.kernelOutput(text + "\n"); },
        // The kernel's console, a line (or a chunk ending in a newline) at a time.
        lkljsConsole(text) { if (current()) demo.kernelOutput(/\n$/.test(text) ? text : text + "\n"); },
        locateFile(path) { return path === "boot.worker.js" ? workerUrl : demo.base + path; },
        mainScriptUrlOrBlob: assets.script,
        // The root file system's programs (host/lkljs-userland.js); the module copies them.
        lkljsUserland: assets.userland,
        instantiateWasm(imports, receive) {
          WebAssembly.instantiate(assets.module, imports).then((instance) => {
            receive(instance, assets.module);
          }, (error) => {
            if (current()) demo.fail("The kernel's WebAssembly could not be instantiated: " + error.message, "panic");
          });
          return {};
        },
        onRuntimeInitialized() { if (current()) demo.mark("runtimeReady", null); },
        lkljsKeepRunning: true,
        lkljsReady() { if (current()) demo.kernelReady(module); },
        lkljsPanic(message) { if (current()) demo.fail("Kernel panic: " + message, "panic"); },
        onAbort(what) { if (current()) demo.fail("The kernel's runtime crashed: " + what, "panic"); },
        onExit(code) {
          if (!current() || demo.state === "panic") return;
          if (code === 0) {
            demo.editor.stop();
            demo.setState("halted");
            demo.say("The kernel halted. Press Reboot to start it again.");
            demo.finishCapture();
          } else {
            demo.fail("The kernel stopped with exit code " + code + ".", "panic");
          }
        }
      };
      host.Module = module;
      this.module = module;
      host.addEventListener("error", (event) => {
        if (current()) demo.fail("The kernel's runtime crashed: " + (event.message || event.error), "panic");
      });
      const script = host.document.createElement("script");
      script.src = scriptUrl;
      this.mark("launched", null);
      (host.document.body || host.document.documentElement).appendChild(script);
    }

    kernelOutput(text) {
      if (/Run \/init as init process/.test(text)) this.mark("initStarted", null);
      if (!this.sawConsole) {
        this.sawConsole = true;
        this.mark("firstLine", null);
        if (this.timings.navigationToFirstLineMs === null) this.timings.navigationToFirstLineMs = Math.round(performance.now());
      }
      this.write(text);
    }

    kernelReady(module) {
      const demo = this;
      this.mark("kernelReady", null);
      const bootMs = performance.now() - this.bootStarted;
      this.shell = new window.LkljsShell(module, ((text) => { demo.write(text); }), {
        history() { return demo.editor.history.slice(); },
        // The command never returns: the kernel stops and onExit(0) ends the session.
        halt() { return new Promise(() => { module.lkljs.halt(); }); }
      });
      this.shell.start().then(() => {
        if (demo.module !== module) return;
        demo.write("\n\x1b[1mLinux is running in this page. Type help for the commands, each made of real system calls.\x1b[0m\n");
        if (demo.timings.navigationToPromptMs === null) demo.timings.navigationToPromptMs = Math.round(performance.now());
        demo.mark("prompt", null);
        demo.figures.textContent = "boot.wasm " + formatBytes(demo.wasmBytes) +
          (demo.wasmBrotliBytes ? " (" + formatBytes(demo.wasmBrotliBytes) + " with Brotli)" : "") +
          " · " + formatBytes(demo.timings.downloadBytes) + " downloaded · boot to prompt " + seconds(bootMs);
        demo.say("Linux " + demo.kernelVersion + " is running in this page.");
        return demo.showPrompt();
      }).catch((error) => {
        demo.fail("The shell could not start: " + error.message, "panic");
      });
    }

    showPrompt() {
      const demo = this;
      const module = this.module;
      return this.shell.prompt().then((prompt) => {
        if (demo.module !== module || demo.state === "panic" || demo.state === "halted") return;
        demo.finishCapture();
        demo.setState("ready");
        demo.editor.prompt(prompt);
      });
    }

    // Resolves lkljsDemo.run() with what the command printed.
    finishCapture() {
      if (!this.capture) return;
      const capture = this.capture;
      this.capture = null;
      capture.resolve(capture.text.replace(ANSI, "").replace(/\r\n/g, "\n"));
    }

    execute(line) {
      const demo = this;
      const module = this.module;
      if (this.capture) this.capture.active = true;
      this.setState("running");
      this.shell.execute(line).catch((error) => {
        demo.write("sh: internal error: " + (error && error.message) + "\n");
        if (window.console) console.warn(error);
      }).then(() => {
        if (demo.module === module && demo.state === "running") return demo.showPrompt();
      }).catch((error) => {
        demo.fail("The shell lost the kernel: " + error.message, "panic");
      });
    }

    interrupt() {
      this.write("^C\n");
      if (this.shell) this.shell.interrupt();
    }

    fail(message, state) {
      if (this.state === "panic") return;
      if (this.editor) this.editor.stop();
      this.setState(state);
      this.say("The kernel stopped. Press Reboot to start it again.");
      this.warn("<p><strong>" + escapeHtml(message) + "</strong> Press <em>Reboot</em> to boot the kernel again.</p>");
      if (this.terminal) this.write("\n\x1b[1;31m" + message + "\x1b[0m\n");
      this.rebootButton.disabled = false;
      if (this.capture) {
        this.capture.reject(new Error(message));
        this.capture = null;
      }
    }

    // Tears the kernel down (its iframe, and with it every worker) and boots again.
    reboot() {
      if (!this.tearsDown && this.frame) {
        // The kernel runs in the page itself: only a page reload frees its workers.
        location.reload();
        return Promise.resolve();
      }
      if (this.capture) {
        this.capture.reject(new Error("rebooted"));
        this.capture = null;
      }
      if (this.editor) this.editor.stop();
      if (this.frame) this.frame.remove();
      this.frame = null;
      this.module = null;
      this.shell = null;
      this.terminal.reset();
      this.write("\x1b[2m--- reboot ---\x1b[0m\n");
      return this.boot();
    }

    run(line) {
      const demo = this;
      if (this.state !== "ready") return Promise.reject(new Error("the demo is " + this.state + ", not at its prompt"));
      return new Promise((resolve, reject) => {
        demo.capture = { text: "", active: false, resolve: resolve, reject: reject };
        demo.editor.input(line);
        demo.editor.input("\r");
      });
    }

    // The terminal's whole buffer: wrapped rows joined back into their lines.
    terminalText() {
      if (!this.terminal) return "";
      const buffer = this.terminal.buffer.active;
      const lines = [];
      for (let i = 0; i < buffer.length; i++) {
        const row = buffer.getLine(i);
        const text = row.translateToString(true);
        if (row.isWrapped && lines.length) lines[lines.length - 1] += text;
        else lines.push(text);
      }
      while (lines.length && lines[lines.length - 1] === "") lines.pop();
      return lines.map((line) => { return line.replace(/\s+$/, ""); }).join("\n");
    }
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"]/g, (c) => {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
  }

  function publish(demo) {
    window.lkljsDemo = {
      get state() { return demo.state; },
      get timings() { return demo.timings; },
      terminalText() { return demo.terminalText(); },
      run(line) { return demo.run(line); },
      reboot() { return demo.reboot(); }
    };
  }

  function init() {
    const roots = document.querySelectorAll("[data-demo]");
    if (!roots.length) return;
    const demo = new Demo(roots[0]);
    publish(demo);
    if (!window.Terminal || !window.LkljsShell || !window.LkljsLineEditor) {
      demo.setState("unsupported");
      demo.say("The demo's scripts did not load; reload the page.");
      return;
    }
    demo.start();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
