// Applies the reader's saved light/dark choice before the first paint (no flash).
// Loaded blocking in <head>; everything else lives in hublet.js.
(function () {
  try {
    var saved = localStorage.getItem("hublet-theme");
    if (saved === "light" || saved === "dark") {
      document.documentElement.setAttribute("data-theme", saved);
    }
  } catch (e) { /* storage blocked: follow the system */ }
  document.documentElement.classList.add("js");
})();
