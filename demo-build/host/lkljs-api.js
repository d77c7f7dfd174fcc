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
