// SPDX-License-Identifier: GPL-2.0-only
// Module.lkljs: system calls from JavaScript (contract B). Linked into
// boot.js after Emscripten's runtime (--post-js); lkljsSyscallNumbers,
// lkljsErrno and lkljsFcntl come from the build (--pre-js, generated from the
// kernel's uapi headers).
// Nothing here blocks: every call returns a Promise that a channel's host
// thread resolves through Module.lkljs._complete on the main thread.
if (!ENVIRONMENT_IS_PTHREAD) (function () {
  "use strict";
  const waiting = new Map();
  let nextToken = 1;
  let defaultChannel = null;

  function expect() {
    const token = nextToken++;
    const promise = new Promise((resolve) => waiting.set(token, resolve));
    return { token, promise };
  }

  class Channel {
    constructor(pointer) {
      this._pointer = pointer;
      this._closed = false;
      // Calls on one channel run one after the other, in call order.
      this._tail = Promise.resolve();
    }

    _enqueue(send) {
      const run = () => {
        if (this._closed) return Promise.reject(new Error("lkljs: the channel is closed"));
        const request = expect();
        send(request.token);
        return request.promise;
      };
      const result = this._tail.then(run, run);
      this._tail = result.catch(() => {});
      return result;
    }

    syscall(nr, a0, a1, a2, a3, a4, a5) {
      if (typeof nr !== "number" || !Number.isInteger(nr) || nr < 0)
        return Promise.reject(new TypeError(`lkljs: system call number must be a non-negative integer, not ${nr}`));
      const pointer = this._pointer;
      return this._enqueue((token) => {
        _lkljs_channel_submit(pointer, token, nr, a0 || 0, a1 || 0, a2 || 0, a3 || 0, a4 || 0, a5 || 0);
      });
    }

    // Starts a wasm program as a child process of PID 1 (lkljs_spawn in
    // lkljs.h): resolves to its PID once it has executed path, or to -errno.
    // argv and envp are arrays of strings (argv defaults to [path]); fds, if
    // given, are three of PID 1's descriptors for the child's 0, 1 and 2.
    // Reap it with syscall(nr.wait4, pid, statusPointer, 0, 0).
    spawn(path, argv, envp, fds) {
      if (typeof path !== "string")
        return Promise.reject(new TypeError(`lkljs: spawn needs a path string, not ${path}`));
      if (fds != null && !(Array.isArray(fds) && fds.length === 3 && fds.every(Number.isInteger)))
        return Promise.reject(new TypeError("lkljs: spawn's fds must be three descriptors, e.g. [0, pipeWrite, 2]"));
      const allocated = [];
      const string = (text) => {
        const size = lengthBytesUTF8(text) + 1;
        const pointer = _malloc(size);
        allocated.push(pointer);
        stringToUTF8(text, pointer, size);
        return pointer;
      };
      const vector = (strings) => {
        const pointer = _malloc(4 * (strings.length + 1));
        allocated.push(pointer);
        strings.forEach((text, i) => { HEAP32[(pointer >> 2) + i] = string(String(text)); });
        HEAP32[(pointer >> 2) + strings.length] = 0;
        return pointer;
      };
      let fdsPointer = 0;
      if (fds) {
        fdsPointer = _malloc(12);
        allocated.push(fdsPointer);
        fds.forEach((fd, i) => { HEAP32[(fdsPointer >> 2) + i] = fd; });
      }
      const pathPointer = string(path);
      const argvPointer = vector(argv || [path]);
      const envpPointer = vector(envp || []);
      const release = (result) => {
        allocated.forEach((pointer) => _free(pointer));
        return result;
      };
      const channel = this._pointer;
      return this._enqueue((token) => {
        _lkljs_channel_submit(channel, token, -1, pathPointer, argvPointer, envpPointer, fdsPointer, 0, 0);
      }).then(release, (error) => { release(); throw error; });
    }

    // The call now running on this channel returns -EINTR if it sleeps.
    interrupt() {
      if (!this._closed) _lkljs_channel_interrupt(this._pointer);
    }

    close() {
      const pointer = this._pointer;
      const closed = this._enqueue((token) => {
        this._closed = true;
        _lkljs_channel_close(pointer, token);
      });
      return closed.then(() => {});
    }
  }

  function openChannel() {
    const request = expect();
    const pointer = _lkljs_channel_open(request.token);
    if (!pointer) {
      waiting.delete(request.token);
      return Promise.reject(new Error("lkljs: cannot start a channel thread"));
    }
    return request.promise.then((status) => {
      if (status < 0) throw new Error(`lkljs: the kernel cannot create a task for the channel (${status})`);
      return new Channel(pointer);
    });
  }

  function defaultChannelPromise() {
    if (!defaultChannel) defaultChannel = openChannel();
    return defaultChannel;
  }

  // The console tty (/dev/console), as a terminal's keyboard and screen
  // (host/console.c, lkljs.h). input() types bytes (a string is sent as
  // UTF-8); the kernel's line discipline echoes and edits them and turns
  // ^C, ^Z and ^\ into signals. It resolves once the kernel's 64 KiB ring
  // has taken every byte. endInput() ends the input as a pipe ends (reads
  // then see ^D). resize() sets the window size (TIOCGWINSZ, SIGWINCH).
  // onOutput(bytes), if set, receives the tty's output as Uint8Array chunks,
  // unchanged; otherwise node writes it to stdout and a page gets it line by
  // line through Module.lkljsConsole, like the kernel log.
  const terminal = {
    onOutput: null,
    _typing: Promise.resolve(),
    input(data) {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : Uint8Array.from(data);
      const type = async () => {
        let offset = 0;
        while (offset < bytes.length) {
          const length = bytes.length - offset;
          const pointer = _malloc(length);
          HEAPU8.set(bytes.subarray(offset), pointer);
          offset += _lkljs_js_console_input(pointer, length);
          _free(pointer);
          // The ring is full until the kernel reads: try again shortly.
          if (offset < bytes.length) await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };
      terminal._typing = terminal._typing.then(type, type);
      return terminal._typing;
    },
    endInput() {
      const end = () => _lkljs_js_console_end_input();
      terminal._typing = terminal._typing.then(end, end);
      return terminal._typing;
    },
    resize(columns, rows) {
      if (![columns, rows].every((n) => Number.isInteger(n) && n > 0 && n <= 0xffff))
        throw new RangeError(`lkljs: console.resize needs whole numbers from 1 to 65535, not ${columns}x${rows}`);
      _lkljs_js_console_resize(columns, rows);
    },
    _decoder: new TextDecoder(),
    _pendingLine: "",
    _carriageReturn: false,
    _output(pointer, length) {
      const bytes = HEAPU8.slice(pointer, pointer + length);
      if (terminal.onOutput) {
        terminal.onOutput(bytes);
      } else if (ENVIRONMENT_IS_NODE && !Module.lkljsConsole) {
        process.stdout.write(terminal._toStdout(bytes));
      } else {
        const text = terminal._pendingLine + terminal._decoder.decode(bytes, { stream: true });
        const lines = text.replace(/\r\n/g, "\n").split("\n");
        terminal._pendingLine = lines.pop();
        for (const line of lines) {
          if (Module.lkljsConsole) Module.lkljsConsole(line);
          else out(line);
        }
      }
    },
    // The tty's "\r\n" becomes "\n": a pipe or file gets lines like the
    // kernel log's, and a terminal adds the "\r" itself (node's raw mode
    // keeps the terminal's ONLCR), so it shows what the tty sent.
    _toStdout(bytes) {
      const kept = [];
      for (const byte of bytes) {
        if (terminal._carriageReturn && byte !== 0x0a) kept.push(0x0d);
        terminal._carriageReturn = byte === 0x0d;
        if (!terminal._carriageReturn) kept.push(byte);
      }
      return Uint8Array.from(kept);
    },
  };

  Module.lkljs = {
    console: terminal,
    nr: lkljsSyscallNumbers,
    // errno values and the O_*/AT_* flags, generated like nr.
    errno: lkljsErrno,
    fcntl: lkljsFcntl,
    syscall(...args) {
      return defaultChannelPromise().then((channel) => channel.syscall(...args));
    },
    channel: openChannel,
    spawn(...args) {
      return defaultChannelPromise().then((channel) => channel.spawn(...args));
    },
    // reboot(LINUX_REBOOT_CMD_HALT): Module.onExit(0) follows.
    halt() {
      return Module.lkljs.syscall(lkljsSyscallNumbers.reboot, 0xfee1dead, 672274793, 0xcdef0123, 0);
    },
    _complete(token, result) {
      const resolve = waiting.get(token);
      if (!resolve) return;
      waiting.delete(token);
      resolve(result);
    },
  };
})();
