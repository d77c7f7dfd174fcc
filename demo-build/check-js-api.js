// SPDX-License-Identifier: GPL-2.0-only
// Checks Module.lkljs (contract B) under node against a built boot.js:
//
//   node --no-experimental-fetch demo-build/check-js-api.js OUT
//
// Boots with Module.lkljsKeepRunning, waits for Module.lkljsReady, then makes
// real system calls from JavaScript: getpid, uname, files shared between
// channels, an interrupted blocking read, a wasm program started with
// Module.lkljs.spawn, and finally Module.lkljs.halt().
// Prints one "ok"/"not ok" line per check; exit status 0 only if all pass
// and the kernel halted cleanly.
"use strict";
const path = require("path");
const fs = require("fs");
const vm = require("vm");

const outDir = process.argv[2];
if (!outDir || !fs.existsSync(path.join(outDir, "boot.js"))) {
  console.error("usage: node --no-experimental-fetch check-js-api.js OUT (the directory holding boot.js)");
  process.exit(2);
}
const boot = path.resolve(outDir, "boot.js");
let failures = 0;
let halted = false;

function check(ok, what, detail) {
  console.log((ok ? "ok - " : "not ok - ") + what + (ok || detail === undefined ? "" : " # " + detail));
  if (!ok) failures++;
}

function cString(text) {
  const bytes = Buffer.from(text + "\0", "utf8");
  const pointer = Module._malloc(bytes.length);
  Module.HEAPU8.set(bytes, pointer);
  return pointer;
}

function readCString(pointer, max) {
  const bytes = Module.HEAPU8.subarray(pointer, pointer + max);
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.subarray(0, end < 0 ? max : end)).toString("utf8");
}

async function run() {
  const lkljs = Module.lkljs;
  const nr = lkljs.nr;
  check(Object.isFrozen(nr) && nr.getpid === 172 && nr.openat === 56, "nr holds the asm-generic numbers", JSON.stringify({ getpid: nr.getpid, openat: nr.openat }));
  const { errno, fcntl } = lkljs;
  check(Object.isFrozen(errno) && errno.ENOENT === 2 && errno.EAGAIN === 11, "errno holds the asm-generic values", JSON.stringify({ ENOENT: errno.ENOENT, EAGAIN: errno.EAGAIN }));
  check(Object.isFrozen(fcntl) && fcntl.AT_FDCWD === -100 && fcntl.O_CREAT === 0o100 && fcntl.O_CLOEXEC === 0o2000000, "fcntl holds the asm-generic O_* and AT_* flags", JSON.stringify({ AT_FDCWD: fcntl.AT_FDCWD, O_CREAT: fcntl.O_CREAT, O_CLOEXEC: fcntl.O_CLOEXEC }));

  // The calls run in the host's process, lkljs-host, which the kernel
  // started for /init (PID 1) as a helper: a child of kthreadd (PID 2).
  const hostPid = await lkljs.syscall(nr.getpid);
  const hostParent = await lkljs.syscall(nr.getppid);
  check(hostPid > 1 && hostParent === 2, "getpid is the host's process, a child of kthreadd", JSON.stringify({ hostPid, hostParent }));

  const uts = Module._malloc(6 * 65);
  const unameResult = await lkljs.syscall(nr.uname, uts);
  const sysname = readCString(uts, 65), release = readCString(uts + 2 * 65, 65);
  check(unameResult === 0 && sysname === "Linux" && release.startsWith("6.1."), "uname reports Linux 6.1", `${unameResult} ${sysname} ${release}`);
  console.log(`# uname: ${sysname} ${readCString(uts + 65, 65)} ${release} ${readCString(uts + 4 * 65, 65)}`);
  Module._free(uts);

  check(await lkljs.syscall(nr.openat, -100, cString("/nonexistent"), 0) === -2, "a failing openat returns -ENOENT");

  // One file table for every channel: an fd opened on one works on another.
  const other = await lkljs.channel();
  const pathname = cString("/tmp/js-api.txt");
  const fd = await other.syscall(nr.openat, -100, pathname, 0o1102 /* O_CREAT|O_RDWR|O_TRUNC */, 0o644);
  const text = cString("from JavaScript\n");
  const written = await lkljs.syscall(nr.write, fd, text, 16);
  const position = Module._malloc(8);
  await other.syscall(nr.llseek, fd, 0, 0, position, 0);
  const buffer = Module._malloc(32);
  const count = await other.syscall(nr.read, fd, buffer, 32);
  check(fd >= 3 && written === 16 && count === 16 && readCString(buffer, count) === "from JavaScript\n", "an fd opened on one channel is used on another", `fd ${fd} wrote ${written} read ${count}`);
  await lkljs.syscall(nr.close, fd);

  // A blocking read on a pipe, cut short by channel.interrupt().
  const fds = Module._malloc(8);
  check(await lkljs.syscall(nr.pipe2, fds, 0) === 0, "pipe2");
  const readEnd = Module.HEAP32[fds >> 2], writeEnd = Module.HEAP32[(fds >> 2) + 1];
  const blocked = other.syscall(nr.read, readEnd, buffer, 1);
  let settled = false;
  blocked.then(() => { settled = true; });
  await new Promise((resolve) => setTimeout(resolve, 200));
  check(!settled, "a read on an empty pipe blocks without blocking the main thread");
  other.interrupt();
  check(await blocked === -4, "channel.interrupt() makes it return -EINTR");
  // Calls on one channel run in order.
  const ordered = await Promise.all([
    other.syscall(nr.write, writeEnd, text, 4),
    other.syscall(nr.read, readEnd, buffer, 4),
  ]);
  check(ordered[0] === 4 && ordered[1] === 4, "calls on one channel run in order", JSON.stringify(ordered));
  await lkljs.syscall(nr.close, readEnd);
  await lkljs.syscall(nr.close, writeEnd);
  await other.close();
  let closedRejects = false;
  await other.syscall(nr.getpid).catch(() => { closedRejects = true; });
  check(closedRejects, "a closed channel rejects calls");

  // Several channels at once.
  const channels = await Promise.all([1, 2, 3, 4].map(() => lkljs.channel()));
  const pids = await Promise.all(channels.map((channel) => channel.syscall(nr.getpid)));
  const tids = await Promise.all(channels.map((channel) => channel.syscall(nr.gettid)));
  check(pids.every((pid) => pid === hostPid) && new Set(tids).size === 4, "four channels are four threads of the host's process", JSON.stringify({ pids, tids }));
  await Promise.all(channels.map((channel) => channel.close()));

  // A wasm program as a child process of the host's, its output through a pipe.
  check(await lkljs.syscall(nr.pipe2, fds, 0o2000000 /* O_CLOEXEC */) === 0, "pipe2 for a program's output");
  const outRead = Module.HEAP32[fds >> 2], outWrite = Module.HEAP32[(fds >> 2) + 1];
  const child = await lkljs.spawn("/bin/lkljs-hello", ["lkljs-hello", "from-js"], ["LKLJS_GREETING=js"], [0, outWrite, 2]);
  await lkljs.syscall(nr.close, outWrite);
  let output = "";
  for (let got; (got = await lkljs.syscall(nr.read, outRead, buffer, 32)) > 0;) output += readCString(buffer, got);
  await lkljs.syscall(nr.close, outRead);
  const status = Module._malloc(4);
  const reaped = await lkljs.syscall(nr.wait4, child, status, 0, 0);
  const exitStatus = Module.HEAP32[status >> 2];
  check(child > 1 && reaped === child && exitStatus === 42 << 8 && output.includes("argv[1]=from-js\nLKLJS_GREETING=js\n"),
    "Module.lkljs.spawn runs a program that wait4 reaps", JSON.stringify({ child, reaped, exitStatus, output }));
  check(await lkljs.spawn("/no/such/program") === -2, "Module.lkljs.spawn of a missing program resolves to -ENOENT");
  Module._free(status);

  console.log(`# ${failures} check(s) failed; halting`);
  lkljs.halt();
}

// boot.js (Emscripten's runtime) takes its Module from the global scope.
const Module = {
  lkljsKeepRunning: true,
  lkljsCommandLine: "console=lkljs0 quiet",
  lkljsConsole(line) {
    if (/reboot: System halted$/.test(line)) halted = true;
    console.log("# " + line);
  },
  lkljsReady() {
    run().catch((error) => {
      check(false, "the checks ran to the end", error && error.stack);
      process.exit(1);
    });
  },
  onExit(status) {
    check(status === 0 && halted, "Module.lkljs.halt() halts the kernel", `exit status ${status}`);
    process.exit(failures ? 1 : 0);
  },
};
global.Module = Module;
global.require = require;
global.__filename = boot;
global.__dirname = path.dirname(boot);
vm.runInThisContext(fs.readFileSync(boot, "utf8"), { filename: boot });
