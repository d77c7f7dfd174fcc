;; SPDX-License-Identifier: GPL-2.0-only
;; Between the kernel and V8 11's first form of JavaScript Promise
;; Integration (node 20 with --experimental-wasm-stack-switching), for
;; host/lkljs-coroutines.js. There, a promising export gets a suspender as
;; an extra first argument, and a suspending import must be passed the
;; suspender of the coroutine that calls it: an externref, which the
;; kernel's C cannot hold. This module keeps the running coroutine's
;; suspender in a global and passes it on. build-kernel.sh assembles it
;; with binaryen's wasm-as into a --pre-js (Module.lkljsCoroutineShim).
(module
  ;; A coroutine's entry, lkljs_coroutine_main(coroutine), from the kernel's table.
  (type $entry (func (param i32)))
  ;; lkljs_coroutine_suspend, wrapped as suspending: suspends the coroutine
  ;; whose suspender it is passed until the promise it returns settles.
  (import "lkljs" "suspend" (func $suspend (param externref i32 i32)))
  ;; The entry that `enter` calls, set just before the call.
  (table $entries (export "entries") 1 funcref)
  ;; The suspender of the coroutine running on this thread.
  (global $running (mut externref) (ref.null extern))

  ;; The kernel's import in place of lkljs_coroutine_suspend. Other
  ;; coroutines run while this one is suspended, so it keeps its own
  ;; suspender and makes it the running one again once resumed.
  (func (export "wait") (param $address i32) (param $expected i32)
    (local $suspender externref)
    (local.set $suspender (global.get $running))
    (call $suspend (local.get $suspender) (local.get $address) (local.get $expected))
    (global.set $running (local.get $suspender)))

  ;; Wrapped as promising: a new coroutine, running entries[slot](argument).
  (func (export "enter") (param $suspender externref) (param $slot i32) (param $argument i32)
    (global.set $running (local.get $suspender))
    (call_indirect (type $entry) (local.get $argument) (local.get $slot))))
