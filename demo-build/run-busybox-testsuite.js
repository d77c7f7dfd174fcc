// SPDX-License-Identifier: GPL-2.0-only
//
// Runs BusyBox's own testsuite (testsuite/runtest from the source package)
// inside the kernel, under node:
//
//   node --no-experimental-fetch run-busybox-testsuite.js KERNEL_OUT BUSYBOX_OUT [APPLET...]
//
// KERNEL_OUT holds boot.js and userland.cpio (build-kernel.sh's --out);
// BUSYBOX_OUT holds testsuite/ and config.txt (build-busybox.sh's --out).
// The testsuite goes into the root file system as a second archive after
// userland.cpio, laid out as runtest expects a build tree: /opt/busybox/
// holds `busybox` (a link to /bin/busybox, the binary under test) and
// `.config` (which runtest and the tests read to skip what is not built),
// and /opt/busybox/testsuite/ the scripts. The host's process then starts
// `sh -c 'cd /opt/busybox/testsuite && ./runtest -v [APPLET...]'` (hush
// runs the scripts) and copies its output here, line by line: runtest's
// own `PASS: name`, `FAIL: name`, `SKIPPED: name` and `UNTESTED: name`
// lines, with -v the details of each failure, the kernel log prefixed with
// "# ", and "@@testsuite exit N" (runtest's wait4 status). Then it times
// processes and measures their memory ("@@figure NAME VALUE" lines, see
// measureProcesses) and halts the machine. Node's exit status is 0 once
// all of it ran, whatever the testsuite found; 1 if something could not
// be run (or runtest printed nothing for STALL_SECONDS).
"use strict";
const path = require("path");
const fs = require("fs");
const { bootUnderNode } = require("./node-boot.js");

// With --figures-only, the testsuite is left out (and BUSYBOX_OUT with it):
// `cargo bench --bench processes` boots a build several times this way.
const figuresOnly = process.argv[2] === "--figures-only";
const [kernelOut, busyboxOut, ...applets] = process.argv.slice(figuresOnly ? 3 : 2);
if (!kernelOut || !fs.existsSync(path.join(kernelOut, "boot.js")) ||
    (!figuresOnly && !(busyboxOut && fs.existsSync(path.join(busyboxOut, "testsuite", "runtest"))))) {
  console.error("usage: node --no-experimental-fetch run-busybox-testsuite.js KERNEL_OUT BUSYBOX_OUT [APPLET...]");
  console.error("       node --no-experimental-fetch run-busybox-testsuite.js --figures-only KERNEL_OUT");
  console.error("(KERNEL_OUT with boot.js and userland.cpio, BUSYBOX_OUT with testsuite/runtest and config.txt)");
  process.exit(2);
}
const TREE = "/opt/busybox";
const MTIME = Number(process.env.SOURCE_DATE_EPOCH || 1670716800);
const ENVIRONMENT = ["PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/root", "TERM=dumb", "LC_ALL=C", "TZ=UTC"];

// The testsuite as a "newc" cpio archive (the format the kernel unpacks):
// every directory, file and link under BUSYBOX_OUT/testsuite with its mode,
// in a sorted order, so the archive depends only on the files.
function newcArchive(entries) {
  const parts = [];
  let size = 0;
  const push = (buffer) => {
    parts.push(buffer);
    size += buffer.length;
  };
  const pad = () => {
    if (size % 4) push(Buffer.alloc(4 - (size % 4)));
  };
  entries.concat([{ name: "TRAILER!!!", mode: 0, data: Buffer.alloc(0) }]).forEach((entry, index) => {
    const fields = [index + 1, entry.mode, 0, 0, entry.mode & 0o040000 ? 2 : 1, MTIME, entry.data.length,
      0, 0, 0, 0, Buffer.byteLength(entry.name) + 1, 0];
    push(Buffer.from("070701" + fields.map((field) => field.toString(16).padStart(8, "0")).join("") +
      entry.name + "\0", "latin1"));
    pad();
    push(entry.data);
    pad();
  });
  return Buffer.concat(parts);
}

function testsuiteEntries() {
  const directory = (name) => ({ name, mode: 0o040755, data: Buffer.alloc(0) });
  const entries = [directory("opt"), directory(TREE.slice(1)),
    { name: TREE.slice(1) + "/busybox", mode: 0o120777, data: Buffer.from("/bin/busybox") },
    { name: TREE.slice(1) + "/.config", mode: 0o100644, data: fs.readFileSync(path.join(busyboxOut, "config.txt")) }];
  const walk = (from, to) => {
    entries.push(directory(to));
    for (const name of fs.readdirSync(from).sort()) {
      const source = path.join(from, name);
      const stat = fs.lstatSync(source);
      if (stat.isDirectory()) {
        walk(source, `${to}/${name}`);
      } else if (stat.isSymbolicLink()) {
        entries.push({ name: `${to}/${name}`, mode: 0o120777, data: Buffer.from(fs.readlinkSync(source)) });
      } else {
        entries.push({ name: `${to}/${name}`, mode: 0o100000 | (stat.mode & 0o777), data: fs.readFileSync(source) });
      }
    }
  };
  walk(path.join(busyboxOut, "testsuite"), TREE.slice(1) + "/testsuite");
  return entries;
}

function cString(text) {
  const bytes = Buffer.from(text + "\0", "utf8");
  const pointer = Module._malloc(bytes.length);
  Module.HEAPU8.set(bytes, pointer);
  return pointer;
}

// Starts ARGV[0] (a path) with /dev/null as standard input and a pipe as
// standard output and error, passes each line it writes to onLine, reaps it
// and returns { status (raw wait4 status), milliseconds (host clock, spawn
// to reap) }.
async function run(argv, onLine = () => {}) {
  const lkljs = Module.lkljs;
  const { nr, fcntl } = lkljs;
  const devNull = cString("/dev/null");
  const stdin = await lkljs.syscall(nr.openat, -100, devNull, fcntl.O_RDONLY, 0);
  Module._free(devNull);
  const fds = Module._malloc(8);
  if (stdin < 0 || await lkljs.syscall(nr.pipe2, fds, fcntl.O_CLOEXEC) < 0) throw new Error("cannot open /dev/null or a pipe");
  const readEnd = Module.HEAP32[fds >> 2];
  const writeEnd = Module.HEAP32[(fds >> 2) + 1];
  Module._free(fds);
  const started = performance.now();
  const pid = await lkljs.spawn(argv[0], argv, ENVIRONMENT, [stdin, writeEnd, writeEnd]);
  await lkljs.syscall(nr.close, writeEnd);
  await lkljs.syscall(nr.close, stdin);
  if (pid < 0) throw new Error(`spawn of ${argv[0]} failed: ${pid}`);
  const buffer = Module._malloc(4096);
  let pending = "";
  for (let got; (got = await lkljs.syscall(nr.read, readEnd, buffer, 4096)) > 0;) {
    pending += Buffer.from(Module.HEAPU8.slice(buffer, buffer + got)).toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop();
    lines.forEach(onLine);
  }
  if (pending) onLine(pending);
  Module._free(buffer);
  await lkljs.syscall(nr.close, readEnd);
  const statusPointer = Module._malloc(4);
  const reaped = await lkljs.syscall(nr.wait4, pid, statusPointer, 0, 0);
  const status = Module.HEAP32[statusPointer >> 2];
  Module._free(statusPointer);
  if (reaped !== pid) throw new Error(`wait4 for ${argv[0]} failed: ${reaped}`);
  return { status, milliseconds: performance.now() - started };
}

// runtest, its lines copied to stdout. A progress line every 50 cases; a
// testsuite that prints nothing for STALL_SECONDS ends the run.
const STALL_SECONDS = 600;
async function runTestsuite() {
  let cases = 0, lastLineAt = Date.now(), lastLine = "(none yet)";
  const watchdog = setInterval(() => {
    if (Date.now() - lastLineAt > STALL_SECONDS * 1000) {
      console.log(`@@error runtest printed nothing for ${STALL_SECONDS} s after the line: ${lastLine}`);
      process.exit(1);
    }
  }, 1000);
  const script = `cd ${TREE}/testsuite && exec ./runtest -v ${applets.join(" ")}`;
  const { status } = await run(["/bin/sh", "-c", script], (line) => {
    console.log(line);
    lastLineAt = Date.now();
    lastLine = line;
    if (/^(PASS|FAIL|SKIPPED|UNTESTED): /.test(line) && ++cases % 50 === 0) {
      console.log(`@@lkljs step busybox testsuite, ${cases} cases`);
    }
  });
  clearInterval(watchdog);
  console.log(`@@testsuite exit ${status}`);
}

// What processes cost, measured in the same boot once the testsuite is
// done: "@@figure NAME VALUE" lines (medians; times on the host's clock).
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const figure = (name, value) => console.log(`@@figure ${name} ${Number(value.toFixed(3))}`);
async function timed(argv, rounds) {
  const times = [];
  for (let round = 0; round < rounds; round++) {
    const { status, milliseconds } = await run(argv);
    if (status !== 0) throw new Error(`${argv.join(" ")} exited with status ${status}`);
    times.push(milliseconds);
  }
  return median(times);
}
async function output(argv) {
  const lines = [];
  const { status } = await run(argv, (line) => lines.push(line));
  if (status !== 0) throw new Error(`${argv.join(" ")} exited with status ${status}: ${lines.join("\n")}`);
  return lines;
}
const CONCURRENT = 30;
async function measureProcesses() {
  console.log("@@lkljs step process figures");
  figure("spawn_exec_wait_true_ms", await timed(["/bin/true"], 9));
  figure("sh_c_true_ms", await timed(["/bin/sh", "-c", "true"], 9));
  const loop = 20;
  figure("sh_clone_exec_wait_ms",
    await timed(["/bin/sh", "-c", `for i in $(seq ${loop}); do /bin/true; done`], 5) / loop);
  figure("sh_pipeline_3_ms", await timed(["/bin/sh", "-c", "echo hi | tr a-z A-Z | wc -c >/dev/null"], 9));
  const calls = [];
  for (let round = 0; round < 5; round++) {
    const [line] = await output(["/bin/lkljs-syscall-loop", "10000"]);
    const match = /^(\d+) calls in (\d+) ns/.exec(line || "");
    if (!match) throw new Error(`lkljs-syscall-loop printed: ${line}`);
    calls.push(Number(match[2]) / Number(match[1]) / 1000);
  }
  figure("program_syscall_round_trip_us", median(calls));
  // A system call through Module.lkljs, as the page makes them: from the
  // main thread to a channel's host thread, which runs it as its kernel
  // task, and back to the main thread (getpid, each awaited in turn).
  const { lkljs } = Module;
  const apiCalls = [];
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let call = 0; call < 200; call++) await lkljs.syscall(lkljs.nr.getpid);
    apiCalls.push((performance.now() - start) * 1000 / 200);
  }
  figure("js_api_syscall_round_trip_us", median(apiCalls));
  // Memory: CONCURRENT sleeps at once, each a process with its own wasm
  // memory and host thread; the kernel's free memory and node's resident
  // memory before and while they all run.
  const memFree = (lines) => Number(/MemFree:\s+(\d+)/.exec(lines.join("\n"))[1]);
  const [total] = (await output(["/bin/sh", "-c", "grep MemTotal /proc/meminfo"])).map((l) => Number(/(\d+)/.exec(l)[1]));
  const idleFree = memFree(await output(["/bin/sh", "-c", "grep MemFree /proc/meminfo"]));
  const idleRss = process.memoryUsage().rss;
  let running = 0, busyFree = 0, busyRss = 0;
  await run(["/bin/sh", "-c", `pids=; for i in $(seq ${CONCURRENT}); do /bin/sleep 60 & pids="$pids $!"; done
    n=0; tries=0
    while [ $n -lt ${CONCURRENT} ] && [ $tries -lt 200 ]; do n=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -c '^sleep$'); tries=$((tries + 1)); done
    echo "running $n"; grep MemFree /proc/meminfo; kill $pids; wait`], (line) => {
    if (line.startsWith("running ")) {
      running = Number(line.slice(8));
      busyRss = process.memoryUsage().rss;
    }
    if (line.startsWith("MemFree:")) busyFree = memFree([line]);
  });
  figure("concurrent_processes_started", CONCURRENT);
  figure("concurrent_processes_running", running);
  figure("kernel_mem_total_kib", total);
  figure("kernel_mem_free_idle_kib", idleFree);
  // The shell and the sleeps: CONCURRENT + 1 processes.
  const kernelKib = (idleFree - busyFree) / (CONCURRENT + 1);
  figure("kernel_kib_per_process", kernelKib);
  figure("processes_fitting_kernel_memory", Math.floor(idleFree / kernelKib));
  // Node's resident memory, idle and with them all running: absolute figures,
  // since garbage collection and the reuse of pooled workers make a
  // difference between the two too noisy to divide per process.
  figure("host_rss_mib_idle", idleRss / 1048576);
  figure("host_rss_mib_with_concurrent_processes", busyRss / 1048576);
}

// Pipe throughput between two processes, each byte copied from the writer's
// memory into the kernel and out into the reader's: `dd | cat` (PIPE_MIB
// MiB), and the issue's own example, `dd bs=1M count=8 | wc -c`, whose count
// is checked. A round's rate rests on how soon the host's threads wake one
// another, which the machine's load sways, so each is PIPE_ROUNDS rounds:
// the median, with the slowest and fastest round as NAME_min and NAME_max.
const PIPE_ROUNDS = 15;
const PIPE_MIB = 32;
async function pipeRate(name, script, mib, expected) {
  const rates = [];
  for (let round = 0; round < PIPE_ROUNDS; round++) {
    const lines = [];
    const { status, milliseconds } = await run(["/bin/sh", "-c", script], (line) => lines.push(line));
    if (status !== 0 || lines.join("\n") !== expected) {
      throw new Error(`${script} exited with status ${status} and printed ${JSON.stringify(lines)}, not ${JSON.stringify(expected)}`);
    }
    rates.push(mib / (milliseconds / 1000));
  }
  figure(name, median(rates));
  figure(`${name}_min`, Math.min(...rates));
  figure(`${name}_max`, Math.max(...rates));
}
async function measurePipes() {
  console.log("@@lkljs step pipe throughput");
  await pipeRate("pipe_mib_per_second",
    `dd if=/dev/zero bs=65536 count=${PIPE_MIB * 16} 2>/dev/null | cat >/dev/null`, PIPE_MIB, "");
  await pipeRate("dd_1m_wc_c_mib_per_second", "dd if=/dev/zero bs=1M count=8 2>/dev/null | wc -c", 8, String(8 << 20));
}

// A file of the kernel's read by the host through system calls, so that
// reading it starts no process.
async function kernelFile(name) {
  const { lkljs } = Module;
  const { nr, fcntl } = lkljs;
  const pathname = cString(name);
  const fd = await lkljs.syscall(nr.openat, -100, pathname, fcntl.O_RDONLY, 0);
  Module._free(pathname);
  if (fd < 0) throw new Error(`cannot open ${name}: ${fd}`);
  const buffer = Module._malloc(4096);
  const chunks = [];
  for (let got; (got = await lkljs.syscall(nr.read, fd, buffer, 4096)) > 0;) {
    chunks.push(Buffer.from(Module.HEAPU8.slice(buffer, buffer + got)));
  }
  Module._free(buffer);
  await lkljs.syscall(nr.close, fd);
  return Buffer.concat(chunks).toString("utf8");
}

// Memory across many processes (issue 10: "host memory after 1,000 spawns
// ... must not grow without bound"): the host spawns /bin/true, which execs,
// exits and is reaped, one after the other; after each count in
// SPAWN_CHECKPOINTS, node's resident memory, the kernel's wasm memory and
// the kernel's MemFree. Each program has its own wasm memory and runs on a
// pooled worker, so a memory or worker kept after its exit would show here.
const SPAWN_CHECKPOINTS = [0, 250, 500, 1000];
async function measureMemoryAcrossSpawns() {
  console.log("@@lkljs step host memory across 1,000 spawns");
  let spawned = 0;
  for (const checkpoint of SPAWN_CHECKPOINTS) {
    for (; spawned < checkpoint; spawned++) {
      const { status } = await run(["/bin/true"]);
      if (status !== 0) throw new Error(`/bin/true exited with status ${status} (spawn ${spawned + 1})`);
    }
    const memFree = Number(/MemFree:\s+(\d+)/.exec(await kernelFile("/proc/meminfo"))[1]);
    figure(`host_rss_mib_after_${checkpoint}_spawns`, process.memoryUsage().rss / 1048576);
    figure(`kernel_wasm_memory_mib_after_${checkpoint}_spawns`, Module.HEAPU8.buffer.byteLength / 1048576);
    figure(`kernel_mem_free_kib_after_${checkpoint}_spawns`, memFree);
  }
}

// An exec of a program whose module the worker has compiled already
// (BusyBox: the shell ran in that worker, and an exec keeps the task's
// thread): a chain of `exec sh -c` links in one process, less the same
// command with no link, per link. A link is the exec (the kernel finds the
// module in the worker's cache), BusyBox's new instance and memory, and
// hush's start-up.
const EXEC_CHAIN = 'if [ "$1" -gt 0 ]; then exec /bin/sh -c "$0" "$0" $(($1 - 1)); fi';
async function measureCompiledExec() {
  const links = 40;
  const chain = (count) => timed(["/bin/sh", "-c", EXEC_CHAIN, EXEC_CHAIN, String(count)], 7);
  const none = await chain(0);
  figure("exec_compiled_busybox_ms", (await chain(links) - none) / links);
}

async function main() {
  if (!figuresOnly) await runTestsuite();
  await measureProcesses();
  await measurePipes();
  await measureMemoryAcrossSpawns();
  await measureCompiledExec();
  Module.lkljs.halt();
}

const userland = fs.readFileSync(path.join(kernelOut, "userland.cpio"));
// Archives follow one another at 512-byte boundaries, as the host places the
// built-in one and userland.cpio; the kernel skips the zeros between them.
const padding = Buffer.alloc((512 - (userland.length % 512)) % 512);
bootUnderNode(kernelOut, {
  lkljsUserland: figuresOnly ? userland : Buffer.concat([userland, padding, newcArchive(testsuiteEntries())]),
}, main);
