/* elearn service worker (no framework; every page works without it).
   - An open quiz attempt stays on screen when the connection drops (a reload while offline shows the
     last copy; its script then restores the answers kept in the browser).
   - Lessons stay readable without signal: each lesson page opened is kept, and so are the next few
     lessons of each enrolled course (fetched ahead with X-Elearn-Prefetch: shown, not counted as
     read). A lesson read from the copy is remembered and opened again on the server when the
     connection returns, so the server records it by the same rule as any view (locks, completion).
   Network first: whenever the server answers, its page is shown and the copy refreshed.
   Sign-out answers Clear-Site-Data: "cache", "storage", which removes all of it. */
"use strict";
var CACHE = "elearn-pages-v1";
var READ_OFFLINE = "elearn-read-offline-v1";
var ATTEMPT = /^\/attempts\/\d+$/;
var LESSON = /^\/lessons\/\d+$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && ATTEMPT.test(url.pathname)) {
    event.respondWith(networkFirst(request, false));
  } else if (request.mode === "navigate" && LESSON.test(url.pathname)) {
    event.respondWith(networkFirst(request, true));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.ok) cache.put(request, response.clone());
          return response;
        });
      });
    }));
  }
});

/* The page from the server (kept), else the kept copy; a lesson read from its copy is remembered. */
function networkFirst(request, lesson) {
  var path = new URL(request.url).pathname;
  var key = lesson ? path : request;  /* a lesson is kept once, whatever its query string */
  return caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok && !response.redirected) cache.put(key, response.clone());
      return response;
    }).catch(function () {
      return cache.match(key).then(function (hit) {
        if (hit && lesson) return remember(path).then(function () { return hit; });
        return hit || cache.match(request, { ignoreSearch: true }).then(function (any) { return any || Response.error(); });
      });
    });
  });
}

function remember(path) {
  return caches.open(READ_OFFLINE).then(function (queue) { return queue.put(path, new Response("")); });
}

/* Open each lesson read offline on the server (a plain view: the server decides what it counts);
   kept for later only while the server cannot be reached or asks to sign in again. */
var replaying = null;
function replay() {
  if (replaying) return replaying;
  replaying = caches.open(READ_OFFLINE).then(function (queue) {
    return queue.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) {
        return fetch(key.url, { credentials: "same-origin", redirect: "follow" }).then(function (response) {
          var signedOut = response.redirected && new URL(response.url).pathname === "/login";
          if (!signedOut) return queue.delete(key);
        }).catch(function () {});
      }));
    });
  }).then(function () { replaying = null; }, function () { replaying = null; });
  return replaying;
}

/* Keep the next lessons of each enrolled course (those not kept yet). */
function keepAhead() {
  return fetch("/offline/lessons", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : { lessons: [] }; })
    .then(function (body) {
      return caches.open(CACHE).then(function (cache) {
        return Promise.all((body.lessons || []).map(function (path) {
          return cache.match(path).then(function (hit) {
            if (hit) return;
            return fetch(path, { credentials: "same-origin", headers: { "X-Elearn-Prefetch": "1" } }).then(function (response) {
              if (response.ok && !response.redirected) return cache.put(path, response);
            });
          });
        }));
      });
    }).catch(function () {});
}

self.addEventListener("message", function (event) {
  if (event.data === "sign-out") event.waitUntil(Promise.all([caches.delete(CACHE), caches.delete(READ_OFFLINE)]));
  else if (event.data === "online") event.waitUntil(replay().then(keepAhead));
});
