// Asks before leaving the article form with changes not yet saved: the browser's own "Leave site?"
// question (its wording is the browser's, in the reader's language). Saving the form never asks.
// A form shown again with errors holds what was typed but not saved, so it counts as changed.
(function () {
  "use strict";
  function state(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      parts.push(name + "=" + (typeof value === "string" ? value : value.name + ":" + value.size));
    });
    return parts.join("\u001f");
  }

  function start() {
    var form = document.getElementById("post_form");
    if (!form) return;
    var saved = form.querySelector(".errornote") ? null : state(form);
    var submitting = false;
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || state(form) === saved) return;
      event.preventDefault();
      event.returnValue = "";  // older Chromium shows the question only when this is set
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
