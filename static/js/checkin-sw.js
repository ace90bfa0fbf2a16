/* The door's service worker: the door page and everything it loads, kept for a network cut.
   Served by /events/<slug>/checkin-sw.js, which puts SHELL (the door page's address),
   ASSETS (content-hashed static addresses) and VERSION in front of this file. */
/* global SHELL, ASSETS, VERSION */
"use strict";

var CACHE = "eventdesk-door-" + VERSION;
var PAGE_DEADLINE_MS = 3000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // The page that registered this worker was loaded before it: keep a copy now.
    var shell = fetch(SHELL, { credentials: "same-origin" }).then(function (response) {
      if (response.status === 200 && !response.redirected) { return cache.put(SHELL, response); }
    }).catch(function () { /* kept on the next visit */ });
    return Promise.all([cache.addAll(ASSETS), shell]);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  // Old versions' files go; so does every other door's copy this origin kept under our prefix.
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("eventdesk-door-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// The page: from the network while it answers within the deadline (it carries fresh
// counters and tokens), else the copy from the last visit.
function page(request) {
  return caches.open(CACHE).then(function (cache) {
    var fromNetwork = fetch(request).then(function (response) {
      // Only the door itself is kept: not the PIN form a closed door answers with.
      if (response.status === 200 && !response.redirected) {
        cache.put(SHELL, response.clone());
      }
      return response;
    });
    var late = new Promise(function (resolve) {
      setTimeout(function () { resolve(null); }, PAGE_DEADLINE_MS);
    });
    return Promise.race([fromNetwork.catch(function () { return null; }), late])
      .then(function (response) {
        if (response) { return response; }
        return cache.match(SHELL).then(function (kept) { return kept || fromNetwork; });
      });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(page(request));
    return;
  }
  if (ASSETS.indexOf(url.pathname + url.search) !== -1) {
    event.respondWith(caches.match(request).then(function (kept) {
      return kept || fetch(request);
    }));
  }
});

// The page asks for this on leaving the door or on a revoked door: nothing stays behind.
self.addEventListener("message", function (event) {
  if (event.data === "wipe") {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("eventdesk-door-") === 0;
      }).map(function (name) { return caches.delete(name); }));
    }));
  }
});
