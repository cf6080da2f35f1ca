// A live character count under fields marked data-count="N" (the meta description). Without
// JavaScript the field's help text states the same limit, and maxlength still holds.
(function () {
  "use strict";
  function start() {
  document.querySelectorAll("[data-count]").forEach(function (field) {
    var target = Number(field.getAttribute("data-count"));
    var count = document.createElement("p");
    count.id = field.id + "_count";
    count.className = "help character-count";
    count.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", count);
    var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(count.id);
    field.setAttribute("aria-describedby", described.join(" "));
    var timer = null;
    // The wording comes translated from the page (blog/forms.py): data-count-one/-other, -under/-over.
    function update() {
      var length = field.value.length;
      var characters = field.getAttribute(length === 1 ? "data-count-one" : "data-count-other")
        .replace("%(count)s", String(length));
      count.textContent = field.getAttribute(length > target ? "data-count-over" : "data-count-under")
        .replace("%(count)s", characters).replace("%(target)s", String(target));
    }
    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 250);  // a screen reader hears the count once typing pauses
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
