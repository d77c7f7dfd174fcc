// SPDX-License-Identifier: MIT OR Apache-2.0
// Cross-origin isolation for hosts that cannot set response headers (GitHub Pages).
// The kernel demo needs SharedArrayBuffer, which browsers only grant to pages
// served with COOP and COEP. This worker re-issues every request and returns
// the response with those headers added. Registered by coi-register.js only when
// the page is not isolated already.
//
// COEP is `require-corp` unless the worker's URL says `?coep=credentialless`, for
// sites that embed cross-origin resources without CORP headers (Chromium only).
"use strict";

const coep = new URL(self.location.href).searchParams.get("coep") === "credentialless" ? "credentialless" : "require-corp";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  // Chromium fires these for DevTools and some prefetches; fetching them again
  // from a worker throws, so let the browser handle them.
  if (request.cache === "only-if-cached" && request.mode !== "same-origin") return;
  event.respondWith(isolated(request));
});

async function isolated(request) {
  let outgoing = request;
  if (coep === "credentialless" && request.mode === "no-cors") {
    outgoing = new Request(request, { credentials: "omit" });
  }
  const response = await fetch(outgoing);
  // Opaque responses and redirects (status 0) cannot be copied; pass them through.
  if (response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Embedder-Policy", coep);
  if (!headers.has("Cross-Origin-Resource-Policy") && new URL(response.url || request.url).origin === self.location.origin) {
    headers.set("Cross-Origin-Resource-Policy", "same-origin");
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
