// Autosaves the article form's text (blog/autosave.py): 3 s after the last keystroke, and no more
// often than every 10 s, so steady typing is saved every 10 s and a pause at once; the copy is the
// editor's own and never published. A heartbeat every 30 s (each autosave is one too) tells the
// server this editor still has the form open, and brings back who else has.
// The status line is an aria-live region that speaks only when a save lands ("Autosaved at 12:03"),
// at most once a minute since it names the minute, never "saving...".
// On the add page (data-new) the first autosave with a title makes the article as a draft: the page
// then becomes that article's form (its address, the form's action, the checks' address), so later
// autosaves and Save go to it and no second article is made.
(function () {
  "use strict";
  var FIELDS = ["title", "subtitle", "excerpt", "body", "content_note", "sources"];

  function start() {
    var box = document.getElementById("autosave");
    var form = document.getElementById("post_form");
    if (!box || !form || !window.fetch || !window.FormData) return;
    var url = box.dataset.autosaveUrl;
    var isNew = box.dataset.new === "1";
    var key = box.dataset.autosaveKey || "";
    var delay = Number(box.dataset.delay) || 3000;
    var interval = Number(box.dataset.interval) || 10000;
    var heartbeat = Number(box.dataset.heartbeat) || 30000;
    var status = document.getElementById("autosave-status");
    var others = document.getElementById("autosave-others");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var dirty = false, busy = false, submitting = false, lastSent = 0, timer = null, lastStatus = "";

    function field(name) { return form.elements.namedItem(name); }
    function say(text) {
      if (text && text !== lastStatus) { status.textContent = text; lastStatus = text; }
    }
    function showOthers(text) {
      others.textContent = text || "";
      others.hidden = !text;
    }

    function send(data) {
      busy = true;
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      lastSent = Date.now();
      return fetch(url, {method: "POST", body: data, credentials: "same-origin",
                         headers: {"Accept": "application/json", "X-Requested-With": "fetch"}})
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (answer) {
            return {ok: response.ok, answer: answer};
          });
        })
        .then(function (result) {
          if ("others" in result.answer) showOthers(result.answer.others);
          return result;
        })
        .finally(function () { busy = false; });
    }

    function save() {
      timer = null;
      if (submitting || !dirty) return;
      if (busy) { schedule(); return; }
      if (isNew && !(field("title") && field("title").value.trim())) return;  // nothing to make yet
      var data = new FormData();
      FIELDS.forEach(function (name) {
        var input = field(name);
        data.append(name, input ? input.value : "");
      });
      if (isNew) {
        ["author", "slug"].forEach(function (name) {
          var input = field(name);
          data.append(name, input ? input.value : "");
        });
        data.append("autosave_key", key);
      }
      dirty = false;
      send(data).then(function (result) {
        if (result.ok && result.answer.created) {
          becomeChangeForm(result.answer);
          say(result.answer.status);
        } else if (result.ok && result.answer.waiting) {
          dirty = true;  // a title or an author is missing: the next keystroke or choice tries again
          say(result.answer.status);
        } else if (result.ok && result.answer.saved) {
          say(result.answer.status);
        } else {
          dirty = true;  // not kept this time (too soon, or refused): try again later
          if (!result.ok && result.answer.error) say(result.answer.error);
          schedule();
        }
      }, function () { dirty = true; schedule(); });
    }

    function becomeChangeForm(answer) {
      isNew = false;
      url = answer.autosave_url;
      form.action = answer.change_url;
      if (window.history && window.history.replaceState) window.history.replaceState(null, "", answer.change_url);
      var slug = field("slug");
      if (slug && slug.value !== answer.slug) slug.value = answer.slug;
      var checks = document.getElementById("editorial-checks");
      if (checks) checks.setAttribute("data-checks-url", answer.checks_url);
    }

    function schedule() {
      if (timer) clearTimeout(timer);
      var wait = Math.max(delay, lastSent + interval - Date.now());
      timer = setTimeout(save, wait);
    }

    FIELDS.forEach(function (name) {
      var input = field(name);
      if (!input) return;
      input.addEventListener("input", function () { dirty = true; schedule(); });
    });
    var author = field("author");
    if (author) author.addEventListener("change", function () { if (isNew) { dirty = true; schedule(); } });
    form.addEventListener("submit", function () { submitting = true; if (timer) clearTimeout(timer); });

    setInterval(function () {
      if (isNew || submitting || busy || Date.now() - lastSent < heartbeat - 1000) return;
      var data = new FormData();
      data.append("heartbeat", "1");
      send(data).catch(function () {});
    }, heartbeat);

    // "Restore the autosaved text": fill the form here (the link shows it filled without JavaScript).
    var restore = document.getElementById("autosave-restore");
    if (restore) {
      restore.addEventListener("click", function (event) {
        event.preventDefault();
        fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
          .then(function (answer) {
            FIELDS.forEach(function (name) {
              var input = field(name);
              if (!input || !(name in answer.text)) return;
              input.value = answer.text[name];
              input.dispatchEvent(new Event("input", {bubbles: true}));  // word count, unsaved warning
            });
            var text = document.getElementById("autosave-notice-text");
            if (text) text.textContent = restore.dataset.restored || text.textContent;
            restore.remove();
            say(box.dataset.restoredStatus);
            var body = field("body");
            if (body) body.focus();
          })
          .catch(function () { window.location.href = restore.href; });  // the server fills it instead
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
