// Moderation page glue: "select all on page" and keeping keyboard focus when a row goes.
// Everything works without it: rows are form buttons, the bulk form posts and redirects.
(function () {
  "use strict";

  function rowBoxes() {
    return Array.prototype.slice.call(document.querySelectorAll("#mod-rows .mod-row-check"));
  }

  // The "select all on page" box is hidden without JavaScript (it could do nothing there).
  function setUpSelectAll() {
    var all = document.getElementById("mod-select-all");
    if (!all || all.dataset.ready) return;
    all.dataset.ready = "1";
    all.closest(".mod-select-all").hidden = false;
    all.addEventListener("change", function () {
      rowBoxes().forEach(function (box) { box.checked = all.checked; });
    });
  }

  // A row action removes the row, and with it the focused button: move focus to the row
  // that takes its place (or the status message) so that keyboard users keep their place.
  function rememberNeighbour(event) {
    var source = event.target;
    var row = source && source.closest ? source.closest(".mod-row") : null;
    if (!row) return;
    var neighbour = row.nextElementSibling || row.previousElementSibling;
    window.setTimeout(function () {
      if (row.isConnected) return;
      var target = neighbour && neighbour.isConnected
        ? neighbour.querySelector(".mod-row-actions button") || neighbour.querySelector("a")
        : document.getElementById("mod-status");
      if (target) {
        if (target.id === "mod-status") target.setAttribute("tabindex", "-1");
        target.focus();
      }
    }, 100);
  }

  // A swap that replaces the focused control (an Articles toggle) or the whole listing (a bulk
  // action): focus the control's replacement by id, or else the status message.
  function keepFocus(event) {
    var active = document.activeElement;
    var source = event.target;
    if (!active || active === document.body || !source || !source.closest) return;
    if (active.closest(".mod-row")) return; // rows are handled by rememberNeighbour
    var id = active.id;
    window.setTimeout(function () {
      if (active.isConnected) return;
      var target = id ? document.getElementById(id) : null;
      if (!target) {
        target = document.getElementById("mod-status");
        if (target) target.setAttribute("tabindex", "-1");
      }
      if (target) target.focus();
    }, 100);
  }

  function start() {
    setUpSelectAll();
    document.addEventListener("htmx:before:swap", rememberNeighbour);
    document.addEventListener("htmx:before:swap", keepFocus);
    // The bulk action swaps the whole listing in: set the new "select all" box up again.
    document.addEventListener("htmx:after:process", setUpSelectAll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
