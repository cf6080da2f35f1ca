// The hero's focal point on the article form: a click on the saved hero ([data-focal-picker]) sets
// the two number fields ([data-focal="x"], [data-focal="y"], percent across and down) and moves the
// ring to the point. Without JavaScript the fields are typed by hand; typing in them moves the ring
// too, so keyboard users see the point they set. The ring is placed with the CSSOM (allowed by
// the CSP), never with a style attribute.
(function () {
  "use strict";
  function start() {
    var picker = document.querySelector("[data-focal-picker]");
    var fieldX = document.querySelector('[data-focal="x"]');
    var fieldY = document.querySelector('[data-focal="y"]');
    if (!picker || !fieldX || !fieldY) return;
    var image = picker.querySelector("img");
    var marker = picker.querySelector(".focal-marker");
    picker.classList.add("is-active");

    function clamp(value) {
      var number = Math.round(Number(value));
      if (!isFinite(number)) return 50;
      return Math.min(100, Math.max(0, number));
    }
    function show() {
      var x = clamp(fieldX.value), y = clamp(fieldY.value);
      marker.style.left = x + "%";
      marker.style.top = y + "%";
      image.title = picker.getAttribute("data-label").replace("%(x)s", x).replace("%(y)s", y);
    }
    image.addEventListener("click", function (event) {
      var box = image.getBoundingClientRect();
      fieldX.value = clamp((event.clientX - box.left) / box.width * 100);
      fieldY.value = clamp((event.clientY - box.top) / box.height * 100);
      // admin-unsaved.js and any other listener learn of the change as if it were typed.
      fieldX.dispatchEvent(new Event("input", { bubbles: true }));
      fieldY.dispatchEvent(new Event("input", { bubbles: true }));
      show();
    });
    fieldX.addEventListener("input", show);
    fieldY.addEventListener("input", show);
    show();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
