// SPDX-License-Identifier: GPL-2.0-only
// Node's stdin and stdout as the console tty, when node runs boot.js itself
// (`node --no-experimental-fetch boot.js`): linked into boot.js and
// selftest.js after lkljs-api.js (--post-js); host.c asks it, before the
// boot, whether a person types (interactive) and to attach.
//
//  - stdin a terminal: raw mode, every key goes to the console tty, whose
//    line discipline echoes and edits; the window size follows stdout's.
//    The terminal's mode is restored when node exits with the machine.
//  - stdin a pipe or file: its bytes go to the tty as typed input; at its
//    end the console ends its input (reads then see ^D), so the shell exits
//    and init halts the machine with the shell's exit status. A last line
//    without a newline gets one, so that it runs, as with `sh < file`.
//
// Not for the self-test suite or the benchmark, a page, or a script that
// loads boot.js itself (Module.lkljsKeepRunning): those leave stdin alone.
Module.lkljsNodeConsole = (function () {
  "use strict";

  function ownsStdin() {
    return typeof ENVIRONMENT_IS_NODE !== "undefined" && ENVIRONMENT_IS_NODE &&
      !ENVIRONMENT_IS_PTHREAD && typeof module === "object" && typeof require === "function" &&
      require.main === module && (Module.lkljsProgram || "boot") === "boot" &&
      !Module.lkljsKeepRunning && !Module.lkljsConsole;
  }

  function interactive() {
    return ownsStdin() && Boolean(process.stdin.isTTY);
  }

  function followWindowSize(terminal) {
    if (!process.stdout.isTTY) return;
    const resize = () => terminal.resize(process.stdout.columns || 80, process.stdout.rows || 24);
    resize();
    process.stdout.on("resize", resize);
  }

  // A reader that goes away (`node boot.js | head`) ends node as SIGPIPE
  // ends a program: quietly, with status 128 + 13, rather than with an
  // uncaught EPIPE and a screenful of boot.js. Both of node's ways to
  // stdout: the tty's output (process.stdout) and the kernel log's lines
  // (Emscripten's out(), a synchronous write).
  function endQuietlyOnBrokenPipe() {
    const brokenPipe = (error) => {
      if (error && error.code === "EPIPE") process.exit(128 + require("os").constants.signals.SIGPIPE);
      throw error;
    };
    process.stdout.on("error", brokenPipe);
    const print = out;
    out = (text) => {
      try {
        print(text);
      } catch (error) {
        brokenPipe(error);
      }
    };
  }

  function attach() {
    if (!ownsStdin()) return;
    endQuietlyOnBrokenPipe();
    const terminal = Module.lkljs.console;
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(true);
      process.on("exit", () => process.stdin.setRawMode(false));
      followWindowSize(terminal);
    }
    // One chunk at a time: the next is read once the kernel took this one.
    let lastByte = 0x0a;
    process.stdin.on("data", (chunk) => {
      process.stdin.pause();
      if (chunk.length) lastByte = chunk[chunk.length - 1];
      terminal.input(chunk).then(() => process.stdin.resume());
    });
    // A last line without its newline still runs, as with `sh < file`
    // (at a prompt, ^D ends only an empty line).
    process.stdin.on("end", () => {
      if (!process.stdin.isTTY && lastByte !== 0x0a && lastByte !== 0x0d) terminal.input("\n");
      terminal.endInput();
    });
  }

  return { interactive, attach };
})();
