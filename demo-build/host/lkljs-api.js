// SPDX-License-Identifier: GPL-2.0-only
// Module.lkljs: system calls from JavaScript (contract B). Linked into
// boot.js after Emscripten's runtime (--post-js); lkljsSyscallNumbers,
// lkljsErrno and lkljsFcntl come from the build (--pre-js, generated from the
// kernel's uapi headers).
// Nothing here blocks: every call returns a Promise that a channel's host
// thread resolves through Module.lkljs._complete on the main thread.
if (!ENVIRONMENT_IS_PTHREAD) (function () {
  "use strict";
  var waiting = new Map();
  var nextToken = 1;
  var defaultChannel = null;

  function expect() {
    var token = nextToken++;
    var promise = new Promise(function (resolve) { waiting.set(token, resolve); });
    return { token: token, promise: promise };
  }

  function Channel(pointer) {
    this._pointer = pointer;
    this._closed = false;
    // Calls on one channel run one after the other, in call order.
    this._tail = Promise.resolve();
  }

  Channel.prototype._enqueue = function (send) {
    var self = this;
    var run = function () {
      if (self._closed) return Promise.reject(new Error("lkljs: the channel is closed"));
      var request = expect();
      send(request.token);
      return request.promise;
    };
    var result = this._tail.then(run, run);
    this._tail = result.catch(function () {});
    return result;
  };

  Channel.prototype.syscall = function (nr, a0, a1, a2, a3, a4, a5) {
    if (typeof nr !== "number" || !Number.isInteger(nr) || nr < 0)
      return Promise.reject(new TypeError("lkljs: system call number must be a non-negative integer, not " + nr));
    var pointer = this._pointer;
    return this._enqueue(function (token) {
      _lkljs_channel_submit(pointer, token, nr, a0 || 0, a1 || 0, a2 || 0, a3 || 0, a4 || 0, a5 || 0);
    });
  };

  // Starts a wasm program as a child process of PID 1 (lkljs_spawn in
  // lkljs.h): resolves to its PID once it has executed path, or to -errno.
  // argv and envp are arrays of strings (argv defaults to [path]); fds, if
  // given, are three of PID 1's descriptors for the child's 0, 1 and 2.
  // Reap it with syscall(nr.wait4, pid, statusPointer, 0, 0).
  Channel.prototype.spawn = function (path, argv, envp, fds) {
    if (typeof path !== "string")
      return Promise.reject(new TypeError("lkljs: spawn needs a path string, not " + path));
    if (fds !== undefined && fds !== null && !(Array.isArray(fds) && fds.length === 3 && fds.every(Number.isInteger)))
      return Promise.reject(new TypeError("lkljs: spawn's fds must be three descriptors, e.g. [0, pipeWrite, 2]"));
    var allocated = [];
    function string(text) {
      var size = lengthBytesUTF8(text) + 1;
      var pointer = _malloc(size);
      allocated.push(pointer);
      stringToUTF8(text, pointer, size);
      return pointer;
    }
    function vector(strings) {
      var pointer = _malloc(4 * (strings.length + 1));
      allocated.push(pointer);
      strings.forEach(function (text, i) { HEAP32[(pointer >> 2) + i] = string(String(text)); });
      HEAP32[(pointer >> 2) + strings.length] = 0;
      return pointer;
    }
    var fdsPointer = 0;
    if (fds) {
      fdsPointer = _malloc(12);
      allocated.push(fdsPointer);
      fds.forEach(function (fd, i) { HEAP32[(fdsPointer >> 2) + i] = fd; });
    }
    var pathPointer = string(path);
    var argvPointer = vector(argv || [path]);
    var envpPointer = vector(envp || []);
    var release = function (result) {
      allocated.forEach(function (pointer) { _free(pointer); });
      return result;
    };
    var channel = this._pointer;
    return this._enqueue(function (token) {
      _lkljs_channel_submit(channel, token, -1, pathPointer, argvPointer, envpPointer, fdsPointer, 0, 0);
    }).then(release, function (error) { release(); throw error; });
  };

  // The call now running on this channel returns -EINTR if it sleeps.
  Channel.prototype.interrupt = function () {
    if (!this._closed) _lkljs_channel_interrupt(this._pointer);
  };

  Channel.prototype.close = function () {
    var self = this;
    var pointer = this._pointer;
    var closed = this._enqueue(function (token) {
      self._closed = true;
      _lkljs_channel_close(pointer, token);
    });
    return closed.then(function () {});
  };

  function openChannel() {
    var request = expect();
    var pointer = _lkljs_channel_open(request.token);
    if (!pointer) {
      waiting.delete(request.token);
      return Promise.reject(new Error("lkljs: cannot start a channel thread"));
    }
    return request.promise.then(function (status) {
      if (status < 0) throw new Error("lkljs: the kernel cannot create a task for the channel (" + status + ")");
      return new Channel(pointer);
    });
  }

  function defaultChannelPromise() {
    if (!defaultChannel) defaultChannel = openChannel();
    return defaultChannel;
  }

  Module.lkljs = {
    nr: lkljsSyscallNumbers,
    // errno values and the O_*/AT_* flags, generated like nr.
    errno: lkljsErrno,
    fcntl: lkljsFcntl,
    syscall: function () {
      var args = arguments;
      return defaultChannelPromise().then(function (channel) {
        return channel.syscall.apply(channel, args);
      });
    },
    channel: openChannel,
    spawn: function () {
      var args = arguments;
      return defaultChannelPromise().then(function (channel) {
        return channel.spawn.apply(channel, args);
      });
    },
    // reboot(LINUX_REBOOT_CMD_HALT): Module.onExit(0) follows.
    halt: function () {
      return Module.lkljs.syscall(lkljsSyscallNumbers.reboot, 0xfee1dead, 672274793, 0xcdef0123, 0);
    },
    _complete: function (token, result) {
      var resolve = waiting.get(token);
      if (!resolve) return;
      waiting.delete(token);
      resolve(result);
    },
  };
})();
