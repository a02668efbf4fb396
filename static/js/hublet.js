// Small glue for the page chrome: menus, the narrow-screen drawer and the theme switch.
// Everything here enhances markup that already works without JavaScript.
(function () {
  "use strict";

  function closeDetails(details, returnFocus) {
    if (!details.open) return;
    details.open = false;
    if (returnFocus) details.querySelector("summary").focus();
  }

  // Menus are <details>: they open by click, touch and keyboard without us.
  // We add: Esc closes and returns focus, opening one closes the others, a click outside closes.
  function setUpMenus() {
    var menus = Array.prototype.slice.call(document.querySelectorAll(".menu-details"));
    menus.forEach(function (details) {
      details.addEventListener("toggle", function () {
        if (!details.open) return;
        menus.forEach(function (other) { if (other !== details) other.open = false; });
      });
      details.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && details.open) {
          event.stopPropagation();
          closeDetails(details, true);
        }
      });
    });
    document.addEventListener("click", function (event) {
      menus.forEach(function (details) {
        if (!details.contains(event.target)) closeDetails(details, false);
      });
    });
  }

  // Below the breakpoint the main menu is a drawer opened by "Menu" and closed by "Close Menu".
  function setUpDrawer() {
    var toggle = document.querySelector(".menu-toggle");
    var menu = document.getElementById("main-menu");
    if (!toggle || !menu) return;
    var close = menu.querySelector(".menu-close");
    toggle.hidden = false;
    if (close) close.hidden = false;

    function open() {
      menu.classList.add("is-open");
      toggle.setAttribute("aria-expanded", "true");
      document.body.classList.add("drawer-open");
      (close || menu.querySelector("a")).focus();
    }
    function shut() {
      if (!menu.classList.contains("is-open")) return;
      menu.classList.remove("is-open");
      toggle.setAttribute("aria-expanded", "false");
      document.body.classList.remove("drawer-open");
      toggle.focus();
    }
    toggle.addEventListener("click", function () {
      if (menu.classList.contains("is-open")) { shut(); } else { open(); }
    });
    if (close) close.addEventListener("click", shut);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") shut();
    });
  }

  // Light/dark: follows the system until the reader chooses; the choice is remembered.
  function setUpTheme() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    var root = document.documentElement;
    var label = button.querySelector(".theme-toggle-label");
    var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

    function isDark() {
      var chosen = root.getAttribute("data-theme");
      return chosen === "dark" || (chosen !== "light" && systemDark.matches);
    }
    function show() {
      button.setAttribute("aria-pressed", isDark() ? "true" : "false");
      if (label) label.textContent = "Dark mode";
    }
    button.hidden = false;
    show();
    systemDark.addEventListener("change", show);
    button.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("hublet-theme", next); } catch (e) { /* not remembered */ }
      show();
    });
  }

  // On paper a link shows its address (the print styles in hublet.css); a site-relative one
  // gets its absolute form, resolved against the canonical URL (the configured site address).
  function setUpPrintLinks() {
    var canonical = document.querySelector("link[rel='canonical']");
    var base = canonical ? canonical.href : window.location.href;
    var links = document.querySelectorAll(".story-body a[href^='/']");
    Array.prototype.forEach.call(links, function (link) {
      try {
        link.setAttribute("data-print-url", new URL(link.getAttribute("href"), base).href);
      } catch (e) { /* an address URL() refuses keeps its path */ }
    });
  }

  function start() {
    setUpMenus();
    setUpDrawer();
    setUpTheme();
    setUpPrintLinks();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
