// The story editor's glue for htmx: autosave carries the newest version, a lost connection
// is said in the status line, and pressing a button waits for a save in flight.
// Everything works without it: the form posts and the server answers with a page.
(function () {
  "use strict";

  var inFlight = 0;     // autosaves sent and not yet answered
  var waiting = null;   // {button} pressed while one was in flight
  var leaving = false;  // the form is being sent: no more autosaves from this page

  function form() { return document.getElementById("story-form"); }
  function sync() { return document.getElementById("story-sync"); }
  function status() { return document.getElementById("save-status"); }

  function isAutosave(event) {
    var ctx = event.detail && event.detail.ctx;
    return !!(ctx && ctx.sourceElement && ctx.sourceElement.id === "story-autosave");
  }

  // Values are read when the save is triggered, but a save may wait in the queue behind
  // another: send the version and address that the last answer gave, not stale ones.
  function beforeRequest(event) {
    if (!isAutosave(event)) return;
    if (leaving) { event.preventDefault(); return; }
    var ctx = event.detail.ctx;
    var current = sync();
    if (current) {
      ctx.request.action = current.dataset.editorUrl || ctx.request.action;
      var version = current.querySelector("input[name='version']");
      if (version && ctx.request.body && ctx.request.body.set) {
        ctx.request.body.set("version", version.value);
      }
    }
    inFlight += 1;
  }

  // After a save: the form, the preview and the next autosave post to the story's address
  // (the first save of a new story made it).
  function afterRequest(event) {
    if (!isAutosave(event)) return;
    inFlight = Math.max(0, inFlight - 1);
    var current = sync();
    var url = current && current.dataset.editorUrl;
    if (url) {
      var editor = form();
      if (editor && editor.getAttribute("action") !== url) {
        // The first save made a new story: the page is now its editor (the address too).
        var heading = document.querySelector("main h1");
        if (heading && heading.textContent === "New story") heading.textContent = "Edit story";
        var here = document.querySelector(".mod-nav [aria-current='page']");
        if (here) here.removeAttribute("aria-current");
      }
      if (editor) editor.setAttribute("action", url);
      var body = document.getElementById("body");
      if (body && body.hasAttribute("data-hx-post")) body.setAttribute("data-hx-post", url);
      var saver = document.getElementById("story-autosave");
      if (saver) saver.setAttribute("data-hx-post", url);
    }
    if (waiting && inFlight === 0) {
      var button = waiting.button;
      waiting = null;
      if (button) form().requestSubmit(button); else form().requestSubmit();
    }
  }

  // No answer at all (offline, timed out): say so; the text stays in the page.
  function networkError(event) {
    if (!isAutosave(event)) return;
    var line = status();
    if (line) line.textContent = "Not saved: connection lost, your text is still here.";
  }

  // A button pressed while a save is on its way would carry the version before it, and be
  // refused as a conflict with the writer's own save: send it once the answer is in.
  function submitting(event) {
    if (event.target !== form()) return;
    if (inFlight > 0) {
      event.preventDefault();
      waiting = {button: event.submitter || null};
      return;
    }
    leaving = true;
  }

  function start() {
    var editor = form();
    if (!editor) return;
    Array.prototype.forEach.call(editor.querySelectorAll("[data-js-only]"), function (note) {
      note.hidden = false;
    });
    document.addEventListener("htmx:before:request", beforeRequest);
    document.addEventListener("htmx:finally:request", afterRequest);
    document.addEventListener("htmx:error", networkError);
    editor.addEventListener("submit", submitting);
    // Back from the next page (bfcache): the page may save again.
    window.addEventListener("pageshow", function () { leaving = false; });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
