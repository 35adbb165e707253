// Keeps the kiosk, TV and console pages (and the files they load) so that they open while the
// server cannot be reached; offline.js then shows the "mất kết nối" state over them.
// Everything goes to the network first: while the server answers, nothing comes from here.
"use strict";

const CACHE = "queue-screens-v1";
const SCREEN_PAGE = /\/(kiosk|display|counter)\/[^/]+(\/\d+)?\/?$/;
const NEVER_KEPT = /\/(api|socket\.io)\/|\/(healthz|metrics|service-worker\.js)$/;
const WAIT_MS = 4000;  // then the kept copy, if any: a server that went away may never answer

self.addEventListener("install", (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The page lists what it loaded before this worker was there to see it.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  event.waitUntil(keepAll(data.urls.filter(isKept)));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !isKept(request.url)) return;
  if (request.mode === "navigate" && !SCREEN_PAGE.test(new URL(request.url).pathname)) return;
  event.respondWith(networkFirst(request));
});

function isKept(address) {
  const url = new URL(address, self.location.href);
  return url.origin === self.location.origin && !NEVER_KEPT.test(url.pathname);
}

// A page is kept without its query: the kiosk's pairing link carries a device token.
function keyOf(address) {
  const url = new URL(address, self.location.href);
  return SCREEN_PAGE.test(url.pathname) ? url.origin + url.pathname : url.href;
}

async function keepAll(urls) {
  const cache = await caches.open(CACHE);
  await Promise.all(urls.map(async (url) => {
    try {
      const response = await fetch(keyOf(url), { credentials: "same-origin" });
      if (isKeepable(response)) await cache.put(keyOf(url), response);
    } catch (error) {
      // Not reachable now: kept on its next load.
    }
  }));
}

function isKeepable(response) {
  return response.ok && !response.redirected && response.type === "basic";
}

async function networkFirst(request) {
  const key = keyOf(request.url);
  const network = fetch(request).then(async (response) => {
    if (isKeepable(response)) {
      const cache = await caches.open(CACHE);
      await cache.put(key, response.clone());
    }
    return response;
  });
  const waited = new Promise((resolve) => setTimeout(resolve, WAIT_MS, null));
  try {
    const first = await Promise.race([network, waited]);
    if (first) return first;
    const kept = await caches.match(key);
    return kept || await network;
  } catch (error) {
    const kept = await caches.match(key);
    if (kept) return kept;
    throw error;
  }
}
