// A "Copy link" button beside each preview link ([data-copy]). The button exists only with
// JavaScript; without it the link is plain text to select. Where the clipboard is refused, the
// link is selected instead and the page says how to copy it. The wording comes translated from
// the page (data-copy-label, data-copied, data-selected on an ancestor); #copy-status announces it.
(function () {
  "use strict";
  function announce(text) {
    var status = document.getElementById("copy-status");
    if (!status) return;
    status.textContent = "";  // the same words twice in a row are still announced
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function start() {
    document.querySelectorAll("[data-copy]").forEach(function (link) {
      var words = link.closest("[data-copy-label]");
      if (!words) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button copy-link";
      button.textContent = words.getAttribute("data-copy-label");
      button.setAttribute("aria-describedby", link.id);
      link.insertAdjacentElement("afterend", button);
      button.addEventListener("click", function () {
        var text = link.textContent.trim();
        function fallback() {
          select(link);
          announce(words.getAttribute("data-selected"));
        }
        if (!navigator.clipboard || !window.isSecureContext) {
          fallback();
          return;
        }
        navigator.clipboard.writeText(text).then(function () {
          announce(words.getAttribute("data-copied"));
        }, fallback);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
