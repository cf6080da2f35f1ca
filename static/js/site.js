// Progressive enhancement only: every link and form works without this file.
(function () {
  "use strict";
  // Quick exit: replace this page in the history so Back does not return here. The plain link
  // still works without JavaScript; neither way can clear the browser's history.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-quick-exit]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
      return;
    }
    event.preventDefault();
    window.location.replace(link.href);
  });

  // Offline help: the worker keeps /help/ and /offline/ only (support/offline.py says why). It is
  // served from the root so that its scope covers every page.
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
        // Private windows and some browsers refuse workers: the site works the same, online only.
      });
    });
  }
})();
