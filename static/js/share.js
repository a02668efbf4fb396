// "Copy link" beside the share links: copies the article's address and says so.
// The button stays hidden without JavaScript (the plain share links still work).
(function () {
  "use strict";

  function say(button, text) {
    var status = button.parentNode.querySelector(".share-status");
    if (status) status.textContent = text;
  }

  function copy(button) {
    var url = button.getAttribute("data-copy-link");
    if (!navigator.clipboard) {
      say(button, "Copy this address: " + url);
      return;
    }
    navigator.clipboard.writeText(url).then(
      function () { say(button, "Link copied"); },
      function () { say(button, "Copy this address: " + url); }
    );
  }

  function setUp() {
    document.querySelectorAll("[data-copy-link]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-link]");
    if (button) copy(button);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
