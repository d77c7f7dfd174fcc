// SPDX-License-Identifier: MIT OR Apache-2.0
// Makes the page cross-origin isolated where the host cannot send COOP/COEP
// headers (GitHub Pages), by installing coi-serviceworker.js and reloading once.
//
// Include it as a classic (not module, not deferred) script early in <head>:
//   <script src="/js/coi-register.js" data-service-worker="/coi-serviceworker.js"></script>
// `data-service-worker` is the worker's URL; it must sit at the site root (under the
// base path, e.g. /repo/coi-serviceworker.js) so that its scope covers every page.
// Without it, the worker is looked for next to this script.
//
// The outcome is published for the demo page as `window.lkljsCoi`
// ({state, reason}), as `<html data-coi="...">` and as a `lkljs-coi` event on window:
//   "isolated"    - SharedArrayBuffer is available;
//   "registering" - the worker is being installed and the page will reload once;
//   "unavailable" - isolation is impossible here; `reason` says why, for the reader.
(() => {
  "use strict";
  const reloadGuard = "lkljs-coi-reloaded";
  const script = document.currentScript;
  const base = script && script.src ? script.src : location.href;
  const workerUrl = new URL((script && script.dataset.serviceWorker) || "coi-serviceworker.js", base);

  function settle(state, reason) {
    window.lkljsCoi = { state, reason: reason || null };
    document.documentElement.dataset.coi = state;
    window.dispatchEvent(new CustomEvent("lkljs-coi", { detail: window.lkljsCoi }));
  }

  function sessionStore() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null;
    }
  }

  const store = sessionStore();
  if (window.crossOriginIsolated === true) {
    if (store) store.removeItem(reloadGuard);
    settle("isolated");
    return;
  }
  if (window.crossOriginIsolated === undefined) {
    settle("unavailable", "this browser does not support cross-origin isolation");
    return;
  }
  if (!window.isSecureContext) {
    settle("unavailable", "the page is not served over HTTPS (or from localhost)");
    return;
  }
  if (!("serviceWorker" in navigator)) {
    settle("unavailable", "service workers are disabled in this browser (private browsing?)");
    return;
  }
  if (!store) {
    // Without a place to remember the reload, a reload loop could not be ruled out.
    settle("unavailable", "session storage is disabled, so the isolating service worker cannot be used safely");
    return;
  }
  if (store.getItem(reloadGuard)) {
    settle("unavailable", "the service worker is installed but the page is still not cross-origin isolated");
    return;
  }

  settle("registering");
  const reloadOnce = () => {
    if (store.getItem(reloadGuard)) return;
    store.setItem(reloadGuard, "1");
    location.reload();
  };
  navigator.serviceWorker
    .register(workerUrl.href, { scope: new URL("./", workerUrl).pathname })
    .then(() => navigator.serviceWorker.ready)
    .then(() => {
      if (navigator.serviceWorker.controller) {
        reloadOnce();
        return;
      }
      // A fresh worker claims this page (controllerchange); after a hard reload,
      // which bypasses workers, it never will, but a plain reload is controlled.
      navigator.serviceWorker.addEventListener("controllerchange", reloadOnce);
      setTimeout(reloadOnce, 1000);
    })
    .catch((error) => settle("unavailable", "the service worker could not be installed: " + error.message));
})();
