// SPDX-License-Identifier: GPL-2.0-only
//
// fake-kernel.js: a STAND-IN for the kernel's exec, to test the libc on its
// own before the real loader exists. It does what the user ABI
// (demo-build/README.md) says the kernel does, in the smallest way: checks
// the module's imports, creates its shared memory, appends pages holding
// the initial process block (argc, argv, envp, auxv and their strings),
// and calls _start(sp). Its lkljs.syscall answers a handful of calls by
// forwarding them to node (files are the host's); any other call is
// reported and answered -ENOSYS. The memory calls must never arrive: the
// libc answers them itself.
//
//   node --no-experimental-fetch fake-kernel.js SYSROOT PROGRAM.wasm [ARG...]
//
// SYSROOT is the libc's install directory: the system call numbers are read
// from its include/bits/syscall.h, the same numbers the program uses. The
// program gets PROGRAM.wasm as argv[0], the ARGs, and this process's
// environment. Exit status: the program's, or 128 + the signal a trap
// would bring (SIGILL for unreachable, SIGSEGV for any other).
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const [sysroot, programPath, ...programArgs] = process.argv.slice(2);
if (!sysroot || !programPath) {
  process.stderr.write('usage: node fake-kernel.js SYSROOT PROGRAM.wasm [ARG...]\n');
  process.exit(2);
}

const nr = {};
const names = {};
for (const line of fs.readFileSync(path.join(sysroot, 'include/bits/syscall.h'), 'utf8').split('\n')) {
  const match = /^#define SYS_(\w+) (\d+)$/.exec(line);
  if (match) {
    nr[match[1]] = Number(match[2]);
    names[match[2]] ??= match[1];
  }
}

const WASM_PAGE = 65536;
const errno = { EPERM: 1, ENOENT: 2, EBADF: 9, ECHILD: 10, EACCES: 13, EFAULT: 14, EEXIST: 17, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENOTTY: 25, ENOSYS: 38 };

// The memory import's limits, from the module's import section.
function memoryImport(bytes) {
  let at = 8;
  const leb = () => {
    let result = 0, shift = 0, byte;
    do { byte = bytes[at++]; result += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return result;
  };
  const name = () => { const length = leb(); const text = Buffer.from(bytes.subarray(at, at + length)).toString(); at += length; return text; };
  const limits = () => { const flags = bytes[at++]; const initial = leb(); const maximum = flags & 1 ? leb() : undefined; return { shared: !!(flags & 2), initial, maximum }; };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id !== 2) { at = end; continue; }
    for (let count = leb(); count > 0; count--) {
      const module = name(), field = name(), kind = bytes[at++];
      if (kind === 0) leb();
      else if (kind === 1) { at++; limits(); }
      else if (kind === 2) { const memory = limits(); if (module === 'env' && field === 'memory') return memory; }
      else if (kind === 3) at += 2;
    }
    at = end;
  }
  return null;
}

const bytes = new Uint8Array(fs.readFileSync(programPath));
const program = new WebAssembly.Module(bytes);
for (const { module: from, name, kind } of WebAssembly.Module.imports(program)) {
  const allowed = (from === 'env' && name === 'memory' && kind === 'memory') || (from === 'lkljs' && name === 'syscall' && kind === 'function');
  if (!allowed) throw new Error(`${programPath}: import ${from}.${name} (${kind}) is not in the ABI (ENOEXEC)`);
}
const limits = memoryImport(bytes);
if (!limits || !limits.shared || limits.maximum === undefined) throw new Error(`${programPath}: no shared env.memory import with a maximum (ENOEXEC)`);
const memory = new WebAssembly.Memory({ initial: limits.initial, maximum: limits.maximum, shared: true });
const u8 = () => new Uint8Array(memory.buffer);
const view = () => new DataView(memory.buffer);
const cString = (pointer) => { const all = u8(); let end = pointer; while (all[end]) end++; return Buffer.from(all.subarray(pointer, end)).toString(); };

// The initial process block, in pages appended to the module's memory.
function initialBlock(argv, envp) {
  const strings = [...argv, ...envp].map((text) => Buffer.from(text + '\0'));
  const auxv = [[6, 4096], [25, 'random'], [31, 'execfn'], [11, 0], [12, 0], [13, 0], [14, 0], [23, 0], [0, 0]];
  const words = 1 + argv.length + 1 + envp.length + 1 + auxv.length * 2;
  const size = words * 4 + 16 + strings.reduce((sum, text) => sum + text.length, 0);
  const base = memory.grow(Math.ceil(size / WASM_PAGE)) * WASM_PAGE;
  let stringAt = base + words * 4;
  const random = stringAt;
  u8().set(crypto.randomBytes(16), random);
  stringAt += 16;
  const pointers = strings.map((text) => { const at = stringAt; u8().set(text, at); stringAt += text.length; return at; });
  const data = view();
  let word = base;
  const put = (value) => { data.setUint32(word, value, true); word += 4; };
  put(argv.length);
  pointers.slice(0, argv.length).forEach(put);
  put(0);
  pointers.slice(argv.length).forEach(put);
  put(0);
  for (const [type, value] of auxv) {
    put(type);
    put(value === 'random' ? random : value === 'execfn' ? pointers[0] : value);
  }
  return base;
}

class Exit { constructor(status) { this.status = status; } }

const files = new Map([[0, 0], [1, 1], [2, 2]]);
let nextFd = 3;
const hostError = (error) => -(errno[error.code] ?? errno.EINVAL);
function openFlags(flags) {
  let result = flags & 3;
  if (flags & 0o100) result |= fs.constants.O_CREAT;
  if (flags & 0o200) result |= fs.constants.O_EXCL;
  if (flags & 0o1000) result |= fs.constants.O_TRUNC;
  if (flags & 0o2000) result |= fs.constants.O_APPEND;
  if (flags & 0o200000) result |= fs.constants.O_DIRECTORY;
  return result;
}
const position = new Map();

const handlers = {
  set_tid_address: () => 1,
  // The stand-in runs one process: there is never a child to wait for.
  wait4: () => -errno.ECHILD,
  waitid: () => -errno.ECHILD,
  getpid: () => 1,
  ioctl: (fd) => (files.has(fd) ? -errno.ENOTTY : -errno.EBADF),
  exit: (status) => { throw new Exit(status & 0xff); },
  exit_group: (status) => { throw new Exit(status & 0xff); },
  write: (fd, buffer, count) => {
    if (!files.has(fd)) return -errno.EBADF;
    try { return fs.writeSync(files.get(fd), Buffer.from(u8().subarray(buffer, buffer + count))); } catch (error) { return hostError(error); }
  },
  writev: (fd, iov, count) => {
    let total = 0;
    for (let i = 0; i < count; i++) {
      const base = view().getUint32(iov + i * 8, true), length = view().getUint32(iov + i * 8 + 4, true);
      if (!length) continue;
      const written = handlers.write(fd, base, length);
      if (written < 0) return total || written;
      total += written;
      if (written < length) break;
    }
    return total;
  },
  read: (fd, buffer, count) => {
    if (!files.has(fd)) return -errno.EBADF;
    const host = Buffer.alloc(count);
    try {
      const at = fd > 2 ? position.get(fd) : null;
      const got = fs.readSync(files.get(fd), host, 0, count, at);
      if (fd > 2) position.set(fd, at + got);
      u8().set(host.subarray(0, got), buffer);
      return got;
    } catch (error) { return hostError(error); }
  },
  readv: (fd, iov, count) => {
    let total = 0;
    for (let i = 0; i < count; i++) {
      const base = view().getUint32(iov + i * 8, true), length = view().getUint32(iov + i * 8 + 4, true);
      if (!length) continue;
      const got = handlers.read(fd, base, length);
      if (got < 0) return total || got;
      total += got;
      if (got < length) break;
    }
    return total;
  },
  openat: (dirfd, pathname, flags, mode) => {
    try {
      const host = fs.openSync(cString(pathname), openFlags(flags), mode);
      const fd = nextFd++;
      files.set(fd, host);
      position.set(fd, 0);
      return fd;
    } catch (error) { return hostError(error); }
  },
  close: (fd) => {
    if (!files.has(fd)) return -errno.EBADF;
    if (fd > 2) fs.closeSync(files.get(fd));
    files.delete(fd);
    return 0;
  },
  // llseek(fd, offset_high, offset_low, result, whence); files here are small.
  llseek: (fd, high, low, result, whence) => {
    if (!files.has(fd) || fd <= 2) return -errno.EBADF;
    const offset = high * 2 ** 32 + (low >>> 0);
    const base = whence === 0 ? 0 : whence === 1 ? position.get(fd) : fs.fstatSync(files.get(fd)).size;
    const at = base + offset;
    position.set(fd, at);
    view().setBigUint64(result, BigInt(at), true);
    return 0;
  },
  // statx(dirfd, path, flags, mask, buffer): the fields a program's fstat reads.
  statx: (dirfd, pathname, flags, mask, buffer) => {
    let stat;
    try {
      const name = cString(pathname);
      stat = name === '' && flags & 0x1000 ? fs.fstatSync(files.get(dirfd)) : fs.statSync(name);
    } catch (error) { return hostError(error); }
    u8().fill(0, buffer, buffer + 256);
    const data = view();
    data.setUint32(buffer, 0x7ff, true);
    data.setUint32(buffer + 4, stat.blksize, true);
    data.setUint32(buffer + 16, stat.nlink, true);
    data.setUint16(buffer + 28, stat.mode, true);
    data.setBigUint64(buffer + 32, BigInt(stat.ino), true);
    data.setBigUint64(buffer + 40, BigInt(stat.size), true);
    data.setBigUint64(buffer + 48, BigInt(stat.blocks), true);
    return 0;
  },
  clock_gettime64: (clock, timespec) => {
    const now = clock === 0 ? BigInt(Date.now()) * 1000000n : process.hrtime.bigint();
    view().setBigInt64(timespec, now / 1000000000n, true);
    view().setBigInt64(timespec + 8, now % 1000000000n, true);
    return 0;
  },
};
for (const memoryCall of ['brk', 'mmap2', 'munmap', 'mremap', 'mprotect', 'madvise']) {
  handlers[memoryCall] = () => {
    process.stderr.write(`fake-kernel: ${memoryCall} reached the kernel, but the libc must answer it itself\n`);
    throw new Exit(125);
  };
}
const byNumber = new Map(Object.entries(handlers).filter(([name]) => name in nr).map(([name, handler]) => [nr[name], handler]));

// Number -1 is the loop check's poll (lkljs-loop-check.js): nothing is
// ever pending here.
const POLL = -1;

function syscall(number, ...args) {
  if (number === POLL) return 0;
  const handler = byNumber.get(number);
  if (!handler) {
    process.stderr.write(`fake-kernel: system call ${names[number] ?? number} is not implemented here (ENOSYS)\n`);
    return -errno.ENOSYS;
  }
  return handler(...args);
}

const instance = new WebAssembly.Instance(program, { env: { memory }, lkljs: { syscall } });
const environment = Object.entries(process.env).map(([name, value]) => `${name}=${value}`).sort();
const sp = initialBlock([programPath, ...programArgs], environment);
let status = 0;
try {
  instance.exports._start(sp);
} catch (error) {
  if (error instanceof Exit) {
    status = error.status;
  } else if (error instanceof WebAssembly.RuntimeError) {
    const signal = /unreachable/.test(error.message) ? 4 : 11;
    process.stderr.write(`fake-kernel: the program trapped (${error.message}): killed by signal ${signal}\n`);
    status = 128 + signal;
  } else {
    throw error;
  }
}
process.exitCode = status;
