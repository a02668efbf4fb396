// Media library glue. Everything works without it: the library's upload form posts and the
// page says what was stored; the story editor links to the library, whose "Use this picture"
// opens the editor with the picture chosen.
//
// With it: uploads show a progress bar (htmx 4 sends with fetch, which reports no upload
// progress, so this uses XMLHttpRequest), the editor uploads a picture in place, and the
// editor's picker (an htmx fragment) puts the chosen picture in the form.
(function () {
  "use strict";

  var PARTIAL = { "HX-Request": "true", "HX-Request-Type": "partial" };

  function csrfToken(form) {
    var field = form && form.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  // POST FormData with XHR: onProgress(percent), then onDone(status, html).
  function send(url, data, token, onProgress, onDone) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    Object.keys(PARTIAL).forEach(function (name) { xhr.setRequestHeader(name, PARTIAL[name]); });
    if (token) xhr.setRequestHeader("X-CSRFToken", token);
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    });
    xhr.addEventListener("load", function () { onDone(xhr.status, xhr.responseText); });
    xhr.addEventListener("error", function () { onDone(0, ""); });
    xhr.send(data);
  }

  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  // Put each element of the answer in place of the page's element with the same id.
  function replaceById(fragment) {
    Array.prototype.slice.call(fragment.children).forEach(function (incoming) {
      var current = incoming.id && document.getElementById(incoming.id);
      if (!current) return;
      current.replaceWith(incoming);
      if (window.htmx && window.htmx.process) window.htmx.process(incoming);
    });
  }

  // --- The library page's upload form -----------------------------------------------------

  function setUpLibraryUpload() {
    var form = document.getElementById("media-upload");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var box = document.getElementById("media-progress");
    var bar = document.getElementById("media-progress-bar");
    var text = document.getElementById("media-progress-text");
    form.addEventListener("submit", function (event) {
      var files = form.querySelector('input[type="file"]');
      if (!files || !files.files.length || !window.FormData) return; // the browser says why
      event.preventDefault();
      var button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      box.hidden = false;
      bar.value = 0;
      text.textContent = "0%";
      send(form.action, new FormData(form), csrfToken(form), function (percent) {
        bar.value = percent;
        text.textContent = percent + "%";
      }, function (status, html) {
        button.disabled = false;
        if (status === 200 || status === 422) {
          bar.value = 100;
          text.textContent = "Done.";
          replaceById(parse(html));
          if (status === 200) form.reset();
          var outcomes = document.querySelector("#media-outcomes .media-outcomes");
          if (outcomes) {
            outcomes.setAttribute("tabindex", "-1");
            outcomes.focus();
          }
        } else {
          text.textContent = "The upload failed (" + (status || "no answer") + "): please try again.";
        }
      });
    });
  }

  // --- The story editor's hero picture ----------------------------------------------------

  var FIELDS = { alt: "hero_alt", caption: "hero_caption", credit: "hero_credit" };

  // A new picture brings its own text: each field takes the picture's, unless the writer typed
  // something of their own there (neither empty nor the previous picture's text).
  function takeText(previous, chosen) {
    Object.keys(FIELDS).forEach(function (key) {
      var field = document.getElementById(FIELDS[key]);
      if (!field) return;
      var before = previous ? previous.getAttribute("data-" + key) || "" : "";
      var now = chosen.getAttribute("data-" + key);
      if (now === null) return; // nothing chosen (a refused upload)
      if (field.value === "" || field.value === before) field.value = now;
    });
  }

  function putChosen(html) {
    var previous = document.getElementById("hero-chosen");
    var chosen = parse(html).getElementById("hero-chosen");
    if (!previous || !chosen) return null;
    var remembered = previous.cloneNode(false);
    previous.replaceWith(chosen);
    takeText(remembered, chosen);
    var address = document.getElementById("hero_image");
    if (address && chosen.getAttribute("data-picture-id")) address.value = "";
    return chosen;
  }

  function focusChosen(chosen) {
    var target = chosen.querySelector("#hero_picture_id") || chosen;
    if (target === chosen) chosen.setAttribute("tabindex", "-1");
    target.focus();
  }

  function closeLibrary() {
    var panel = document.getElementById("hero-library");
    if (panel) panel.innerHTML = "";
  }

  function choose(button) {
    button.disabled = true;
    fetch(button.getAttribute("data-choose-picture"), { headers: PARTIAL, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var chosen = putChosen(html);
        closeLibrary();
        if (chosen) focusChosen(chosen);
      })
      .catch(function () { button.disabled = false; });
  }

  function setUpEditor() {
    var upload = document.getElementById("hero-upload");
    if (!upload || upload.dataset.ready) return;
    upload.dataset.ready = "1";
    upload.hidden = false;
    var input = document.getElementById("hero-upload-file");
    var button = document.getElementById("hero-upload-button");
    var progress = document.getElementById("hero-upload-progress");
    var status = document.getElementById("hero-upload-status");
    var form = upload.closest("form");

    button.addEventListener("click", function () {
      if (!input.files.length) {
        status.textContent = "Choose a picture to upload first.";
        input.focus();
        return;
      }
      var data = new FormData();
      data.append("file", input.files[0]);
      Object.keys(FIELDS).forEach(function (key) {
        var field = document.getElementById(FIELDS[key]);
        if (field) data.append(FIELDS[key], field.value);
      });
      button.disabled = true;
      progress.hidden = false;
      progress.value = 0;
      status.textContent = "Uploading…";
      send(upload.getAttribute("data-upload-url"), data, csrfToken(form), function (percent) {
        progress.value = percent;
      }, function (code, html) {
        button.disabled = false;
        progress.value = 100;
        if (code === 200 || code === 422) {
          var chosen = putChosen(html);
          status.textContent = code === 200 ? "Uploaded: the picture is chosen." : "Not uploaded: see why above.";
          if (code === 200) input.value = "";
          if (chosen) focusChosen(chosen);
        } else {
          status.textContent = "The upload failed (" + (code || "no answer") + "): please try again.";
        }
      });
    });

    document.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("[data-choose-picture], [data-picker-close]") : null;
      if (!target) return;
      if (target.hasAttribute("data-choose-picture")) {
        choose(target);
      } else {
        closeLibrary();
        var link = document.getElementById("hero-choose");
        if (link) link.focus();
      }
    });

    // Enter in the picker's search box searches; it must not save the story.
    document.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.matches && event.target.matches("[data-picker-search]")) {
        event.preventDefault();
      }
    });

    // The picker arrived: its search box takes the focus.
    document.addEventListener("htmx:after:settle", function (event) {
      if (event.target && event.target.id === "hero-library") {
        var search = event.target.querySelector("[data-picker-search]");
        if (search) search.focus();
      }
    });
  }

  function start() {
    setUpLibraryUpload();
    setUpEditor();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
