// SPDX-License-Identifier: GPL-2.0-only
// The userland archive, userland.cpio: every program of the root file system
// (BusyBox and its applets, the test programs), built by build-kernel.sh from
// userland.list. It is a file beside the module rather than part of it, so
// that a browser caches the kernel and the programs apart and fetches both
// at once. A --post-js of both modules (boot.js and selftest.js), on the main
// thread only.
//
// The loader may hand it over as Module.lkljsUserland: the bytes (an
// ArrayBuffer or Uint8Array) or a Promise of them (the page starts the
// download from the document's head, beside the wasm's). Otherwise node reads
// locateFile("userland.cpio") (next to the script) and a browser fetches it.
// A run dependency holds main() back until the bytes are here; main()
// (host/host.c) then places them after the built-in initramfs, or exits with
// status 2 and Module.lkljsUserlandError's message if they could not be had.
// The programs that most processes run are compiled from it at once, for
// all workers (host/lkljs-user.js).
if (!ENVIRONMENT_IS_PTHREAD) (function () {
  const name = "userland.cpio";
  const accept = (bytes) => {
    Module.lkljsUserlandBytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    Module.lkljsUser.sharePrograms(Module.lkljsUserlandBytes);
  };
  const refuse = (where, why) => {
    Module.lkljsUserlandError = `lkljs: cannot load the userland archive ${where} (${why}); it holds the ` +
      `root file system's programs and the build publishes it beside boot.js and selftest.js`;
  };
  let given = Module.lkljsUserland;
  let where = "Module.lkljsUserland";
  if (given === undefined && ENVIRONMENT_IS_NODE) {
    where = locateFile(name);
    try {
      accept(readBinary(where));
    } catch (error) {
      refuse(where, error.code || error.message);
    }
    return;
  }
  if (given === undefined) {
    where = locateFile(name);
    given = fetch(where).then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.arrayBuffer();
    });
  }
  if (typeof given.then !== "function") {
    accept(given);
    return;
  }
  addRunDependency("lkljs-userland");
  Promise.resolve(given).then(accept, (error) => {
    refuse(where, (error && error.message) || String(error));
  }).then(() => { removeRunDependency("lkljs-userland"); });
})();
