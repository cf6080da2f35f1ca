// The editorial checks (blog/checks.py) follow the typing: a pause of DEBOUNCE_MS in the title,
// subtitle, meta description, content note or body posts those fields (with the CSRF token) to the
// staff-only checks address, and the list is replaced by the fragment it answers. "Acknowledge"
// and "Withdraw" post the same way and keep what was typed. Without JavaScript the list is the one
// the page was rendered with, and both buttons submit the article form, which saves the edits too.
// Beside the text, in the bar that stays in view under the text box with the word count, a link
// says how many checks are open and leads to the list: the editor sees it change while typing.
(function () {
  "use strict";
  var DEBOUNCE_MS = 800;
  var FIELDS = ["title", "subtitle", "excerpt", "content_note", "body"];

  function start() {
    var panel = document.getElementById("editorial-checks");
    if (!panel) { return; }
    var form = panel.closest("form");
    var status = panel.querySelector(".checks-status");
    var timer = null;
    var sent = 0;
    var count = besideTheText(form);

    function showCount() {
      var list = panel.querySelector(".checks-list");
      if (count && list) { count.firstChild.textContent = list.getAttribute("data-checks-summary"); }
    }

    function fields() {
      var data = new FormData();
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      FIELDS.forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && "value" in field) { data.append(name, field.value); }
      });
      return data;
    }

    function show(html, announce) {
      var holder = document.createElement("div");
      holder.innerHTML = html;  // our own server's fragment, escaped by its template
      var list = holder.querySelector(".checks-list");
      var old = panel.querySelector(".checks-list");
      if (!list || !old) { return; }
      old.replaceWith(list);
      showCount();
      if (announce) { status.textContent = list.getAttribute("data-checks-summary"); }
    }

    function post(url, data, announce) {
      var number = ++sent;
      return fetch(url, {method: "POST", body: data, credentials: "same-origin",
                         headers: {"X-Idare-Fragment": "1"}})
        .then(function (response) { return response.text(); })
        .then(function (html) { if (number === sent) { show(html, announce); } })
        .catch(function () { /* offline: the list stays as it was */ });
    }

    form.addEventListener("input", function (event) {
      if (FIELDS.indexOf(event.target.name) === -1) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { post(panel.getAttribute("data-checks-url"), fields(), true); },
                                DEBOUNCE_MS);
    });

    showCount();

    panel.addEventListener("click", function (event) {
      var withdraw = event.target.closest("button[name=withdraw_acknowledgement]");
      if (withdraw) {
        event.preventDefault();
        var payload = fields();
        payload.append("acknowledgement", withdraw.value);
        post(withdraw.getAttribute("data-withdraw-url"), payload, true);
        return;
      }
      var button = event.target.closest("button[name=acknowledge]");
      if (!button) { return; }
      event.preventDefault();
      var data = fields();
      data.append("acknowledge", button.value);
      var reason = panel.querySelector("textarea[name='ack-reason-" + button.value.split(":")[1] + "']");
      data.append(reason ? reason.name : "ack-reason", reason ? reason.value : "");
      post(button.getAttribute("data-acknowledge-url"), data, true).then(function () {
        var alert = panel.querySelector(".checks-list .errornote");
        if (alert) { alert.setAttribute("tabindex", "-1"); alert.focus(); }
      });
    });
  }

  // Under the body's text box, sharing the sticky bar of the word count (admin-words.js runs first).
  // Not a live region: the panel's own status line already announces the new count once.
  function besideTheText(form) {
    var body = form.elements.namedItem("body");
    if (!body || body.tagName !== "TEXTAREA") { return null; }
    var bar = document.createElement("div");
    bar.className = "editor-status";
    var words = document.getElementById(body.id + "_length");
    body.insertAdjacentElement("afterend", bar);
    if (words) { bar.appendChild(words); }
    var line = document.createElement("p");
    line.className = "help checks-count";
    var link = document.createElement("a");
    link.href = "#editorial-checks";
    line.appendChild(link);
    bar.appendChild(line);
    return line;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
