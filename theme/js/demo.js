// SPDX-License-Identifier: MIT OR Apache-2.0
// The live demo component: on page load it checks that this browser can run
// the kernel, takes over the kernel that demo-start.inline.js started from the
// document's head (its runtime worker downloads boot.js, boot.worker.js,
// boot.wasm and userland.cpio, once each, with progress, and boots Linux)
// and shows it. The xterm.js terminal is the kernel's console tty, in both
// directions and with nothing interpreted here: every key (xterm's onData,
// UTF-8) goes to Module.lkljs.console.input, where the kernel's line
// discipline echoes, edits and signals; every byte the tty writes (the
// shell, BusyBox's programs, /init's messages) comes back through
// console.onOutput and is written to the terminal unchanged; the
// terminal's size (the fit addon, following the window) is the tty's window
// size (console.resize: TIOCSWINSZ and SIGWINCH). The kernel log reaches the
// terminal line by line (Module.lkljsConsole).
//
// "New terminal" opens more terminals beside the console, each a pty pair
// that Module.lkljs.openTerminal creates in the running kernel with a login
// shell of its own, wired to its own xterm.js the same way (PtyTerminal):
// its keys to the pty's input, its output to the screen, its size to the
// pty's window size. Close hangs it up (SIGHUP); a shell that exits leaves
// its status on the screen; a reboot removes them all with the kernel.
//
// The kernel runs in a dedicated worker of this page (kernelRuntime in
// demo-start.inline.js): its Emscripten runtime, its Web Workers (one per kernel thread, nested in
// it) and its shared memory all belong to that worker, so that nothing of
// the page's rendering delays the kernel. Module.lkljs lives there; this
// page calls it by messages (KernelCalls, a proxy with the same methods).
// "Reboot" ends the worker (the browser terminates the kernel's workers and
// frees the memory) and boots again in a new one, reusing the downloaded
// scripts and the compiled WebAssembly module, with no page reload.
//
// window.lkljsDemo is the page's handle for tests and benchmarks:
// state ("ready" while the shell waits at its prompt, "running" after a line
// was entered), terminalText(), run(commandLine) (types the line and Enter
// into the tty; resolves with what the command printed once the prompt is
// back), timings, reboot(), terminals (the terminals beside the console:
// name, pid, status once exited), terminalText(n) (n = 1… for those) and
// lkljs (the running kernel's Module.lkljs, through KernelCalls: syscall,
// openTerminal, console).
// timings.marks holds the moments of the first boot (ms since navigation,
// the page's clock) that the benchmark breaks the time to the prompt into:
// headScript (demo-start.inline.js ran and made the runtime's worker); then,
// taken in that worker, runtimeWorkerStarted (the worker's program began),
// the downloads' (wasmRequested, wasmFirstByte, wasmLastByte, wasmCompiled,
// downloaded), launched (boot.js started), runtimeReady (the module
// instantiated and main() about to run), firstLine (the kernel's first
// console line), initStarted ("Run /init") and kernelReady (PID 1 ready for
// the host's system calls); and prompt (the shell's first prompt, drawn in
// the page's terminal).
(function () {
  "use strict";

  // eslint-disable-next-line no-control-regex -- terminal escape sequences start with ESC
  const ANSI = /\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78DEHMc])/g;
  // The shell's prompt at the end of the tty's output: BusyBox hush shows the
  // working directory and "#" for root ("/root # ", or "~ # " where it
  // abbreviates the home directory).
  const PROMPT = /[~/][^\r\n]* [#$] $/;
  // How much of the tty's latest output is kept to look for the prompt.
  const TAIL = 512;
  // Bytes written to the terminal and not yet drawn, beyond which output is dropped.
  const BACKLOG = 4 << 20;
  // Terminals beside the console at most: each holds three of the kernel's
  // host channels (threads) and a screen's worth of page.
  const MAX_PTYS = 3;

  function formatBytes(bytes) {
    if (bytes >= 1e6) return (bytes / 1e6).toFixed(1) + " MB";
    if (bytes >= 1e3) return (bytes / 1e3).toFixed(0) + " kB";
    return bytes + " B";
  }

  function seconds(milliseconds) {
    return (milliseconds / 1000).toFixed(2) + " s";
  }

  // What a command printed, from the tty's output after its line was entered
  // up to the next prompt: the line's own echo (up to the first newline) and
  // the prompt go, and so do escape sequences and the tty's "\r".
  function commandOutput(text, prompt) {
    const echoEnd = text.indexOf("\n");
    const printed = echoEnd < 0 ? "" : text.slice(echoEnd + 1, text.length - prompt.length);
    return printed.replace(ANSI, "").replace(/\r+\n/g, "\n").replace(/\r/g, "");
  }

  // An xterm.js terminal in `element`, fitted to it (the fit addon,
  // following the element's size): `send` gets what it sends (keys, pastes,
  // xterm's answers to the programs' queries), `resized` its new size. A
  // program that writes faster than xterm draws (`yes`) cannot pile up the
  // page's memory: beyond BACKLOG bytes not yet drawn, its output is
  // dropped, and the screen says how much once it has caught up.
  class Screen {
    constructor(element, send, resized) {
      const screen = this;
      this.element = element;
      this.backlog = 0;
      this.dropped = 0;
      this.terminal = new window.Terminal({
        // The tty turns "\n" into "\r\n" itself (ONLCR), as a terminal expects.
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
      this.terminal.open(element);
      if (this.fit) {
        const refit = function () {
          try { screen.fit.fit(); } catch (error) { /* hidden (e.g. an inactive slide): keep the size */ }
        };
        refit();
        if (window.ResizeObserver) {
          this.observer = new ResizeObserver(refit);
          this.observer.observe(element);
        }
      }
      // A pasted newline comes as Enter, "\r".
      this.terminal.onData((data) => { send(data); });
      this.terminal.onBinary((data) => {
        send(Uint8Array.from(data, (c) => { return c.charCodeAt(0) & 0xff; }));
      });
      this.terminal.onResize((size) => { resized(size.cols, size.rows); });
    }

    // Writes to the terminal; `then` runs once xterm has parsed it.
    show(data, then) {
      const screen = this;
      if (this.backlog > BACKLOG && data.length) {
        this.dropped += data.length;
        if (then) this.terminal.write("", then);
        return;
      }
      this.backlog += data.length;
      this.terminal.write(data, () => {
        screen.backlog -= data.length;
        if (screen.dropped && screen.backlog === 0) {
          const dropped = screen.dropped;
          screen.dropped = 0;
          screen.terminal.write("\r\n\x1b[2m[the terminal skipped " + formatBytes(dropped) + " of output it could not draw in time]\x1b[0m\r\n");
        }
        if (then) then();
      });
    }

    // A line from the page itself (not from a program), dimmed or in red.
    note(text, alarming) {
      this.terminal.write("\r\n\x1b[" + (alarming ? "1;31m" : "2m") + text + "\x1b[0m\r\n");
    }

    focus() {
      if (this.terminal.textarea) this.terminal.textarea.focus({ preventScroll: true });
    }

    // The whole buffer: wrapped rows joined back into their lines.
    text() {
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

    dispose() {
      if (this.observer) this.observer.disconnect();
      this.terminal.dispose();
    }
  }

  // A terminal beside the console (see the file comment): a pane with its
  // title, a Close button and its screen, and the pty once it is open.
  class PtyTerminal {
    constructor(demo, number) {
      const self = this;
      this.demo = demo;
      this.number = number;
      this.pty = null;
      this.status = null;
      // Closed by the reader, or the kernel is gone: nothing more to send.
      this.ended = false;
      this.removed = false;
      this.pane = document.createElement("section");
      this.pane.className = "demo-pane";
      this.pane.setAttribute("aria-label", "Linux terminal " + number);
      const bar = document.createElement("div");
      bar.className = "demo-pane-bar";
      this.title = document.createElement("p");
      this.title.className = "demo-pane-title";
      this.closeButton = document.createElement("button");
      this.closeButton.type = "button";
      this.closeButton.className = "demo-button";
      this.closeButton.textContent = "Close";
      this.closeButton.setAttribute("aria-label", "Close terminal " + number);
      this.closeButton.addEventListener("click", () => { self.close(); });
      bar.append(this.title, this.closeButton);
      const element = document.createElement("div");
      element.className = "demo-terminal";
      element.setAttribute("data-demo-pty", String(number));
      this.pane.append(bar, element);
      demo.terminalsElement.appendChild(this.pane);
      this.say("opening…");
      this.screen = new Screen(element, (data) => { self.type(data); }, (columns, rows) => {
        if (self.pty && !self.ended) self.pty.resize(columns, rows).catch(() => {});
      });
    }

    say(text) {
      this.title.textContent = "Terminal " + this.number + ": " + text;
    }

    // Opens the pty at the screen's size, with its login shell.
    open(lkljs) {
      const self = this;
      const terminal = this.screen.terminal;
      // A throw becomes a rejection: the pane says why, the page goes on.
      return Promise.resolve().then(() => {
        return lkljs.openTerminal({ columns: terminal.cols, rows: terminal.rows });
      }).then((pty) => {
        if (self.ended) {
          pty.close().catch(() => {});
          return;
        }
        self.pty = pty;
        self.say(pty.name + ", a login shell (PID " + pty.pid + ")");
        pty.onOutput = function (bytes) { if (!self.ended) self.screen.show(bytes); };
        pty.onExit = function (status) { self.exited(status); };
      }, (error) => {
        self.ended = true;
        self.say("could not be opened");
        self.screen.note(error.message, true);
      });
    }

    type(data) {
      if (this.pty && !this.ended) this.pty.input(data).catch(() => {});
    }

    // The shell ended (exit, or the hang-up of close()): its status stays on screen.
    exited(status) {
      if (this.status !== null) return;
      this.status = status;
      this.ended = true;
      // Closed: the pane and its screen are gone already.
      if (this.removed) return;
      const name = this.pty ? this.pty.name : "the terminal";
      this.say(name + ", the shell exited with status " + status);
      this.screen.note("[the shell exited with status " + status + "; Close removes this terminal]");
    }

    // The kernel halted or stopped: the pty went with it.
    kernelStopped() {
      if (this.ended) return;
      this.ended = true;
      this.say((this.pty ? this.pty.name + ", " : "") + "ended with the kernel");
    }

    // Close: hangs a live terminal up (SIGHUP to its session) and removes it.
    close() {
      const pty = this.pty;
      const live = pty && !this.ended;
      this.ended = true;
      if (live) pty.close().catch(() => {});
      this.remove();
      this.demo.ptyClosed(this);
    }

    remove() {
      if (this.removed) return;
      this.removed = true;
      this.screen.dispose();
      this.pane.remove();
    }
  }

  // The running kernel's Module.lkljs, seen from the page: each method is a
  // call to the runtime worker (kernelRuntime in demo-start.inline.js) that
  // a promise answers.
  // The console and the terminals beside it have the same shape as there:
  // input(), resize(), and for a terminal onOutput, onExit and close().
  class KernelCalls {
    constructor(runtime) {
      const kernel = this;
      this.runtime = runtime;
      this.replies = new Map();
      this.lastCall = 0;
      this.ptys = new Map();
      // Output for a terminal whose opening has not been answered yet.
      this.early = new Map();
      this.console = {
        input(data) { return kernel.call("console.input", data); },
        resize(columns, rows) { return kernel.call("console.resize", columns, rows); }
      };
    }

    call(method, ...args) {
      const kernel = this;
      const id = ++this.lastCall;
      return new Promise((resolve, reject) => {
        kernel.replies.set(id, { resolve: resolve, reject: reject });
        kernel.runtime.post({ type: "call", id: id, method: method, args: args });
      });
    }

    syscall(...args) {
      return this.call("syscall", ...args);
    }

    openTerminal(options) {
      const kernel = this;
      return this.call("openTerminal", options).then((opened) => {
        const pty = new RemotePty(kernel, opened);
        kernel.ptys.set(opened.pty, pty);
        for (const message of kernel.early.get(opened.pty) || []) pty.receive(message);
        kernel.early.delete(opened.pty);
        return pty;
      });
    }

    // A message from the runtime worker about a call or a terminal.
    receive(message) {
      if (message.type === "reply") {
        const reply = this.replies.get(message.id);
        if (!reply) return;
        this.replies.delete(message.id);
        if (message.error !== undefined) reply.reject(new Error(message.error));
        else reply.resolve(message.value);
        return;
      }
      const pty = this.ptys.get(message.pty);
      if (pty) pty.receive(message);
      else this.early.set(message.pty, (this.early.get(message.pty) || []).concat([message]));
    }

    // The kernel is gone: calls still waiting for it fail.
    end(reason) {
      for (const reply of this.replies.values()) reply.reject(new Error(reason));
      this.replies.clear();
    }
  }

  // A terminal beside the console, as Module.lkljs.openTerminal gives it
  // (name, pid, input, resize, close, onOutput, onExit), from the page.
  // What comes before onOutput and onExit are set is held for them.
  class RemotePty {
    constructor(kernel, opened) {
      this.kernel = kernel;
      this.number = opened.pty;
      this.name = opened.name;
      this.pid = opened.pid;
      this.handlers = { ptyOutput: null, ptyExit: null };
      this.held = [];
    }

    set onOutput(handler) { this.handlers.ptyOutput = handler; this.deliver(); }
    get onOutput() { return this.handlers.ptyOutput; }
    set onExit(handler) { this.handlers.ptyExit = handler; this.deliver(); }
    get onExit() { return this.handlers.ptyExit; }

    receive(message) {
      this.held.push(message);
      this.deliver();
    }

    // In order, as far as there are handlers for.
    deliver() {
      while (this.held.length && this.handlers[this.held[0].type]) {
        const message = this.held.shift();
        if (message.type === "ptyOutput") this.handlers.ptyOutput(message.bytes);
        else this.handlers.ptyExit(message.status);
      }
    }

    input(data) { return this.kernel.call("pty.input", this.number, data); }
    resize(columns, rows) { return this.kernel.call("pty.resize", this.number, columns, rows); }
    close() { return this.kernel.call("pty.close", this.number); }
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
      this.newTerminalButton = root.querySelector("[data-demo-new-terminal]");
      this.terminalsElement = root.querySelector("[data-demo-terminals]");
      this.terminalElement = root.querySelector("[data-demo-terminal]");
      this.state = "loading";
      this.timings = { navigationToFirstLineMs: null, navigationToPromptMs: null, downloadBytes: 0, marks: {} };
      // The kernel's files, once downloaded (the first runtime sends them
      // back), for the next boots; the running kernel's runtime worker
      // (demo-start.inline.js) and the calls to it (KernelCalls).
      this.files = null;
      this.runtime = null;
      this.kernel = null;
      // The kernel's console (KernelCalls.console) from its boot on; null
      // once it has stopped.
      this.tty = null;
      // The tty's output as text: the latest part (to find the prompt) and,
      // while run() waits for a command, everything since it typed the line.
      this.decoder = new TextDecoder();
      this.tail = "";
      this.capture = null;
      this.runs = Promise.resolve();
      // The booted kernel's Module.lkljs, and the terminals open beside the console.
      this.lkljs = null;
      this.ptys = [];
      this.ptysOpened = 0;
      this.boots = 0;
      this.bootStarted = 0;
      this.sawConsole = false;
      this.sawPrompt = false;
      this.sawHalt = false;
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

    // The bar's status line (demo.css wraps it in the space it reserves).
    say(text) {
      this.status.textContent = text;
    }

    // The figures, " · " between them: each one is kept whole on a line
    // where they wrap (a phone), so a line never ends inside a figure.
    showFigures(text) {
      this.figures.replaceChildren();
      text.split(" · ").forEach((figure, i) => {
        if (i) this.figures.append(" · ");
        const element = document.createElement("span");
        element.className = "demo-figure";
        element.textContent = figure;
        this.figures.append(element);
      });
    }

    warn(html) {
      this.notice.innerHTML = html;
      this.notice.hidden = !html;
    }

    start() {
      const demo = this;
      const missing = window.lkljsDemoStart.threadsMissing;
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
      if (this.newTerminalButton) this.newTerminalButton.addEventListener("click", () => { demo.openPty(); });
      this.boot();
    }

    createTerminal() {
      const demo = this;
      // Keys, pastes and xterm's answers, all as the tty's input.
      this.screen = new Screen(this.terminalElement, (data) => { demo.type(data); }, (columns, rows) => {
        demo.resizeTty(columns, rows);
      });
      this.terminal = this.screen.terminal;
    }

    // Sends input to the tty of the running kernel; nothing else reads it.
    type(data) {
      if (!this.tty) return Promise.resolve();
      // An entered line (or ^C) leaves the prompt until the shell shows it again.
      if (this.state === "ready" && typeof data === "string" && (data.indexOf("\r") >= 0 || data.indexOf("\x03") >= 0)) {
        this.setState("running");
      }
      // A kernel that ended meanwhile takes no more input: nothing to report.
      return this.tty.input(data).catch(() => {});
    }

    resizeTty(columns, rows) {
      if (this.tty && columns > 0 && rows > 0) this.tty.resize(columns, rows).catch(() => {});
    }

    boot() {
      const demo = this;
      const boot = ++this.boots;
      this.bootStarted = performance.now();
      this.sawConsole = false;
      this.sawPrompt = false;
      this.sawHalt = false;
      this.tail = "";
      this.decoder = new TextDecoder();
      this.warn("");
      this.mark("headScript", window.lkljsDemoStart.ranAt);
      const runtime = window.lkljsDemoStart.runtime(this.files);
      this.runtime = runtime;
      this.kernel = new KernelCalls(runtime);
      if (this.files) {
        this.booting();
      } else {
        this.setState("downloading");
        this.rebootButton.disabled = true;
        this.progress.hidden = false;
        this.downloadProgress({ wasm: 0 });
      }
      // Keys and sizes go to the tty from now on: the runtime's worker keeps
      // them until the kernel has its console, so the tty has the terminal's
      // latest size before the kernel boots.
      this.tty = this.kernel.console;
      this.resizeTty(this.terminal.cols, this.terminal.rows);
      runtime.listen((message) => { if (boot === demo.boots) demo.receive(message); });
    }

    downloadProgress(progress) {
      if (this.wasmBytes) {
        this.progress.max = this.wasmBytes;
        this.progress.value = Math.min(progress.wasm, this.wasmBytes);
      }
      this.say("Downloading the kernel: " + formatBytes(progress.wasm) +
        (this.wasmBytes ? " of " + formatBytes(this.wasmBytes) : "") + "…");
    }

    booting() {
      this.progress.hidden = true;
      this.setState("booting");
      this.say("Booting Linux " + this.kernelVersion + "…");
      this.rebootButton.disabled = false;
    }

    // A message from the kernel's runtime worker (see kernelRuntime in
    // demo-start.inline.js).
    receive(message) {
      switch (message.type) {
        case "progress": this.downloadProgress(message.progress); break;
        case "mark": this.mark(message.name, message.at); break;
        case "files":
          this.files = message.files;
          this.timings.downloadBytes = message.transferred;
          this.booting();
          break;
        case "failed": this.downloadFailed(message.message); break;
        case "runtimeReady":
          this.mark("runtimeReady", message.at);
          this.lkljs = this.kernel;
          break;
        case "log": this.kernelLog(message.line, message.at); break;
        case "tty": this.ttyOutput(message.bytes); break;
        case "kernelReady": this.mark("kernelReady", message.at); break;
        case "panic": this.fail("Kernel panic: " + message.message, "panic"); break;
        case "abort":
        case "crash": this.fail("The kernel's runtime crashed: " + message.message, "panic"); break;
        case "exit": this.exited(message.code); break;
        case "reply":
        case "ptyOutput":
        case "ptyExit": this.kernel.receive(message); break;
      }
    }

    // The download failed: Reboot tries again, with a new runtime.
    downloadFailed(reason) {
      this.runtime.end();
      this.progress.hidden = true;
      this.fail("The kernel could not be downloaded: " + reason, "panic");
    }

    // The runtime's exit: /init halts cleanly when the shell exits, with the shell's status.
    exited(code) {
      if (this.state === "panic") return;
      if (code === 0 || this.sawHalt) this.halted(code);
      else this.fail("The kernel stopped with exit code " + code + ".", "panic");
    }

    // A line of the kernel log; `at` is when the kernel wrote it.
    kernelLog(line, at) {
      if (/Run \/init as init process/.test(line)) this.mark("initStarted", at);
      if (/reboot: System halted/.test(line)) this.sawHalt = true;
      if (!this.sawConsole) {
        this.sawConsole = true;
        this.mark("firstLine", at);
        if (this.timings.navigationToFirstLineMs === null) this.timings.navigationToFirstLineMs = Math.round(performance.now());
      }
      if (this.capture) this.capture.text += line + "\n";
      this.show(line + "\r\n");
    }

    // Bytes the tty wrote, to the terminal as they are (xterm decodes the
    // UTF-8, across chunks too). Once the shell's prompt ends them, the
    // state follows when xterm has taken them in, so that terminalText()
    // shows what the state says.
    ttyOutput(chunk) {
      const demo = this;
      const text = this.decoder.decode(chunk, { stream: true });
      const capture = this.capture;
      if (capture) capture.text += text;
      this.tail = (this.tail + text).slice(-TAIL);
      const prompt = PROMPT.exec(this.tail);
      // A run()'s prompt comes after the echo of its line.
      if (!prompt || (capture && capture.text.indexOf("\n") < 0)) {
        this.show(chunk);
        return;
      }
      this.capture = null;
      this.show(chunk, () => { demo.atPrompt(capture, prompt[0]); });
    }

    show(data, then) {
      this.screen.show(data, then);
    }

    // The shell shows its prompt: the first time, the boot is over.
    atPrompt(capture, prompt) {
      if (this.state === "panic" || this.state === "halted") return;
      if (!this.sawPrompt) {
        this.sawPrompt = true;
        const bootMs = performance.now() - this.bootStarted;
        if (this.timings.navigationToPromptMs === null) this.timings.navigationToPromptMs = Math.round(performance.now());
        this.mark("prompt", null);
        this.showFigures("boot.wasm " + formatBytes(this.wasmBytes) +
          (this.wasmBrotliBytes ? " (" + formatBytes(this.wasmBrotliBytes) + " with Brotli)" : "") +
          " · " + formatBytes(this.timings.downloadBytes) + " downloaded · boot to prompt " + seconds(bootMs));
        this.say("Linux " + this.kernelVersion + " is running in this page: type into its shell.");
        this.focusOnDemoPage();
      }
      this.setState("ready");
      this.updateNewTerminalButton();
      if (capture) capture.resolve(commandOutput(capture.text, prompt));
    }

    // On the demo's own page, nothing else focused: typing goes to the shell
    // right away. In a slide deck the keys stay the deck's until a click.
    focusOnDemoPage() {
      if (this.root.closest(".slide") || (document.activeElement && document.activeElement !== document.body)) return;
      this.screen.focus();
    }

    // "New terminal": a pty beside the console, focused, in view.
    openPty() {
      if (!this.lkljs || !this.sawPrompt || this.ptys.length >= MAX_PTYS) return Promise.resolve();
      const pty = new PtyTerminal(this, ++this.ptysOpened + 1);
      this.ptys.push(pty);
      this.updateNewTerminalButton();
      pty.pane.scrollIntoView({ block: "nearest" });
      pty.screen.focus();
      return pty.open(this.lkljs);
    }

    // A terminal closed: the keyboard goes back to the console.
    ptyClosed(pty) {
      this.ptys = this.ptys.filter((other) => { return other !== pty; });
      this.updateNewTerminalButton();
      this.screen.focus();
    }

    // With the kernel gone (halted, stopped or rebooting): its ptys went with it.
    endPtys(remove) {
      for (const pty of this.ptys) {
        pty.kernelStopped();
        if (remove) pty.remove();
      }
      if (remove) {
        this.ptys = [];
        this.ptysOpened = 0;
      }
      this.lkljs = null;
      this.updateNewTerminalButton();
    }

    updateNewTerminalButton() {
      const button = this.newTerminalButton;
      if (!button) return;
      const full = this.ptys.length >= MAX_PTYS;
      // A kernel built without ptys (an older build) offers none.
      button.disabled = !this.lkljs || typeof this.lkljs.openTerminal !== "function" || !this.sawPrompt || full;
      button.title = full
        ? "At most " + MAX_PTYS + " terminals beside the console: close one first"
        : "Open another terminal: a pty with a login shell of its own";
    }

    // The shell exited and /init halted the machine with the shell's status.
    halted(status) {
      this.tty = null;
      this.endPtys(false);
      this.setState("halted");
      this.say("The shell exited" + (status ? " with status " + status : "") +
        " and the kernel halted. Press Reboot to start it again.");
      const capture = this.capture;
      this.capture = null;
      if (capture) this.show("", () => { capture.resolve(commandOutput(capture.text, "")); });
    }

    fail(message, state) {
      if (this.state === "panic") return;
      this.tty = null;
      this.setState(state);
      this.endPtys(false);
      this.say("The kernel stopped. Press Reboot to start it again.");
      this.warn("<p><strong>" + escapeHtml(message) + "</strong> Press <em>Reboot</em> to boot the kernel again.</p>");
      if (this.screen) this.screen.note(message, true);
      this.rebootButton.disabled = false;
      if (this.capture) {
        this.capture.reject(new Error(message));
        this.capture = null;
      }
    }

    // Tears the kernel down (its runtime worker, and with it every worker
    // of the kernel's) and boots again.
    reboot() {
      if (this.capture) {
        this.capture.reject(new Error("rebooted"));
        this.capture = null;
      }
      this.tty = null;
      this.endPtys(true);
      if (this.runtime) this.runtime.end();
      if (this.kernel) this.kernel.end("rebooted");
      this.runtime = null;
      this.terminal.reset();
      this.terminal.write("\x1b[2m--- reboot ---\x1b[0m\r\n");
      return Promise.resolve(this.boot());
    }

    // Types line and Enter into the tty, as keys would; resolves with what
    // the command printed once the shell's prompt is back. One at a time.
    run(line) {
      const demo = this;
      const next = this.runs.then(() => {
        if (demo.state !== "ready") throw new Error("the demo is " + demo.state + ", not at its prompt");
        return new Promise((resolve, reject) => {
          demo.capture = { text: "", resolve: resolve, reject: reject };
          demo.type(line + "\r");
        });
      });
      this.runs = next.catch(() => {});
      return next;
    }

    // The text of the console's terminal (n = 0) or of the n-th terminal beside it.
    terminalText(n) {
      const screen = n ? (this.ptys[n - 1] || {}).screen : this.screen;
      return screen ? screen.text() : "";
    }

    terminals() {
      return this.ptys.map((pty) => {
        return { name: pty.pty ? pty.pty.name : null, pid: pty.pty ? pty.pty.pid : null, status: pty.status };
      });
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
      get terminals() { return demo.terminals(); },
      get lkljs() { return demo.lkljs; },
      terminalText(n) { return demo.terminalText(n); },
      run(line) { return demo.run(line); },
      reboot() { return demo.reboot(); }
    };
  }

  function init() {
    const roots = document.querySelectorAll("[data-demo]");
    if (!roots.length) return;
    const demo = new Demo(roots[0]);
    publish(demo);
    if (!window.Terminal || !window.lkljsDemoStart) {
      demo.setState("unsupported");
      demo.say("The demo's scripts did not load; reload the page.");
      return;
    }
    demo.start();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
