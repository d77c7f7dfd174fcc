// SPDX-License-Identifier: GPL-2.0-only
// The host half of wasm programs (arch/lkljs/kernel/user.c; the ABI is in
// demo-build/README.md). Linked into boot.js (--post-js), so every worker
// has it: a task's program lives in the worker of the task's host thread,
// and only that thread touches it. One program per worker at a time:
//
//   module    compiled from the bytes the kernel's binary format handed over
//   memory    the program's own shared WebAssembly.Memory
//   instance  the module instantiated over that memory; its lkljs.syscall
//             import enters the kernel on this same thread
//
// Compiled modules are also kept per worker, by file (device, inode, size,
// modification time; the kernel makes the key), so that an exec or a clone
// of a program this worker ran before costs no compilation. Workers are
// reused for new tasks, so the cache warms up across the pool.
//
// The programs that nearly every process runs (SHARED_PROGRAMS: /init, and
// BusyBox for the shell and its commands) are compiled once, on the main
// thread, as soon as the userland archive is here (sharePrograms, called by
// host/lkljs-userland.js), and sent to every worker after its "load"
// message, now and later, as { lkljsPrograms: [{ bytes, module }] }. A
// worker whose image has the same bytes takes that module instead of
// compiling its own: the engine compiles a module's functions lazily and
// tiers them up per module, so with one module every worker gains from the
// code that any of them ran (`ls -l /proc` in the page's first minute was
// 62 ms with a module per worker; see demo-build/README.md).
//
// Leaving the kernel is a throw (LEAVE) from the kernel's __switch_to out of
// the scheduler's frames, which scheduleToLeave catches: the leave's
// schedule() is called from here (lkljs_host_schedule_to_leave), so that
// the throw unwinds as few wasm frames as it can, at about 0.4 µs each in
// node 20, which is most of a system call's cost. The kernel's frames below
// then return, off the CPU, and the syscall import returns the result to
// the program. An exec replaces the program while the old one's frames are
// still below, so the import then throws EXEC past them to the user-mode
// loop, which calls the new _start.
//
// Signals (ABI v2): when the kernel has written a signal frame on the way
// out, the import calls the program's __lkljs_signal_trampoline(frame)
// instead of returning the call's result; the trampoline runs the handler
// and makes rt_sigreturn, whose result is the interrupted call's. A handler
// that siglongjmp()s throws past the import: the kernel finished the call
// before the handler started. Number -1 (POLL) is the loop check that
// lkljs-loop-check puts into every program: it enters the kernel only if a
// signal is pending for the task, so a program that computes without
// system calls can still be stopped, killed or interrupted.
Module.lkljsUser = (function () {
  "use strict";
  const LEAVE = { lkljs: "this task left the kernel for its program" };
  const EXEC = { lkljs: "an exec replaced this program" };
  const ENOEXEC = 8, ENOMEM = 12, EFAULT = 14;
  const SIGILL = 4, SIGFPE = 8, SIGSEGV = 11;
  const CLONE_ENTRY = "__lkljs_clone_start";
  const SIGNAL_TRAMPOLINE = "__lkljs_signal_trampoline";
  const POLL = -1;
  const MODULE_CACHE_SIZE = 16;
  const compiled = new Map(); // key -> { module, minPages, maxPages }
  // Paths in userland.cpio (demo-build/userland.list).
  const SHARED_PROGRAMS = ["init", "bin/busybox"];
  let shared = [];            // { bytes, module }, from the main thread

  if (ENVIRONMENT_IS_PTHREAD) {
    // This runs within the worker's "load" message; the shared programs come
    // in a message of their own, between two tasks (a task's thread never
    // returns to the event loop).
    const runtime = self.onmessage;
    self.onmessage = (event) => {
      if (event.data && event.data.lkljsPrograms) shared = event.data.lkljsPrograms;
      else runtime(event);
    };
  }

  // The main thread's side: every worker the runtime loads is sent the
  // shared programs once they are compiled.
  let programsMessage = null;
  let waitingWorkers = new Set();
  if (!ENVIRONMENT_IS_PTHREAD) {
    const load = PThread.loadWasmModuleToWorker;
    PThread.loadWasmModuleToWorker = function (worker, onFinishedLoading) {
      load(worker, onFinishedLoading);
      if (programsMessage) worker.postMessage(programsMessage);
      else if (waitingWorkers) waitingWorkers.add(worker);
    };
  }
  function sendPrograms(programs) {
    if (programs.length) programsMessage = { lkljsPrograms: programs };
    if (programsMessage) waitingWorkers.forEach((worker) => worker.postMessage(programsMessage));
    waitingWorkers = null;
  }

  // The regular files of a "newc" cpio archive (what gen_init_cpio writes)
  // that have the given paths.
  function archiveFiles(archive, paths) {
    const S_IFMT = 0o170000, S_IFREG = 0o100000, HEADER = 110;
    const text = new TextDecoder();
    const files = [];
    for (let at = 0; at + HEADER <= archive.length && text.decode(archive.subarray(at, at + 6)) === "070701";) {
      const field = (index) => parseInt(text.decode(archive.subarray(at + 6 + index * 8, at + 14 + index * 8)), 16);
      const mode = field(1), size = field(6), nameSize = field(11);
      const name = text.decode(archive.subarray(at + HEADER, at + HEADER + nameSize - 1));
      if (name === "TRAILER!!!") break;
      const data = (at + HEADER + nameSize + 3) & ~3;
      if ((mode & S_IFMT) === S_IFREG && paths.includes(name)) files.push(archive.subarray(data, data + size));
      at = (data + size + 3) & ~3;
    }
    return files;
  }

  // Whether two images are the same bytes; a word at a time where both
  // start on a word boundary (an image is 0.5 MB).
  function sameBytes(a, b) {
    if (a.length !== b.length) return false;
    let i = 0;
    if (((a.byteOffset | b.byteOffset) & 3) === 0) {
      const words = a.length >> 2;
      const a32 = new Int32Array(a.buffer, a.byteOffset, words), b32 = new Int32Array(b.buffer, b.byteOffset, words);
      for (; i < words; i++) if (a32[i] !== b32[i]) return false;
      i = words << 2;
    }
    for (; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  let program = fresh();

  function fresh() {
    return {
      image: null, imageLength: 0,   // bytes being received
      module: null, minPages: 0,     // compiled, not yet loaded
      memory: null, view: null, instance: null,
      start: 0,                      // the entry's argument
      entry: "_start",               // or CLONE_ENTRY in a clone child
      imageKey: null,                // cache key of the module being compiled
      syscall: null, task: 0, resultSlot: 0,
      signalFrame: 0,                // a handler to run before the call returns
      replaced: false,               // a new program awaits its _start
      inKernel: false,               // a trap now is the kernel's, not the program's
    };
  }

  // A view of the program's memory that covers [0, end), or null.
  function userBytes(end) {
    if (program.view && end <= program.view.length) return program.view;
    if (!program.memory) return null;
    program.view = new Uint8Array(program.memory.buffer);
    return end <= program.view.length ? program.view : null;
  }

  function uleb(bytes, at) {
    let value = 0, shift = 0, byte;
    do {
      byte = bytes[at.offset++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  }

  // env.memory's limits from the import section: { shared, min, max }.
  function memoryLimits(bytes) {
    const at = { offset: 8 };
    while (at.offset < bytes.length) {
      const id = bytes[at.offset++];
      const size = uleb(bytes, at);
      const end = at.offset + size;
      if (id === 2) {
        for (let count = uleb(bytes, at); count > 0; count--) {
          const names = [];
          for (let i = 0; i < 2; i++) {
            const length = uleb(bytes, at);
            names.push(new TextDecoder().decode(bytes.subarray(at.offset, at.offset + length)));
            at.offset += length;
          }
          const kind = bytes[at.offset++];
          if (kind === 0) { uleb(bytes, at); continue; }
          if (kind === 1) at.offset++;                        // table: its element type, then limits
          if (kind === 3) { at.offset += 2; continue; }       // global: type and mutability
          const flags = bytes[at.offset++];
          const min = uleb(bytes, at);
          const max = (flags & 1) ? uleb(bytes, at) : -1;
          if (kind === 2 && names[0] === "env" && names[1] === "memory")
            return { shared: (flags & 2) !== 0, min, max };
        }
        return null;
      }
      at.offset = end;
    }
    return null;
  }

  function trapSignal(error) {
    if (error instanceof RangeError) return SIGSEGV;     // the host stack overflowed
    if (!(error instanceof WebAssembly.RuntimeError)) return 0;
    const message = String(error.message);
    if (/unreachable/.test(message)) return SIGILL;
    if (/divide by zero|remainder by zero|integer overflow|unrepresentable/.test(message)) return SIGFPE;
    return SIGSEGV;
  }

  // Calls entry(argument), a kernel entry that may leave by throwing LEAVE:
  // true if it did, with the C stack pointer put back, false if it returned.
  function runUntilLeft(entry, argument) {
    const stack = stackSave();
    try {
      entry(argument);
      return false;
    } catch (e) {
      if (e !== LEAVE) throw e;
    }
    stackRestore(stack);
    return true;
  }

  function makeSyscall(task) {
    return (nr, a0, a1, a2, a3, a4, a5) => {
      // The loop check's fast path: nothing pending, no kernel entry.
      if (nr === POLL && !_lkljs_user_work_pending_entry(task)) return 0;
      program.inKernel = true;
      // The global, not a copy: after its first call it is the export itself.
      _lkljs_user_syscall_entry(task, nr, a0, a1, a2, a3, a4, a5);
      program.inKernel = false;
      if (program.replaced) throw EXEC;
      const frame = program.signalFrame;
      if (frame) {
        program.signalFrame = 0;
        return program.instance.exports[SIGNAL_TRAMPOLINE](frame);
      }
      return HEAP32[program.resultSlot >> 2];
    };
  }

  return {
    imageFind(key, minPointer, maxPointer) {
      const found = compiled.get(key);
      program.imageKey = found ? null : key;
      if (!found) return 0;
      compiled.delete(key); // re-inserted: most recently used last
      compiled.set(key, found);
      program.module = found.module;
      program.minPages = found.minPages;
      program.maxPages = found.maxPages;
      HEAPU32[minPointer >> 2] = found.minPages;
      HEAPU32[maxPointer >> 2] = found.maxPages;
      return 1;
    },
    imageBegin(size) {
      try {
        program.image = new Uint8Array(size);
      } catch (e) {
        return -ENOMEM;
      }
      program.imageLength = 0;
      program.module = null;
      return 0;
    },
    imageAppend(bytes, length) {
      program.image.set(HEAPU8.subarray(bytes, bytes + length), program.imageLength);
      program.imageLength += length;
    },
    imageCompile(minPointer, maxPointer, why, whySize) {
      const bytes = program.image.subarray(0, program.imageLength);
      program.image = null;
      const refuse = (reason) => {
        stringToUTF8(reason, why, whySize);
        return -ENOEXEC;
      };
      let module;
      try {
        const known = shared.find((program) => sameBytes(program.bytes, bytes));
        module = known ? known.module : new WebAssembly.Module(bytes);
      } catch (e) {
        return refuse(`not a valid WebAssembly module (${e.message})`);
      }
      for (const wanted of WebAssembly.Module.imports(module)) {
        const name = `${wanted.module}.${wanted.name}`;
        if (!(wanted.kind === "function" && name === "lkljs.syscall") &&
            !(wanted.kind === "memory" && name === "env.memory"))
          return refuse(`it imports ${wanted.kind} ${name}; a program may import only env.memory and lkljs.syscall`);
      }
      const limits = memoryLimits(bytes);
      if (!limits) return refuse("it does not import env.memory (a program must not define its own memory)");
      if (!limits.shared || limits.max < 0) return refuse("its memory is not shared with a maximum (link with --shared-memory --max-memory=N)");
      if (!WebAssembly.Module.exports(module).some((e) => e.name === "_start" && e.kind === "function"))
        return refuse("it does not export _start");
      program.module = module;
      program.minPages = limits.min;
      HEAPU32[minPointer >> 2] = limits.min;
      HEAPU32[maxPointer >> 2] = limits.max;
      program.maxPages = limits.max;
      if (program.imageKey !== null) {
        if (compiled.size >= MODULE_CACHE_SIZE) compiled.delete(compiled.keys().next().value);
        compiled.set(program.imageKey, { module, minPages: limits.min, maxPages: limits.max });
        program.imageKey = null;
      }
      return 0;
    },
    imageDrop() {
      program.image = null;
      program.module = null;
    },
    imageLoad(task) {
      let memory, instance;
      if (program.task !== task) {
        program.task = task;
        program.syscall = makeSyscall(task);
        program.resultSlot = _lkljs_user_result_slot_entry(task);
      }
      try {
        memory = new WebAssembly.Memory({ initial: program.minPages, maximum: program.maxPages, shared: true });
        instance = new WebAssembly.Instance(program.module, {
          env: { memory },
          lkljs: { syscall: program.syscall },
        });
      } catch (e) {
        return -ENOMEM;
      }
      // The old program, if any, is gone; its frames are unwound on the way out.
      program.module = null;
      program.memory = memory;
      program.view = new Uint8Array(memory.buffer);
      program.instance = instance;
      program.entry = "_start";
      program.signalFrame = 0;
      program.replaced = true;
      return 0;
    },
    memoryGrow(pages) {
      try {
        const old = program.memory.grow(pages);
        program.view = new Uint8Array(program.memory.buffer);
        return old;
      } catch (e) {
        return -ENOMEM;
      }
    },
    setStart(sp) {
      program.start = sp;
    },
    canClone() {
      return typeof program.instance.exports[CLONE_ENTRY] === "function" ? 1 : 0;
    },
    setCloneStart(sp) {
      program.start = sp;
      program.entry = CLONE_ENTRY;
    },
    signal(frame) {
      if (typeof program.instance.exports[SIGNAL_TRAMPOLINE] !== "function") return -EFAULT;
      program.signalFrame = frame;
      return 0;
    },
    read(to, from, n) {
      const bytes = userBytes(from + n);
      if (!bytes) return n;
      if (n <= 16) {
        for (let i = 0; i < n; i++) HEAPU8[to + i] = bytes[from + i];
      } else {
        HEAPU8.set(bytes.subarray(from, from + n), to);
      }
      return 0;
    },
    write(to, from, n) {
      const bytes = userBytes(to + n);
      if (!bytes) return n;
      if (n <= 16) {
        for (let i = 0; i < n; i++) bytes[to + i] = HEAPU8[from + i];
      } else {
        bytes.set(HEAPU8.subarray(from, from + n), to);
      }
      return 0;
    },
    clear(to, n) {
      const bytes = userBytes(to + n);
      if (!bytes) return n;
      bytes.fill(0, to, to + n);
      return 0;
    },
    strnlen(from, n) {
      let bytes = userBytes(0);
      if (!bytes) return -1;
      for (let i = 0; i < n; i++) {
        if (from + i >= bytes.length) {
          bytes = userBytes(from + i + 1);
          if (!bytes) return -1;
        }
        if (bytes[from + i] === 0) return i;
      }
      return n;
    },
    leave() {
      throw LEAVE;
    },
    // The schedule() of a task leaving for user mode: 1 once it has left,
    // when __switch_to has thrown; 0 if schedule() returned.
    scheduleToLeave() {
      return runUntilLeft(_schedule, undefined) ? 1 : 0;
    },
    // A host thread's system call, run on this thread as its kernel task
    // (kernel/host_calls.c). It returns once the task has left, as a
    // program's does; a call that ends the task leaves by the throw itself.
    callHere(call) {
      runUntilLeft(_lkljs_call_on_caller_entry, call);
    },
    // The user-mode loop of a task's host thread, entered once its exec is
    // through; it leaves only with the thread (exit, or a fatal signal).
    run(task) {
      const stack = stackSave();
      _lkljs_user_leave_entry();
      for (;;) {
        try {
          program.replaced = false;
          program.instance.exports[program.entry](program.start);
          // ABI §5: a _start (or clone entry) that returns is exit status 0.
          program.syscall(lkljsSyscallNumbers.exit_group, 0, 0, 0, 0, 0, 0);
        } catch (e) {
          if (e === EXEC) continue;
          const signal = program.inKernel ? 0 : trapSignal(e);
          if (!signal) throw e;
          stackRestore(stack);
          _lkljs_user_fault_entry(task, signal);
        }
      }
    },
    forget() {
      program = fresh();
    },
    // On the main thread: compiles SHARED_PROGRAMS from the userland archive
    // in the background and sends them to the workers. One copy of their
    // bytes (shared memory) serves every worker's comparison.
    sharePrograms(archive) {
      const compiling = archiveFiles(archive, SHARED_PROGRAMS).map((file) => {
        const bytes = new Uint8Array(new SharedArrayBuffer(file.length));
        bytes.set(file);
        return WebAssembly.compile(file).then((module) => ({ bytes, module }));
      });
      // A program that does not compile is compiled by its exec, which says why.
      Promise.all(compiling).then(sendPrograms, () => sendPrograms([]));
    },
  };
})();
