// SPDX-License-Identifier: MIT OR Apache-2.0
// The Linux user ABI as JavaScript sees it through Module.lkljs: memory in the
// wasm heap for system call arguments, strings in and out, the struct layouts
// our shell reads (linux_dirent64, statx, new_utsname, __kernel_timespec) and
// errno numbers with the messages a C library prints for them.
//
// Everything is 32-bit asm-generic (wasm32): pointers and longs are 4 bytes,
// and the time calls used are the 64-bit-time ones (clock_gettime64, …).
(function () {
  "use strict";

  // errno → [name, strerror text], as glibc prints them (asm-generic/errno*.h numbering).
  const ERRNO = {
    1: ["EPERM", "Operation not permitted"],
    2: ["ENOENT", "No such file or directory"],
    3: ["ESRCH", "No such process"],
    4: ["EINTR", "Interrupted system call"],
    5: ["EIO", "Input/output error"],
    6: ["ENXIO", "No such device or address"],
    7: ["E2BIG", "Argument list too long"],
    9: ["EBADF", "Bad file descriptor"],
    11: ["EAGAIN", "Resource temporarily unavailable"],
    12: ["ENOMEM", "Cannot allocate memory"],
    13: ["EACCES", "Permission denied"],
    14: ["EFAULT", "Bad address"],
    15: ["ENOTBLK", "Block device required"],
    16: ["EBUSY", "Device or resource busy"],
    17: ["EEXIST", "File exists"],
    18: ["EXDEV", "Invalid cross-device link"],
    19: ["ENODEV", "No such device"],
    20: ["ENOTDIR", "Not a directory"],
    21: ["EISDIR", "Is a directory"],
    22: ["EINVAL", "Invalid argument"],
    23: ["ENFILE", "Too many open files in system"],
    24: ["EMFILE", "Too many open files"],
    25: ["ENOTTY", "Inappropriate ioctl for device"],
    27: ["EFBIG", "File too large"],
    28: ["ENOSPC", "No space left on device"],
    29: ["ESPIPE", "Illegal seek"],
    30: ["EROFS", "Read-only file system"],
    31: ["EMLINK", "Too many links"],
    32: ["EPIPE", "Broken pipe"],
    34: ["ERANGE", "Numerical result out of range"],
    36: ["ENAMETOOLONG", "File name too long"],
    38: ["ENOSYS", "Function not implemented"],
    39: ["ENOTEMPTY", "Directory not empty"],
    40: ["ELOOP", "Too many levels of symbolic links"],
    88: ["ENOTSOCK", "Socket operation on non-socket"],
    95: ["EOPNOTSUPP", "Operation not supported"],
    97: ["EAFNOSUPPORT", "Address family not supported by protocol"],
    98: ["EADDRINUSE", "Address already in use"],
    99: ["EADDRNOTAVAIL", "Cannot assign requested address"],
    100: ["ENETDOWN", "Network is down"],
    101: ["ENETUNREACH", "Network is unreachable"],
    104: ["ECONNRESET", "Connection reset by peer"],
    107: ["ENOTCONN", "Transport endpoint is not connected"],
    110: ["ETIMEDOUT", "Connection timed out"],
    111: ["ECONNREFUSED", "Connection refused"],
    512: ["ERESTARTSYS", "Interrupted system call"]
  };

  function errnoMessage(errno) {
    const known = ERRNO[errno];
    return known ? known[1] : "Unknown error " + errno;
  }

  function errnoName(errno) {
    const known = ERRNO[errno];
    return known ? known[0] : "E" + errno;
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
      if (!pointer) throw new SyscallError("malloc", 12);
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
