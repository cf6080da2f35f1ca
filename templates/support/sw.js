// iDare's service worker. It keeps two pages, /help/ and /offline/, and nothing else: a shared
// phone must not reveal what someone read, searched or wrote. Without a network, /help/ comes from
// its kept copy and every other page from /offline/. Version {{ version }} changes with the helplines.
"use strict";

var CACHE = "idare-help-{{ version|escapejs }}";
var HELP = "{{ help_url|escapejs }}";
var OFFLINE = "{{ offline_url|escapejs }}";
var EXIT = "{{ exit_url|escapejs }}";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll([HELP, OFFLINE]); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) {
          return caches.delete(name);
        }));
      })
      .then(function () { return self.registration.navigationPreload && self.registration.navigationPreload.enable(); })
      .then(function () { return self.clients.claim(); })
  );
});

function fromNetwork(event) {
  return Promise.resolve(event.preloadResponse).then(function (preloaded) {
    return preloaded || fetch(event.request);
  });
}

function keepHelp(event, response) {
  if (response.ok && response.type === "basic" && !response.redirected) {
    var copy = response.clone();
    event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(HELP, copy); }));
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  // Only pages a reader opens; images, styles, forms (POST) and other sites are the browser's own.
  if (request.method !== "GET" || request.mode !== "navigate") {
    return;
  }
  var url = new URL(request.url);
  // Quick exit stays the browser's own request, so that it sees the answer's Clear-Site-Data.
  if (url.origin !== self.location.origin || url.pathname === EXIT) {
    return;
  }
  if (url.pathname === HELP) {
    event.respondWith(fromNetwork(event).then(function (response) {
      // A query string might hold something a person typed: only the plain page is kept.
      return url.search ? response : keepHelp(event, response);
    }).catch(function () {
      return caches.match(HELP).then(function (kept) { return kept || caches.match(OFFLINE); });
    }));
    return;
  }
  event.respondWith(fromNetwork(event).catch(function () {
    return caches.match(OFFLINE).then(function (kept) { return kept || Response.error(); });
  }));
});
