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
      const invalid = windowSizeError("console.resize", columns, rows);
      if (invalid) throw invalid;
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

  // ioctl request numbers of the tty layer, in asm-generic's encoding (the
  // port's uapi): direction in bits 30-31 (1 write, 2 read), the argument's
  // size in 16-29, the type letter in 8-15, the number in 0-7.
  const ioc = (direction, type, number, size) => ((direction << 30) | (size << 16) | (type.charCodeAt(0) << 8) | number) >>> 0;
  const tty = {
    TIOCSWINSZ: ioc(0, "T", 0x14, 0), // 0x5414
    TIOCSPTLCK: ioc(1, "T", 0x31, 4), // _IOW('T', 0x31, int)
    TIOCGPTN: ioc(2, "T", 0x30, 4), // _IOR('T', 0x30, unsigned int)
  };
  // The program a terminal runs unless told otherwise: a login shell in the
  // home directory, leading a session of its own whose controlling terminal
  // is the pty (setsid -c), so that it has job control as on the console.
  const terminalShell = {
    path: "/bin/sh",
    argv: ["sh", "-c", "cd && exec setsid -c sh -l"],
    envp: ["HOME=/root", "PATH=/bin:/sbin:/usr/bin:/usr/sbin", "TERM=xterm", "SHELL=/bin/sh", "USER=root", "LOGNAME=root"],
  };

  // A terminal beside the console: a pty pair (/dev/ptmx, devpts on
  // /dev/pts, which /init mounts). The host's process holds the master side
  // (close-on-exec, so the programs it spawns do not keep it); a program,
  // by default a shell, gets the slave as its standard descriptors.
  // The object works like Module.lkljs.console: input(), resize(),
  // onOutput(bytes); and onExit(status) once the program has ended and
  // every descriptor of the slave is closed (status as a shell's $?:
  // 128 + N after signal N), close() to hang it up (SIGHUP to the session).
  // Three channels: one blocks reading the master, one writes what is typed,
  // one does the rest, so that output, input and control never wait for
  // one another.
  class Terminal {
    constructor(channels, master, name, pid) {
      Object.assign(this, channels);
      this._master = master;
      this.name = name;
      this.pid = pid;
      this.onOutput = null;
      this.onExit = null;
      this._pending = [];
      this._closing = false;
      // Until the master's reads are over, close() interrupts them.
      this._reading = true;
      this._typing = Promise.resolve();
      this.exited = this._readUntilHangUp();
    }

    async _readUntilHangUp() {
      const size = 4096;
      const buffer = _malloc(size);
      for (;;) {
        const read = await this._reader.syscall(lkljsSyscallNumbers.read, this._master, buffer, size);
        if (read <= 0 && read !== -lkljsErrno.EINTR && read !== -lkljsErrno.EAGAIN) break;
        if (this._closing) break;
        if (read > 0) this._deliver(HEAPU8.slice(buffer, buffer + read));
      }
      // The slave has no more users (or close() hung the pty up): reap. A
      // program may take its time to end after the hang-up (a trap on
      // SIGHUP): an interrupt that close() sent before it saw the reads
      // end must not leave it unreaped, so wait4 is tried again.
      this._reading = false;
      const statusPointer = buffer;
      let status;
      do {
        status = await this._reader.syscall(lkljsSyscallNumbers.wait4, this.pid, statusPointer, 0, 0);
      } while (status === -lkljsErrno.EINTR);
      if (status === this.pid) {
        const raw = HEAP32[statusPointer >> 2];
        status = (raw & 0x7f) === 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f);
      }
      _free(buffer);
      if (!this._closing) await this._control.syscall(lkljsSyscallNumbers.close, this._master);
      await Promise.all([this._reader.close(), this._writer.close(), this._control.close()]);
      if (this.onExit) this.onExit(status);
      return status;
    }

    _deliver(bytes) {
      if (this.onOutput) {
        for (const held of this._pending.splice(0)) this.onOutput(held);
        this.onOutput(bytes);
      } else {
        // Until someone listens: the first prompt may come before that.
        this._pending.push(bytes);
      }
    }

    // Types data (a string is sent as UTF-8); resolves once the pty took it.
    input(data) {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : Uint8Array.from(data);
      const type = async () => {
        const pointer = _malloc(Math.max(bytes.length, 1));
        HEAPU8.set(bytes, pointer);
        try {
          for (let offset = 0; offset < bytes.length;) {
            const written = await this._writer.syscall(lkljsSyscallNumbers.write, this._master, pointer + offset, bytes.length - offset);
            if (written < 0) throw new Error(`lkljs: ${this.name} took no input (${written})`);
            offset += written;
          }
        } finally {
          _free(pointer);
        }
      };
      this._typing = this._typing.then(type, type);
      return this._typing;
    }

    // The window size (TIOCSWINSZ on the master: SIGWINCH to the
    // foreground job); resolves to 0 or -errno.
    resize(columns, rows) {
      const invalid = windowSizeError("resize", columns, rows);
      if (invalid) return Promise.reject(invalid);
      return setWindowSize(this._control, this._master, columns, rows);
    }

    // Hangs the terminal up: the master is closed, the session gets SIGHUP.
    // Resolves with the program's status, as exited does.
    async close() {
      if (!this._closing) {
        this._closing = true;
        await this._control.syscall(lkljsSyscallNumbers.close, this._master);
        // The reader may be about to sleep in read: interrupt until the reads end.
        const interrupting = setInterval(() => { if (this._reading) this._reader.interrupt(); }, 20);
        this._reader.interrupt();
        this.exited.finally(() => clearInterval(interrupting));
      }
      return this.exited;
    }
  }

  // A window size as struct winsize holds it (unsigned short columns and
  // rows, and no terminal is 0 wide): null, or the RangeError that `what`
  // reports for any other.
  function windowSizeError(what, columns, rows) {
    if ([columns, rows].every((n) => Number.isInteger(n) && n > 0 && n <= 0xffff)) return null;
    return new RangeError(`lkljs: ${what} needs whole numbers from 1 to 65535, not ${columns}x${rows}`);
  }

  function setWindowSize(channel, fd, columns, rows) {
    // struct winsize: ws_row, ws_col, ws_xpixel, ws_ypixel (u16 each).
    const size = _malloc(8);
    HEAPU32[size >> 2] = rows | (columns << 16);
    HEAPU32[(size >> 2) + 1] = 0;
    return channel.syscall(lkljsSyscallNumbers.ioctl, fd, tty.TIOCSWINSZ, size).finally(() => _free(size));
  }

  // Opens a new terminal and starts a program on it (options.program:
  // { path, argv, envp }, default the shell above) at options.columns x
  // options.rows (default 80 x 24). Resolves to the Terminal.
  async function openTerminal(options = {}) {
    // Not a default in the destructuring: Emscripten's JS optimizer drops a
    // constant used only there (boot.js then fails with "terminalShell is
    // not defined").
    const { columns = 80, rows = 24 } = options;
    const program = options.program || terminalShell;
    const [control, reader, writer] = await Promise.all([openChannel(), openChannel(), openChannel()]);
    const nr = lkljsSyscallNumbers;
    const call = (number, ...args) => control.syscall(number, ...args);
    const flags = lkljsFcntl.O_RDWR | lkljsFcntl.O_NOCTTY | lkljsFcntl.O_CLOEXEC;
    const scratch = _malloc(64);
    let master = -1;
    // Each step: the result, or an Error naming the step.
    const step = (what, result) => {
      if (result < 0) throw new Error(`lkljs: cannot open a terminal: ${what} (${result})`);
      return result;
    };
    try {
      stringToUTF8("/dev/ptmx", scratch, 64);
      master = step("open /dev/ptmx", await call(nr.openat, lkljsFcntl.AT_FDCWD, scratch, flags, 0));
      HEAP32[scratch >> 2] = 0;
      step("unlock the pty", await call(nr.ioctl, master, tty.TIOCSPTLCK, scratch));
      step("number the pty", await call(nr.ioctl, master, tty.TIOCGPTN, scratch));
      const name = `/dev/pts/${HEAPU32[scratch >> 2]}`;
      step("set the window size", await setWindowSize(control, master, columns, rows));
      stringToUTF8(name, scratch, 64);
      const slave = step(`open ${name}`, await call(nr.openat, lkljsFcntl.AT_FDCWD, scratch, flags, 0));
      const pid = await control.spawn(program.path, program.argv, program.envp, [slave, slave, slave]);
      await call(nr.close, slave);
      step(`start ${program.path}`, pid);
      return new Terminal({ _control: control, _reader: reader, _writer: writer }, master, name, pid);
    } catch (error) {
      if (master >= 0) await call(nr.close, master);
      await Promise.all([control.close(), reader.close(), writer.close()]);
      throw error;
    } finally {
      _free(scratch);
    }
  }

  Module.lkljs = {
    console: terminal,
    openTerminal,
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
