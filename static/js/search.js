// The search overlay: opened by the header's search button and by "/" outside text fields;
// Esc or the close button closes it and puts the focus back on the button. Without this file
// the button is a plain link to /search, whose form works without JavaScript.
(function () {
  "use strict";

  function isTextField(element) {
    if (!element || element === document.body) return false;
    if (element.isContentEditable) return true;
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    var nonText = ["button", "checkbox", "radio", "submit", "reset", "file", "image", "range", "color"];
    return nonText.indexOf((element.type || "text").toLowerCase()) === -1;
  }

  function start() {
    var dialog = document.getElementById("search-overlay");
    var button = document.getElementById("search-button");
    if (!dialog || !button || typeof dialog.showModal !== "function") return;
    var input = dialog.querySelector(".search-overlay-input");
    var closeButton = dialog.querySelector(".search-overlay-close");

    function open() {
      if (dialog.open) return;
      dialog.showModal();
      document.body.classList.add("search-open");
      button.setAttribute("aria-expanded", "true");
      input.focus();
      input.select();
    }

    function close() {
      if (dialog.open) dialog.close();
    }

    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-controls", "search-overlay");
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      open();
    });
    closeButton.addEventListener("click", close);

    // Esc: handled here rather than left to the browser, because in a search field the
    // browser's first Esc only clears the text.
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      }
    });
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      close();
    });
    dialog.addEventListener("close", function () {
      document.body.classList.remove("search-open");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    });
    // A click on the backdrop (outside the panel) closes too.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) close();
    });

    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      if (dialog.open || isTextField(event.target)) return;
      event.preventDefault();
      open();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
