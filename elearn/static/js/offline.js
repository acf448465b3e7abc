/* Reading without signal: registers elearn's service worker (static/js/sw.js, served at /sw.js) and,
   whenever a page loads or the connection returns, asks it to record lessons read offline and keep
   the next few lessons of each enrolled course. Pages work the same without it. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  function ping() {
    if (!navigator.onLine) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage("online");
    });
  }
  navigator.serviceWorker.register("/sw.js").then(ping).catch(function () {});
  window.addEventListener("online", ping);
})();
