// Live-reload client, injected into pages by `lkljs-site serve` only; production
// builds never contain it. Protocol: see src/serve/live.rs.
(() => {
  "use strict";
  const script = document.currentScript;
  const pageGeneration = script ? script.dataset.generation : undefined;
  const socketUrl = new URL("/__lkljs/live", location.href);
  socketUrl.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const overlayId = "lkljs-live-error";
  // `name.1a2b3c4d.css` and `name.99aa00bb.css` are the same stylesheet, rebuilt.
  const contentHash = /\.[0-9a-f]{8}(\.css)$/;

  // Connection state, for the curious and for tests that must not edit before it is up.
  const status = (window.lkljsLive = { connected: false });
  let connectedBefore = false;
  let retryDelay = 100;

  function connect() {
    let socket;
    try {
      socket = new WebSocket(socketUrl);
    } catch (error) {
      retry();
      return;
    }
    socket.addEventListener("open", () => {
      // Back after the server went away: it was restarted, so the page may be stale.
      if (connectedBefore) location.reload();
      connectedBefore = true;
      retryDelay = 100;
      status.connected = true;
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      handle(message);
    });
    socket.addEventListener("close", () => {
      status.connected = false;
      retry();
    });
  }

  function retry() {
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5000);
  }

  function handle(message) {
    switch (message.type) {
      case "hello":
        if (pageGeneration !== undefined && String(message.generation) !== pageGeneration) location.reload();
        break;
      case "reload":
        if (!Array.isArray(message.urls) || message.urls.some(affectsThisPage)) location.reload();
        break;
      case "css":
        if (!swapStylesheets(message.urls || [])) location.reload();
        break;
      case "error":
        showError(String(message.message));
        break;
    }
  }

  function pagePath(path) {
    return path.replace(/index\.html?$/, "");
  }

  // Outputs that no page loads when it opens: the feed, the sitemap, deploy
  // files, and the search index (fetched when the search opens). A body edit
  // changes the feed and, a moment after the page itself, the index; neither
  // is a reason to reload every open page.
  const notLoadedByPages = /\/(atom\.xml|sitemap\.xml|robots\.txt|_headers|search-index\.json)$/;

  // Anything else but a page (a script, an image, the wasm) may be used by this
  // page; a page matters only if it is this one.
  function affectsThisPage(url) {
    const path = new URL(url, location.href).pathname;
    if (notLoadedByPages.test(path)) return false;
    const isPage = path.endsWith("/") || /\.html?$/.test(path);
    return !isPage || pagePath(path) === pagePath(location.pathname);
  }

  function swapStylesheets(urls) {
    const links = Array.from(document.querySelectorAll('link[rel~="stylesheet"]'));
    let swapped = 0;
    for (const url of urls) {
      const wanted = url.replace(contentHash, "$1");
      for (const link of links) {
        const current = new URL(link.href, location.href);
        if (current.origin !== location.origin) continue;
        const currentKey = current.pathname.replace(contentHash, "$1");
        if (!currentKey.endsWith(wanted)) continue;
        // Keep any base-path prefix the page's link carries.
        const next = new URL(currentKey.slice(0, currentKey.length - wanted.length) + url, location.href);
        // Same name (no content hash): defeat the cache explicitly.
        if (next.pathname === current.pathname) next.searchParams.set("lkljs-live", String(Date.now()));
        const replacement = link.cloneNode(false);
        replacement.removeAttribute("integrity");
        replacement.setAttribute("href", next.pathname + next.search);
        // Remove the old sheet only once the new one applies, so nothing flashes unstyled.
        const retire = () => link.remove();
        replacement.addEventListener("load", retire, { once: true });
        replacement.addEventListener("error", retire, { once: true });
        link.after(replacement);
        swapped += 1;
      }
    }
    return swapped > 0;
  }

  function showError(text) {
    let overlay = document.getElementById(overlayId);
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = overlayId;
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,0,0,.92);color:#fdd;font:14px/1.5 ui-monospace,monospace;";
      const title = document.createElement("h2");
      title.textContent = "Build failed \u2014 fix the error and save; this page reloads by itself";
      title.style.cssText = "margin:0 0 1rem;font:bold 16px/1.4 system-ui,sans-serif;color:#fff;";
      const close = document.createElement("button");
      close.type = "button";
      close.textContent = "Dismiss";
      close.style.cssText = "float:right;font:inherit;";
      close.addEventListener("click", () => overlay.remove());
      const details = document.createElement("pre");
      details.style.cssText = "white-space:pre-wrap;margin:0;";
      overlay.append(close, title, details);
      (document.body || document.documentElement).append(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }

  connect();
})();
