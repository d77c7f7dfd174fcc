// SPDX-License-Identifier: GPL-2.0-only
// One clock for every thread of a page. A --post-js of both modules, run on
// the main thread and in every worker.
//
// Emscripten's workers read performance.now(), which counts from each
// worker's own start, corrected by the delay of the message that started
// their thread as the worker measured it: each worker's clock lags the
// main thread's by that delay, a different one in each. The kernel's time
// comes from whichever thread reads it, and the main thread serves the
// timer (host/host.c): with the clocks apart, the timer would fire early by
// the lag, and the kernel, finding nothing due yet, would set it again at
// once, over and over. performance.timeOrigin + performance.now() is the
// same time in every worker of a page. Node's threads all read
// process.hrtime() already.
if (!ENVIRONMENT_IS_NODE) _emscripten_get_now = () => performance.timeOrigin + performance.now();
