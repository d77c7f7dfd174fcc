// SPDX-License-Identifier: MIT OR Apache-2.0
// The Linux user ABI as JavaScript sees it through Module.lkljs: memory in the
// wasm heap for system call arguments, strings in and out, the struct layouts
// our shell reads (linux_dirent64, statx, new_utsname, __kernel_timespec) and
// the messages a C library prints for errno values.
//
// Everything is 32-bit asm-generic (wasm32): pointers and longs are 4 bytes,
// and the time calls used are the 64-bit-time ones (clock_gettime64, …).
(function () {
  "use strict";

  // strerror() texts as glibc prints them, by errno name. The numbers come
  // from the kernel in use (Module.lkljs.errno, generated from its uapi
  // headers): see useKernel.
  const STRERROR = {
    EPERM: "Operation not permitted",
    ENOENT: "No such file or directory",
    ESRCH: "No such process",
    EINTR: "Interrupted system call",
    EIO: "Input/output error",
    ENXIO: "No such device or address",
    E2BIG: "Argument list too long",
    EBADF: "Bad file descriptor",
    EAGAIN: "Resource temporarily unavailable",
    ENOMEM: "Cannot allocate memory",
    EACCES: "Permission denied",
    EFAULT: "Bad address",
    ENOTBLK: "Block device required",
    EBUSY: "Device or resource busy",
    EEXIST: "File exists",
    EXDEV: "Invalid cross-device link",
    ENODEV: "No such device",
    ENOTDIR: "Not a directory",
    EISDIR: "Is a directory",
    EINVAL: "Invalid argument",
    ENFILE: "Too many open files in system",
    EMFILE: "Too many open files",
    ENOTTY: "Inappropriate ioctl for device",
    EFBIG: "File too large",
    ENOSPC: "No space left on device",
    ESPIPE: "Illegal seek",
    EROFS: "Read-only file system",
    EMLINK: "Too many links",
    EPIPE: "Broken pipe",
    ERANGE: "Numerical result out of range",
    ENAMETOOLONG: "File name too long",
    ENOSYS: "Function not implemented",
    ENOTEMPTY: "Directory not empty",
    ELOOP: "Too many levels of symbolic links",
    ENOTSOCK: "Socket operation on non-socket",
    EOPNOTSUPP: "Operation not supported",
    EAFNOSUPPORT: "Address family not supported by protocol",
    EADDRINUSE: "Address already in use",
    EADDRNOTAVAIL: "Cannot assign requested address",
    ENETDOWN: "Network is down",
    ENETUNREACH: "Network is unreachable",
    ECONNRESET: "Connection reset by peer",
    ENOTCONN: "Transport endpoint is not connected",
    ETIMEDOUT: "Connection timed out",
    ECONNREFUSED: "Connection refused",
    ERESTARTSYS: "Interrupted system call"
  };

  // errno name → number, and number → name, for the kernel in use.
  let errnoNumbers = {};
  let errnoNames = {};

  // Takes the errno values from the kernel's Module.lkljs; called before any
  // system call of that kernel.
  function useKernel(module) {
    errnoNumbers = module.lkljs.errno;
    errnoNames = {};
    // Sorted by name, so each number keeps the name glibc prints rather than
    // an alias that sorts after it (EAGAIN, not EWOULDBLOCK).
    for (const [name, number] of Object.entries(errnoNumbers)) {
      if (!(number in errnoNames)) errnoNames[number] = name;
    }
    // Kernel-internal, so not in the uapi headers, but a call interrupted at
    // the wrong moment can return it.
    errnoNames[512] = "ERESTARTSYS";
  }

  function errnoMessage(errno) {
    return STRERROR[errnoNames[errno]] || "Unknown error " + errno;
  }

  function errnoName(errno) {
    return errnoNames[errno] || "E" + errno;
  }

  // The number of the errno called `name` in the kernel in use.
  function errnoNumber(name) {
    const number = errnoNumbers[name];
    if (number === undefined) throw new Error("the kernel defines no errno " + name);
    return number;
  }

  // A failed system call, carrying the positive errno.
  class SyscallError extends Error {
    constructor(call, errno) {
      super(errnoMessage(errno));
      this.name = "SyscallError";
      this.call = call;
      this.errno = errno;
    }
  }

  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8");

  // Copies out of the (shared) heap first: TextDecoder refuses shared views.
  function decodeBytes(heap, pointer, length) {
    return decoder.decode(heap.slice(pointer, pointer + length));
  }

  function decodeCString(heap, pointer, limit) {
    let end = pointer;
    const stop = pointer + limit;
    while (end < stop && heap[end] !== 0) end++;
    return decodeBytes(heap, pointer, end - pointer);
  }

  // Memory for one command's system calls: every block it hands out is
  // freed together by release(), whatever path the command took.
  class Arena {
    constructor(module) {
      this.module = module;
      this.blocks = [];
    }

    alloc(size) {
      const pointer = this.module._malloc(Math.max(size, 1));
      if (!pointer) throw new SyscallError("malloc", errnoNumber("ENOMEM"));
      this.module.HEAPU8.fill(0, pointer, pointer + size);
      this.blocks.push(pointer);
      return pointer;
    }

    string(text) {
      const bytes = encoder.encode(text);
      const pointer = this.alloc(bytes.length + 1);
      this.module.HEAPU8.set(bytes, pointer);
      return pointer;
    }

    bytes(bytes) {
      const pointer = this.alloc(bytes.length);
      this.module.HEAPU8.set(bytes, pointer);
      return pointer;
    }

    release() {
      for (let i = 0; i < this.blocks.length; i++) this.module._free(this.blocks[i]);
      this.blocks = [];
    }
  }

  function view(module) {
    return new DataView(module.HEAPU8.buffer);
  }

  function u64(data, offset) {
    // Exact up to 2^53, which covers sizes, inode numbers and times here.
    return data.getUint32(offset, true) + data.getUint32(offset + 4, true) * 4294967296;
  }

  function s64(data, offset) {
    return data.getUint32(offset, true) + data.getInt32(offset + 4, true) * 4294967296;
  }

  // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
  const DIRENT_TYPES = { 1: "fifo", 2: "chr", 4: "dir", 6: "blk", 8: "reg", 10: "lnk", 12: "sock" };
  function decodeDirents(module, pointer, length) {
    const data = view(module);
    const heap = module.HEAPU8;
    const entries = [];
    let offset = 0;
    while (offset < length) {
      const at = pointer + offset;
      const recordLength = data.getUint16(at + 16, true);
      if (recordLength === 0) break;
      entries.push({
        inode: u64(data, at),
        type: DIRENT_TYPES[heap[at + 18]] || "unknown",
        name: decodeCString(heap, at + 19, recordLength - 19)
      });
      offset += recordLength;
    }
    return entries;
  }

  // struct statx (include/uapi/linux/stat.h): 256 bytes.
  const STATX_SIZE = 256;
  const STATX_BASIC_STATS = 0x7ff;
  function decodeStatx(module, pointer) {
    const data = view(module);
    const timestamp = function (offset) {
      return { seconds: s64(data, pointer + offset), nanoseconds: data.getUint32(pointer + offset + 8, true) };
    };
    return {
      mask: data.getUint32(pointer, true),
      blockSize: data.getUint32(pointer + 4, true),
      links: data.getUint32(pointer + 16, true),
      uid: data.getUint32(pointer + 20, true),
      gid: data.getUint32(pointer + 24, true),
      mode: data.getUint16(pointer + 28, true),
      inode: u64(data, pointer + 32),
      size: u64(data, pointer + 40),
      blocks: u64(data, pointer + 48),
      accessed: timestamp(64),
      born: timestamp(80),
      changed: timestamp(96),
      modified: timestamp(112),
      rdevMajor: data.getUint32(pointer + 128, true),
      rdevMinor: data.getUint32(pointer + 132, true)
    };
  }

  // struct new_utsname: six char[65].
  const UTSNAME_SIZE = 6 * 65;
  function decodeUtsname(module, pointer) {
    const heap = module.HEAPU8;
    const names = ["sysname", "nodename", "release", "version", "machine", "domainname"];
    const result = {};
    names.forEach((name, index) => {
      result[name] = decodeCString(heap, pointer + index * 65, 65);
    });
    return result;
  }

  // struct __kernel_timespec { s64 tv_sec; s64 tv_nsec; }
  const TIMESPEC_SIZE = 16;
  function decodeTimespec(module, pointer) {
    const data = view(module);
    return { seconds: s64(data, pointer), nanoseconds: s64(data, pointer + 8) };
  }
  function encodeTimespec(module, pointer, seconds, nanoseconds) {
    const data = view(module);
    data.setUint32(pointer, seconds >>> 0, true);
    data.setInt32(pointer + 4, Math.floor(seconds / 4294967296), true);
    data.setUint32(pointer + 8, nanoseconds >>> 0, true);
    data.setInt32(pointer + 12, 0, true);
  }

  // struct sockaddr_in for 127.0.0.1:port (port and address in network order).
  const SOCKADDR_IN_SIZE = 16;
  function encodeLoopback(module, pointer, port) {
    const heap = module.HEAPU8;
    heap.fill(0, pointer, pointer + SOCKADDR_IN_SIZE);
    heap[pointer] = 2; // AF_INET, little-endian u16
    heap[pointer + 2] = (port >> 8) & 0xff;
    heap[pointer + 3] = port & 0xff;
    heap.set([127, 0, 0, 1], pointer + 4);
  }
  function decodePort(module, pointer) {
    const heap = module.HEAPU8;
    return (heap[pointer + 2] << 8) | heap[pointer + 3];
  }

  const S_IFMT = 0o170000;
  const FILE_TYPE_LETTERS = { 0o140000: "s", 0o120000: "l", 0o100000: "-", 0o060000: "b", 0o040000: "d", 0o020000: "c", 0o010000: "p" };
  // "drwxr-xr-x", as ls -l prints a mode.
  function modeString(mode) {
    let letters = FILE_TYPE_LETTERS[mode & S_IFMT] || "?";
    const bits = "rwxrwxrwx";
    for (let i = 0; i < 9; i++) letters += mode & (1 << (8 - i)) ? bits[i] : "-";
    return letters;
  }
  function isDirectory(mode) {
    return (mode & S_IFMT) === 0o040000;
  }

  window.LkljsAbi = {
    SyscallError: SyscallError,
    useKernel: useKernel,
    errnoNumber: errnoNumber,
    errnoMessage: errnoMessage,
    errnoName: errnoName,
    Arena: Arena,
    decodeBytes: decodeBytes,
    decodeCString: decodeCString,
    decodeDirents: decodeDirents,
    STATX_SIZE: STATX_SIZE,
    STATX_BASIC_STATS: STATX_BASIC_STATS,
    decodeStatx: decodeStatx,
    UTSNAME_SIZE: UTSNAME_SIZE,
    decodeUtsname: decodeUtsname,
    TIMESPEC_SIZE: TIMESPEC_SIZE,
    decodeTimespec: decodeTimespec,
    encodeTimespec: encodeTimespec,
    SOCKADDR_IN_SIZE: SOCKADDR_IN_SIZE,
    encodeLoopback: encodeLoopback,
    decodePort: decodePort,
    modeString: modeString,
    isDirectory: isDirectory
  };
})();
