// SPDX-License-Identifier: MIT OR Apache-2.0
// Our shell. Every command is made of real Linux system calls into the wasm
// kernel (Module.lkljs, see demo-build/README.md): nothing is answered by
// JavaScript alone.
// A command runs on its own kernel channel so that Ctrl-C can interrupt just
// its blocking call (channel.interrupt() → -EINTR).
(function () {
  "use strict";
  const Abi = window.LkljsAbi;
  const SyscallError = Abi.SyscallError;

  // The kernel's own values, generated from its uapi headers into
  // Module.lkljs (errno, fcntl); set by useKernel before the first command.
  let AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR;
  let O_RDONLY, O_WRONLY, O_CREAT, O_TRUNC, O_APPEND, O_DIRECTORY, O_CLOEXEC;
  let EINTR, ENOENT, EEXIST, EISDIR, ENOSYS;

  function useKernel(module) {
    Abi.useKernel(module);
    ({ AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR } = module.lkljs.fcntl);
    ({ O_RDONLY, O_WRONLY, O_CREAT, O_TRUNC, O_APPEND, O_DIRECTORY, O_CLOEXEC } = module.lkljs.fcntl);
    [EINTR, ENOENT, EEXIST, EISDIR, ENOSYS] = ["EINTR", "ENOENT", "EEXIST", "EISDIR", "ENOSYS"].map(Abi.errnoNumber);
  }
  const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1;
  const AF_INET = 2, SOCK_STREAM = 1;
  const SYSLOG_ACTION_READ_ALL = 3, SYSLOG_ACTION_SIZE_BUFFER = 10;
  const READ_CHUNK = 65536;

  // The system calls one command makes, on one channel, with one arena.
  // Each method returns the kernel's result or throws SyscallError.
  class Sys {
    constructor(module, channel, arena) {
      this.module = module;
      this.nr = module.lkljs.nr;
      this.channel = channel;
      this.arena = arena;
    }

    async call(name) {
      const number = this.nr[name];
      if (number === undefined) throw new SyscallError(name, ENOSYS);
      const args = Array.prototype.slice.call(arguments, 1);
      while (args.length < 6) args.push(0);
      const result = await this.channel.syscall(number, args[0], args[1], args[2], args[3], args[4], args[5]);
      if (result < 0 && result > -4096) throw new SyscallError(name, -result);
      return result;
    }

    open(path, flags, mode) {
      return this.call("openat", AT_FDCWD, this.arena.string(path), flags | O_CLOEXEC, mode || 0);
    }

    close(fd) {
      return this.call("close", fd);
    }

    async readAll(fd, interrupted) {
      const buffer = this.arena.alloc(READ_CHUNK);
      const parts = [];
      for (;;) {
        if (interrupted && interrupted()) throw new SyscallError("read", EINTR);
        const count = await this.call("read", fd, buffer, READ_CHUNK);
        if (count === 0) break;
        parts.push(this.module.HEAPU8.slice(buffer, buffer + count));
      }
      const total = parts.reduce((sum, part) => { return sum + part.length; }, 0);
      const bytes = new Uint8Array(total);
      let offset = 0;
      parts.forEach((part) => { bytes.set(part, offset); offset += part.length; });
      return bytes;
    }

    async readFile(path, interrupted) {
      const fd = await this.open(path, O_RDONLY);
      try {
        return new TextDecoder().decode(await this.readAll(fd, interrupted));
      } finally {
        await this.close(fd);
      }
    }

    async writeAll(fd, bytes) {
      const pointer = this.arena.bytes(bytes);
      let written = 0;
      while (written < bytes.length) {
        written += await this.call("write", fd, pointer + written, bytes.length - written);
      }
    }

    async statx(path, flags) {
      const buffer = this.arena.alloc(Abi.STATX_SIZE);
      await this.call("statx", AT_FDCWD, this.arena.string(path), flags || 0, Abi.STATX_BASIC_STATS, buffer);
      return Abi.decodeStatx(this.module, buffer);
    }

    async listDirectory(path) {
      const fd = await this.open(path, O_RDONLY | O_DIRECTORY);
      const buffer = this.arena.alloc(READ_CHUNK);
      let entries = [];
      try {
        for (;;) {
          const count = await this.call("getdents64", fd, buffer, READ_CHUNK);
          if (count === 0) break;
          entries = entries.concat(Abi.decodeDirents(this.module, buffer, count));
        }
      } finally {
        await this.close(fd);
      }
      return entries;
    }

    async readLink(path) {
      const buffer = this.arena.alloc(4096);
      const length = await this.call("readlinkat", AT_FDCWD, this.arena.string(path), buffer, 4096);
      return Abi.decodeBytes(this.module.HEAPU8, buffer, length);
    }

    async getcwd() {
      const buffer = this.arena.alloc(4096);
      await this.call("getcwd", buffer, 4096);
      return Abi.decodeCString(this.module.HEAPU8, buffer, 4096);
    }

    async uname() {
      const buffer = this.arena.alloc(Abi.UTSNAME_SIZE);
      await this.call("uname", buffer);
      return Abi.decodeUtsname(this.module, buffer);
    }

    // The 64-bit-time calls where the kernel has them (32-bit asm-generic names them *_time64).
    async clockGettime(clock) {
      const buffer = this.arena.alloc(Abi.TIMESPEC_SIZE);
      await this.call(this.nr.clock_gettime64 !== undefined ? "clock_gettime64" : "clock_gettime", clock, buffer);
      return Abi.decodeTimespec(this.module, buffer);
    }

    async sleep(seconds) {
      const request = this.arena.alloc(Abi.TIMESPEC_SIZE);
      const whole = Math.floor(seconds);
      Abi.encodeTimespec(this.module, request, whole, Math.round((seconds - whole) * 1e9));
      const name = this.nr.clock_nanosleep_time64 !== undefined ? "clock_nanosleep_time64" : "clock_nanosleep";
      return this.call(name, CLOCK_MONOTONIC, 0, request, 0);
    }
  }

  // Splits a command line into words (single and double quotes, backslash
  // escapes) and the redirections `> file` and `>> file`.
  function parse(line) {
    const words = [];
    let redirect = null;
    let word = null;
    let pendingRedirect = null;
    let quote = null;
    function finish() {
      if (word === null) return;
      if (pendingRedirect) {
        redirect = { append: pendingRedirect === ">>", path: word };
        pendingRedirect = null;
      } else {
        words.push(word);
      }
      word = null;
    }
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (c === quote) quote = null;
        else if (c === "\\" && quote === "\"" && i + 1 < line.length) word += line[++i];
        else word += c;
      } else if (c === "'" || c === "\"") {
        quote = c;
        word = word || "";
      } else if (c === "\\" && i + 1 < line.length) {
        word = (word || "") + line[++i];
      } else if (c === " " || c === "\t") {
        finish();
      } else if (c === ">") {
        finish();
        if (pendingRedirect) throw new Error("syntax error near unexpected token `>'");
        pendingRedirect = line[i + 1] === ">" ? ">>" : ">";
        if (pendingRedirect === ">>") i++;
      } else {
        word = (word || "") + c;
      }
    }
    if (quote) throw new Error("unexpected end of line while looking for matching `" + quote + "'");
    finish();
    if (pendingRedirect) throw new Error("syntax error near unexpected token `newline'");
    return { words: words, redirect: redirect };
  }

  // Splits `-la` style options from operands; `known` lists the accepted letters.
  function options(command, args, known) {
    const flags = {};
    const operands = [];
    let done = false;
    args.forEach((arg) => {
      if (!done && arg === "--") {
        done = true;
      } else if (!done && arg.length > 1 && arg[0] === "-") {
        for (let i = 1; i < arg.length; i++) {
          if (known.indexOf(arg[i]) < 0) throw new UsageError(command + ": invalid option -- '" + arg[i] + "'");
          flags[arg[i]] = true;
        }
      } else {
        operands.push(arg);
      }
    });
    return { flags: flags, operands: operands };
  }

  class UsageError extends Error {
    constructor(message) {
      super(message);
      this.name = "UsageError";
    }
  }

  function pad(text, width, left) {
    text = String(text);
    while (text.length < width) text = left ? text + " " : " " + text;
    return text;
  }

  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  function two(number) {
    return (number < 10 ? "0" : "") + number;
  }
  function clockTime(date) {
    return two(date.getUTCHours()) + ":" + two(date.getUTCMinutes()) + ":" + two(date.getUTCSeconds());
  }

  // The commands. Each gets (sys, args, io) and returns its exit status;
  // io.out(text) is standard output (possibly redirected), io.err(text) the terminal.
  const COMMANDS = {};
  const HELP = {};
  function command(name, summary, run) {
    COMMANDS[name] = run;
    HELP[name] = summary;
  }

  command("help", "list the commands", async (sys, args, io) => {
    io.out("Every command below is made of Linux system calls into the kernel running in this page.\n");
    Object.keys(HELP).sort().forEach((name) => {
      io.out("  " + pad(name, 8, true) + "  " + HELP[name] + "\n");
    });
    io.out("Keys: ←/→, Home/End, Backspace/Delete, ↑/↓ history, Ctrl-A/E/U/W/L, Ctrl-C interrupts.\n");
    io.out("Redirect output with > and >>, e.g. echo hi > /tmp/x.\n");
    return 0;
  });

  command("echo", "print its arguments (-n: no newline)", async (sys, args, io) => {
    const noNewline = args[0] === "-n";
    io.out(args.slice(noNewline ? 1 : 0).join(" ") + (noNewline ? "" : "\n"));
    return 0;
  });

  command("cat", "print files (openat, read)", async (sys, args, io) => {
    if (args.length === 0) throw new UsageError("cat: this shell has no standard input; name a file");
    let status = 0;
    for (let i = 0; i < args.length; i++) {
      try {
        io.out(await sys.readFile(args[i], io.interrupted));
      } catch (error) {
        if (!(error instanceof SyscallError) || error.errno === EINTR) throw error;
        io.err("cat: " + args[i] + ": " + error.message + "\n");
        status = 1;
      }
    }
    return status;
  });

  function lsTime(timestamp, now) {
    const date = new Date(timestamp.seconds * 1000);
    const day = pad(date.getUTCDate(), 2);
    const recent = Math.abs(now - timestamp.seconds) < 182 * 24 * 3600;
    const tail = recent ? two(date.getUTCHours()) + ":" + two(date.getUTCMinutes()) : " " + date.getUTCFullYear();
    return MONTHS[date.getUTCMonth()] + " " + day + " " + tail;
  }

  command("ls", "list directories (getdents64, statx; -l long, -a all)", async (sys, args, io) => {
    const parsed = options("ls", args, "la1");
    const paths = parsed.operands.length ? parsed.operands : ["."];
    let status = 0;
    const now = (await sys.clockGettime(CLOCK_REALTIME)).seconds;
    const long = parsed.flags.l;
    async function describe(path, name) {
      const info = await sys.statx(path, AT_SYMLINK_NOFOLLOW);
      if (!long) return { info: info, text: name };
      const type = info.mode & 0o170000;
      // Devices show their numbers where files show their size.
      const size = type === 0o020000 || type === 0o060000 ? pad(info.rdevMajor + ",", 4) + pad(info.rdevMinor, 4) : pad(info.size, 8);
      let text = Abi.modeString(info.mode) + " " + pad(info.links, 2) + " " + pad(info.uid, 4, true) + " " +
        pad(info.gid, 4, true) + " " + size + " " + lsTime(info.modified, now) + " " + name;
      if (type === 0o120000) text += " -> " + (await sys.readLink(path));
      return { info: info, text: text };
    }
    for (let p = 0; p < paths.length; p++) {
      const path = paths[p];
      let top;
      try {
        top = await sys.statx(path, 0);
      } catch (error) {
        if (!(error instanceof SyscallError)) throw error;
        io.err("ls: cannot access '" + path + "': " + error.message + "\n");
        status = 2;
        continue;
      }
      if (!Abi.isDirectory(top.mode)) {
        io.out((await describe(path, path)).text + "\n");
        continue;
      }
      if (paths.length > 1) io.out((p > 0 ? "\n" : "") + path + ":\n");
      let entries;
      try {
        entries = await sys.listDirectory(path);
      } catch (error) {
        if (!(error instanceof SyscallError)) throw error;
        io.err("ls: cannot open directory '" + path + "': " + error.message + "\n");
        status = 2;
        continue;
      }
      entries = entries
        .filter((entry) => { return parsed.flags.a || entry.name[0] !== "."; })
        .sort((a, b) => { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
      const lines = [];
      let blocks = 0;
      for (let e = 0; e < entries.length; e++) {
        if (io.interrupted()) throw new SyscallError("ls", EINTR);
        const full = (path.endsWith("/") ? path : path + "/") + entries[e].name;
        try {
          const line = await describe(full, entries[e].name);
          blocks += line.info.blocks;
          lines.push(line.text);
        } catch (error) {
          // An entry can vanish between getdents64 and statx (a /proc task exiting).
          if (!(error instanceof SyscallError) || error.errno !== ENOENT) throw error;
        }
      }
      if (long) io.out("total " + Math.ceil(blocks / 2) + "\n");
      if (lines.length) io.out(lines.join(long || parsed.flags["1"] ? "\n" : "  ") + "\n");
    }
    return status;
  });

  command("mkdir", "make directories (mkdirat; -p parents)", async (sys, args, io) => {
    const parsed = options("mkdir", args, "p");
    if (!parsed.operands.length) throw new UsageError("mkdir: missing operand");
    let status = 0;
    for (let i = 0; i < parsed.operands.length; i++) {
      const path = parsed.operands[i];
      let targets = [path];
      if (parsed.flags.p) {
        targets = [];
        const parts = path.split("/");
        for (let j = 1; j <= parts.length; j++) {
          const prefix = parts.slice(0, j).join("/");
          if (prefix && prefix !== ".") targets.push(prefix);
        }
      }
      for (let t = 0; t < targets.length; t++) {
        try {
          await sys.call("mkdirat", AT_FDCWD, sys.arena.string(targets[t]), 0o755);
        } catch (error) {
          if (!(error instanceof SyscallError)) throw error;
          if (parsed.flags.p && error.errno === EEXIST) continue;
          io.err("mkdir: cannot create directory '" + targets[t] + "': " + error.message + "\n");
          status = 1;
          break;
        }
      }
    }
    return status;
  });

  command("rm", "remove files (unlinkat; -r directories, -f quiet)", async (sys, args, io) => {
    const parsed = options("rm", args, "rf");
    if (!parsed.operands.length) throw new UsageError("rm: missing operand");
    let status = 0;
    async function remove(path) {
      const info = await sys.statx(path, AT_SYMLINK_NOFOLLOW);
      if (Abi.isDirectory(info.mode)) {
        if (!parsed.flags.r) throw new SyscallError("unlinkat", EISDIR);
        const entries = await sys.listDirectory(path);
        for (let i = 0; i < entries.length; i++) {
          if (entries[i].name !== "." && entries[i].name !== "..") await remove(path + "/" + entries[i].name);
        }
        await sys.call("unlinkat", AT_FDCWD, sys.arena.string(path), AT_REMOVEDIR);
      } else {
        await sys.call("unlinkat", AT_FDCWD, sys.arena.string(path), 0);
      }
    }
    for (let i = 0; i < parsed.operands.length; i++) {
      try {
        await remove(parsed.operands[i]);
      } catch (error) {
        if (!(error instanceof SyscallError)) throw error;
        if (parsed.flags.f && error.errno === ENOENT) continue;
        io.err("rm: cannot remove '" + parsed.operands[i] + "': " + error.message + "\n");
        status = 1;
      }
    }
    return status;
  });

  command("touch", "create files or update their times (openat, utimensat)", async (sys, args, io) => {
    if (!args.length) throw new UsageError("touch: missing file operand");
    let status = 0;
    for (let i = 0; i < args.length; i++) {
      try {
        const fd = await sys.open(args[i], O_WRONLY | O_CREAT, 0o644);
        await sys.close(fd);
        // No times: both become "now". 32-bit asm-generic names the 64-bit-time call utimensat_time64.
        await sys.call(sys.nr.utimensat_time64 !== undefined ? "utimensat_time64" : "utimensat", AT_FDCWD, sys.arena.string(args[i]), 0, 0);
      } catch (error) {
        if (!(error instanceof SyscallError)) throw error;
        io.err("touch: cannot touch '" + args[i] + "': " + error.message + "\n");
        status = 1;
      }
    }
    return status;
  });

  command("cd", "change directory (chdir)", async (sys, args, io) => {
    const target = args[0] || "/";
    try {
      await sys.call("chdir", sys.arena.string(target));
    } catch (error) {
      if (!(error instanceof SyscallError)) throw error;
      io.err("cd: " + target + ": " + error.message + "\n");
      return 1;
    }
    return 0;
  });

  command("pwd", "print the working directory (getcwd)", async (sys, args, io) => {
    io.out((await sys.getcwd()) + "\n");
    return 0;
  });

  command("mount", "list mounts (/proc/mounts) or mount -t TYPE SOURCE DIR (mount)", async (sys, args, io) => {
    if (!args.length) {
      const mounts = await sys.readFile("/proc/mounts");
      mounts.split("\n").filter(Boolean).forEach((line) => {
        const fields = line.split(" ");
        io.out(fields[0] + " on " + fields[1] + " type " + fields[2] + " (" + fields[3] + ")\n");
      });
      return 0;
    }
    let type = null;
    const operands = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === "-t") type = args[++i];
      else operands.push(args[i]);
    }
    if (!type || operands.length !== 2) throw new UsageError("usage: mount [-t TYPE SOURCE DIRECTORY]");
    try {
      await sys.call("mount", sys.arena.string(operands[0]), sys.arena.string(operands[1]), sys.arena.string(type), 0, 0);
    } catch (error) {
      if (!(error instanceof SyscallError)) throw error;
      io.err("mount: " + operands[1] + ": " + error.message + "\n");
      return 32;
    }
    return 0;
  });

  command("uname", "print system information (uname; -a all, -s -n -r -v -m)", async (sys, args, io) => {
    const parsed = options("uname", args, "asnrvm");
    const names = await sys.uname();
    const order = [["s", "sysname"], ["n", "nodename"], ["r", "release"], ["v", "version"], ["m", "machine"]];
    let chosen = order.filter((pair) => { return parsed.flags.a || parsed.flags[pair[0]]; });
    if (!chosen.length) chosen = [order[0]];
    io.out(chosen.map((pair) => { return names[pair[1]]; }).join(" ") + "\n");
    return 0;
  });

  command("ps", "list processes and kernel threads (/proc/<pid>/stat, cmdline)", async (sys, args, io) => {
    const entries = await sys.listDirectory("/proc");
    const pids = entries
      .map((entry) => { return entry.name; })
      .filter((name) => { return /^[0-9]+$/.test(name); })
      .map(Number)
      .sort((a, b) => { return a - b; });
    io.out("  PID  PPID S COMMAND\n");
    for (let i = 0; i < pids.length; i++) {
      if (io.interrupted()) throw new SyscallError("ps", EINTR);
      let stat, commandLine;
      try {
        stat = await sys.readFile("/proc/" + pids[i] + "/stat");
        commandLine = await sys.readFile("/proc/" + pids[i] + "/cmdline");
      } catch (error) {
        if (error instanceof SyscallError && error.errno === ENOENT) continue; // it exited meanwhile
        throw error;
      }
      // "pid (comm) state ppid …": comm may itself contain spaces and parentheses.
      const open = stat.indexOf("(");
      const close = stat.lastIndexOf(")");
      const name = stat.slice(open + 1, close);
      const rest = stat.slice(close + 2).split(" ");
      const shown = commandLine ? commandLine.split("\0").filter(Boolean).join(" ") : "[" + name + "]";
      io.out(pad(pids[i], 5) + " " + pad(rest[1], 5) + " " + rest[0] + " " + shown + "\n");
    }
    return 0;
  });

  function meminfo(text) {
    const values = {};
    text.split("\n").forEach((line) => {
      const match = /^(\w+(?:\(\w+\))?):\s+(\d+)/.exec(line);
      if (match) values[match[1]] = Number(match[2]);
    });
    return values;
  }

  command("free", "memory use in KiB (/proc/meminfo)", async (sys, args, io) => {
    const m = meminfo(await sys.readFile("/proc/meminfo"));
    const cache = (m.Buffers || 0) + (m.Cached || 0) + (m.SReclaimable || 0);
    const used = m.MemTotal - m.MemFree - cache;
    const columns = [12, 12, 12, 12, 12, 12];
    const row = function (label, values) {
      return pad(label, 6, true) + values.map((value, index) => { return pad(value, columns[index]); }).join("") + "\n";
    };
    io.out(pad("", 6) + ["total", "used", "free", "shared", "buff/cache", "available"].map((title, index) => {
      return pad(title, columns[index]);
    }).join("") + "\n");
    io.out(row("Mem:", [m.MemTotal, used, m.MemFree, m.Shmem || 0, cache, m.MemAvailable || m.MemFree]));
    io.out(row("Swap:", [m.SwapTotal || 0, (m.SwapTotal || 0) - (m.SwapFree || 0), m.SwapFree || 0]));
    return 0;
  });

  command("dmesg", "the kernel log (syslog)", async (sys, args, io) => {
    const size = await sys.call("syslog", SYSLOG_ACTION_SIZE_BUFFER, 0, 0);
    const buffer = sys.arena.alloc(size);
    const length = await sys.call("syslog", SYSLOG_ACTION_READ_ALL, buffer, size);
    const text = Abi.decodeBytes(sys.module.HEAPU8, buffer, length);
    // Each record starts with its "<level>" prefix, which dmesg does not show.
    io.out(text.replace(/^<\d+>/gm, ""));
    if (text && !text.endsWith("\n")) io.out("\n");
    return 0;
  });

  command("date", "the time, UTC (clock_gettime)", async (sys, args, io) => {
    const now = await sys.clockGettime(CLOCK_REALTIME);
    const date = new Date(now.seconds * 1000);
    io.out(DAYS[date.getUTCDay()] + " " + MONTHS[date.getUTCMonth()] + " " + pad(date.getUTCDate(), 2) + " " +
      clockTime(date) + " UTC " + date.getUTCFullYear() + "\n");
    return 0;
  });

  command("sleep", "wait SECONDS (clock_nanosleep; Ctrl-C interrupts)", async (sys, args) => {
    const seconds = Number(args[0]);
    if (args.length !== 1 || !(seconds >= 0)) throw new UsageError("usage: sleep SECONDS");
    await sys.sleep(seconds);
    return 0;
  });

  command("uptime", "time since boot and load (/proc/uptime, /proc/loadavg)", async (sys, args, io) => {
    const up = Number((await sys.readFile("/proc/uptime")).split(" ")[0]);
    const load = (await sys.readFile("/proc/loadavg")).split(" ").slice(0, 3).join(", ");
    const now = await sys.clockGettime(CLOCK_REALTIME);
    const minutes = Math.floor(up / 60);
    let span = minutes >= 60 ? Math.floor(minutes / 60) + ":" + two(minutes % 60) : minutes + " min";
    if (minutes === 0) span = Math.floor(up) + " sec";
    io.out(" " + clockTime(new Date(now.seconds * 1000)) + " up " + span + ",  load average: " + load + "\n");
    return 0;
  });

  // A TCP round trip over the kernel's loopback: a server on one channel
  // accepts while a client on another connects, sends, and reads the echo.
  command("tcpecho", "TCP echo over 127.0.0.1: server and client on two kernel threads", async (sys, args, io, shell) => {
    const message = args.length ? args.join(" ") : "hello over loopback";
    const client = await shell.extraChannel();
    const clientSys = new Sys(sys.module, client, sys.arena);
    const address = sys.arena.alloc(Abi.SOCKADDR_IN_SIZE);
    const length = sys.arena.alloc(4);
    const listener = await sys.call("socket", AF_INET, SOCK_STREAM | O_CLOEXEC, 0);
    const fds = [listener];
    let served = null;
    try {
      Abi.encodeLoopback(sys.module, address, 0);
      await sys.call("bind", listener, address, Abi.SOCKADDR_IN_SIZE);
      await sys.call("listen", listener, 1);
      new DataView(sys.module.HEAPU8.buffer).setUint32(length, Abi.SOCKADDR_IN_SIZE, true);
      await sys.call("getsockname", listener, address, length);
      const port = Abi.decodePort(sys.module, address);
      io.out("server: listening on 127.0.0.1:" + port + "\n");

      // The server blocks in accept on this command's channel…
      served = (async function () {
        const connection = await sys.call("accept4", listener, 0, 0, O_CLOEXEC);
        fds.push(connection);
        const buffer = sys.arena.alloc(4096);
        const received = await sys.call("read", connection, buffer, 4096);
        await sys.call("write", connection, buffer, received);
        io.out("server: accepted a connection, echoed " + received + " bytes\n");
        await sys.call("close", connection);
      })();
      // …while the client connects from another kernel thread.
      const socket = await clientSys.call("socket", AF_INET, SOCK_STREAM | O_CLOEXEC, 0);
      fds.push(socket);
      const target = sys.arena.alloc(Abi.SOCKADDR_IN_SIZE);
      Abi.encodeLoopback(sys.module, target, port);
      await clientSys.call("connect", socket, target, Abi.SOCKADDR_IN_SIZE);
      io.out("client: connected to 127.0.0.1:" + port + "\n");
      const bytes = new TextEncoder().encode(message);
      await clientSys.writeAll(socket, bytes);
      const reply = sys.arena.alloc(4096);
      let got = 0;
      while (got < bytes.length) {
        const count = await clientSys.call("read", socket, reply + got, 4096 - got);
        if (count === 0) break;
        got += count;
      }
      await served;
      io.out("client: received \"" + Abi.decodeBytes(sys.module.HEAPU8, reply, got) + "\"\n");
      return got === bytes.length ? 0 : 1;
    } catch (error) {
      // Do not leave the server blocked in accept on the command's channel.
      if (served) {
        served.catch(() => {});
        shell.channel.interrupt();
      }
      throw error;
    } finally {
      for (let i = 0; i < fds.length; i++) await sys.module.lkljs.syscall(sys.nr.close, fds[i], 0, 0, 0, 0, 0);
    }
  });

  command("clear", "clear the terminal", async (sys, args, io) => {
    io.err("\x1b[H\x1b[2J\x1b[3J");
    return 0;
  });

  command("history", "the commands typed so far", async (sys, args, io, shell) => {
    shell.history().forEach((line, index) => {
      io.out(pad(index + 1, 5) + "  " + line + "\n");
    });
    return 0;
  });

  command("halt", "stop the kernel (reboot(LINUX_REBOOT_CMD_HALT))", async (sys, args, io, shell) => {
    io.out("Halting the kernel…\n");
    await shell.halt();
    return 0;
  });

  // `module` is the booted Emscripten Module; `write` puts text on the
  // terminal; `history()` lists the line editor's history; `halt()` stops the kernel.
  class Shell {
    constructor(module, write, hooks) {
      useKernel(module);
      this.module = module;
      this.write = write;
      this.hooks = hooks;
      this.channel = null;
      this.extra = null;
      this.running = null;
      this.hostname = "lkljs";
    }

    async start() {
      this.channel = await this.module.lkljs.channel();
      const arena = new Abi.Arena(this.module);
      try {
        const names = await new Sys(this.module, this.channel, arena).uname();
        if (names.nodename && names.nodename !== "(none)") this.hostname = names.nodename;
      } finally {
        arena.release();
      }
    }

    async extraChannel() {
      if (!this.extra) this.extra = await this.module.lkljs.channel();
      return this.extra;
    }

    async prompt() {
      const arena = new Abi.Arena(this.module);
      let cwd = "?";
      try {
        cwd = await new Sys(this.module, this.channel, arena).getcwd();
      } catch (error) {
        if (!(error instanceof SyscallError)) throw error;
      } finally {
        arena.release();
      }
      return "\x1b[1;32mroot@" + this.hostname + "\x1b[0m:\x1b[1;34m" + cwd + "\x1b[0m# ";
    }

    history() {
      return this.hooks.history();
    }

    halt() {
      return this.hooks.halt();
    }

    // Runs one command line; resolves with its exit status when it is done.
    async execute(line) {
      const shell = this;
      const write = this.write;
      let parsed;
      try {
        parsed = parse(line);
      } catch (error) {
        write("sh: " + error.message + "\n");
        return 2;
      }
      if (!parsed.words.length) return 0;
      const name = parsed.words[0];
      const run = COMMANDS[name];
      if (!run) {
        write("sh: " + name + ": command not found (type help)\n");
        return 127;
      }
      const arena = new Abi.Arena(this.module);
      const sys = new Sys(this.module, this.channel, arena);
      const state = { interrupted: false };
      this.running = state;
      let redirectFd = null;
      let pending = Promise.resolve();
      const io = {
        out: write,
        err: write,
        interrupted() { return state.interrupted; }
      };
      try {
        if (parsed.redirect) {
          const flags = O_WRONLY | O_CREAT | (parsed.redirect.append ? O_APPEND : O_TRUNC);
          try {
            redirectFd = await sys.open(parsed.redirect.path, flags, 0o644);
          } catch (error) {
            if (!(error instanceof SyscallError)) throw error;
            write("sh: " + parsed.redirect.path + ": " + error.message + "\n");
            return 1;
          }
          const encoder = new TextEncoder();
          // Writes are chained so the file receives the output in order.
          io.out = function (text) {
            pending = pending.then(() => { return sys.writeAll(redirectFd, encoder.encode(text)); });
          };
        }
        const status = await run(sys, parsed.words.slice(1), io, shell);
        await pending;
        return status;
      } catch (error) {
        if (error instanceof SyscallError) {
          if (error.errno === EINTR && state.interrupted) return 130;
          write(name + ": " + error.call + ": " + error.message + "\n");
          return 1;
        }
        if (error instanceof UsageError) {
          write(error.message + "\n");
          return 2;
        }
        throw error;
      } finally {
        this.running = null;
        if (redirectFd !== null) {
          await pending.catch(() => {});
          await sys.close(redirectFd).catch(() => {});
        }
        arena.release();
      }
    }

    // Ctrl-C: the blocking call on the command's channels returns -EINTR.
    interrupt() {
      if (!this.running) return;
      this.running.interrupted = true;
      this.channel.interrupt();
      if (this.extra) this.extra.interrupt();
    }
  }

  Shell.commands = function () {
    return Object.keys(COMMANDS).sort();
  };
  Shell.parse = parse;

  window.LkljsShell = Shell;
})();
