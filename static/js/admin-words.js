// A live "N words · about M min read" under the article's text box, counted as the server counts
// (blog/models.py word_count and reading_minutes: Unicode letters, digits and "_", 200 a minute).
// The wording comes translated from the page (data-length-one / data-length-other); without
// JavaScript the "length when last saved" line gives the server's figure.
(function () {
  "use strict";
  var WORD = /[\p{L}\p{N}_]+/gu;

  function start() {
    document.querySelectorAll("textarea[data-words-per-minute]").forEach(function (field) {
      var perMinute = Number(field.getAttribute("data-words-per-minute"));
      var note = document.createElement("p");
      note.id = field.id + "_length";
      note.className = "help word-count";
      note.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", note);
      var timer = null;
      function update() {
        var words = (field.value.match(WORD) || []).length;
        var minutes = Math.max(1, Math.ceil(words / perMinute));
        var wording = field.getAttribute(words === 1 ? "data-length-one" : "data-length-other");
        note.textContent = wording.replace("%(words)s", String(words)).replace("%(minutes)s", String(minutes));
      }
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(update, 250);  // announced once typing pauses, not at every key
      });
      update();
    });
  }
  // The admin loads form media in <head>, before the fields exist.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
