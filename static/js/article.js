// Upvote and share without a page reload. Progressive enhancement only: the form and the links
// work without this file, and the page itself is the same for every reader (so it can be cached);
// this visitor's own state comes from the upvote state endpoint.
(function () {
  "use strict";
  if (!window.fetch) {
    return;
  }

  function plural(count) {
    return count === 1 ? "upvote" : "upvotes";
  }

  var box = document.querySelector("[data-upvote]");
  if (box) {
    var form = box.querySelector("form");
    var button = form.querySelector("button");
    var count = box.querySelector("[data-upvote-count]");
    var noun = box.querySelector("[data-upvote-noun]");
    var status = box.querySelector("[data-upvote-status]");
    var label = box.querySelector("[data-upvote-label]");

    var show = function (state) {
      button.setAttribute("aria-pressed", state.upvoted ? "true" : "false");
      // The button says what is so, "Upvoted" once pressed, in the page's own (translated) words.
      label.textContent = label.getAttribute(state.upvoted ? "data-label-on" : "data-label-off");
      count.textContent = String(state.upvotes);
      noun.textContent = plural(state.upvotes);
    };

    fetch(box.getAttribute("data-state-url"), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) { if (state) { show(state); } })
      .catch(function () { /* the server-rendered count stays */ });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.getAttribute("aria-busy") === "true") {
        return;
      }
      button.setAttribute("aria-busy", "true");
      fetch(form.action, {method: "POST", credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) {
          if (response.status === 429) {
            status.textContent = "Too many votes from your connection just now. Please try again in a minute.";
            return null;
          }
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (state) {
          if (!state) {
            return;
          }
          show(state);
          status.textContent = state.note || ((state.upvoted ? "Upvoted. Thank you! " : "Upvote taken back. ") +
            state.upvotes + " " + plural(state.upvotes) + ".");
        })
        .catch(function () {
          status.textContent = "Your vote could not be sent. Please try again.";
        })
        .then(function () { button.removeAttribute("aria-busy"); });
    });
  }

  var share = document.querySelector("[data-share]");
  if (share) {
    var url = share.getAttribute("data-share-url");
    var title = share.getAttribute("data-share-title");
    var shareStatus = share.querySelector("[data-share-status]");
    var countShare = function (which) {
      fetch(share.getAttribute(which), {method: "POST", credentials: "same-origin"}).catch(function () {});
    };

    var copyItem = share.querySelector("[data-share-copy]");
    if (navigator.clipboard && window.isSecureContext) {
      copyItem.hidden = false;
      copyItem.querySelector("button").addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(function () {
          shareStatus.textContent = "Link copied.";
          countShare("data-count-copy");
        }, function () {
          shareStatus.textContent = "Your browser did not allow copying. The address is " + url;
        });
      });
    }

    var deviceItem = share.querySelector("[data-share-device]");
    if (navigator.share) {
      deviceItem.hidden = false;
      deviceItem.querySelector("button").addEventListener("click", function () {
        navigator.share({title: title, url: url}).then(function () { countShare("data-count-device"); }, function () {});
      });
    }
  }
})();
