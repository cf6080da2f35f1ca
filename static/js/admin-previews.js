// The article form's previews (blog/admin.py SideBySidePreview and how_it_will_look):
// 1. markdownx's live preview beside the text box (stacked on a narrow screen, static/css/admin-preview.css),
//    marked as the article's prose so it takes the site's article styles. markdownx fills it with what
//    our preview endpoint (core/editor.py) answers: the body sanitized by core/markdown.py, as readers get it.
// 2. The search result and link card follow the title, address and excerpt as they are typed. Text only
//    ever goes in through textContent: nothing typed is read as HTML.
(function () {
  "use strict";

  function sideBySide(editor) {
    var preview = editor.querySelector(".markdownx-preview");
    var field = editor.querySelector("textarea");
    if (!preview || !field || editor.classList.contains("side-by-side")) {
      return;
    }
    // The text box and whatever sits under it (the live word count) form one column, the preview the other.
    var column = document.createElement("div");
    column.className = "preview-pair__editor";
    Array.prototype.slice.call(editor.children).forEach(function (child) {
      if (child !== preview) {
        column.appendChild(child);
      }
    });
    editor.insertBefore(column, preview);
    editor.classList.add("side-by-side");
    var row = editor.closest(".form-row");
    if (row) {
      row.classList.add("has-side-by-side");
    }
    preview.classList.add("article-preview");
    preview.id = field.id + "_preview";
    preview.setAttribute("role", "region");
    preview.setAttribute("aria-label", field.getAttribute("data-preview-label") || "Preview");
    preview.tabIndex = 0;  // it scrolls on its own beside a long text: reachable with the keyboard
  }

  function shorten(text, limit) {
    // As blog/admin.py shorten: whitespace collapsed, cut at a word, an ellipsis.
    var chars = Array.from(text.trim().replace(/\s+/g, " "));
    if (chars.length <= limit) {
      return chars.join("");
    }
    var cut = chars.slice(0, limit - 1).join("");
    var space = cut.lastIndexOf(" ");
    if (chars[limit - 1] !== " " && space > 0) {  // not in the middle of a word
      cut = cut.slice(0, space);
    }
    return cut.replace(/[ .,;:!?]+$/, "") + "…";
  }

  function looks(box) {
    var title = document.getElementById("id_title");
    var slug = document.getElementById("id_slug");
    var excerpt = document.getElementById("id_excerpt");
    var titleLimit = Number(box.getAttribute("data-title-limit"));
    var descriptionLimit = Number(box.getAttribute("data-description-limit"));
    function show(name, text) {
      var element = box.querySelector('[data-look="' + name + '"]');
      if (element) {
        element.textContent = text;
      }
    }
    function update() {
      if (title) {
        show("search-title", shorten(title.value + box.getAttribute("data-title-suffix"), titleLimit));
        show("card-title", title.value);
      }
      if (slug) {
        show("url", box.getAttribute("data-url-prefix") + slug.value + box.getAttribute("data-url-suffix"));
      }
      if (excerpt) {
        show("search-description", shorten(excerpt.value, descriptionLimit));
        show("card-description", excerpt.value);
      }
    }
    var pending = null;
    function later() {
      // After the admin's own script has filled the slug from the title (it listens to keyup and change).
      window.clearTimeout(pending);
      pending = window.setTimeout(update, 0);
    }
    [title, slug, excerpt].forEach(function (input) {
      if (input) {
        ["input", "keyup", "change"].forEach(function (kind) { input.addEventListener(kind, later); });
      }
    });
  }

  function start() {
    document.querySelectorAll(".markdownx").forEach(sideBySide);
    document.querySelectorAll(".look-preview").forEach(looks);
  }
  // The admin loads form media in <head>, before the fields exist.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
