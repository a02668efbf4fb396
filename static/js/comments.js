// Threaded replies: "Reply" moves the comment form under that comment, "Cancel Reply" puts it
// back. Without JavaScript the same links reload the page with ?replytocom=ID (see _form.html).
(function () {
  "use strict";
  if (window.hubletComments) return;
  window.hubletComments = true;

  var HOME_ID = "respond-home";

  function respond() { return document.getElementById("respond"); }

  function setTitle(box, commentId, author) {
    var parent = box.querySelector("input[name='parent_id']");
    var title = box.querySelector(".reply-title-text");
    var cancel = box.querySelector(".cancel-reply");
    if (parent) parent.value = commentId || "";
    if (title) title.textContent = commentId ? "Reply to " + author : "Leave A Reply";
    if (cancel) cancel.hidden = !commentId;
  }

  // A marker where the form lives, so that it can go back there.
  function home(box) {
    var marker = document.getElementById(HOME_ID);
    if (!marker) {
      marker = document.createElement("div");
      marker.id = HOME_ID;
      marker.hidden = true;
      box.parentNode.insertBefore(marker, box);
    }
    return marker;
  }

  function moveUnder(link) {
    var box = respond();
    var item = document.getElementById("comment-" + link.getAttribute("data-comment-id"));
    if (!box || !item) return false;
    var body = item.querySelector(".comment-body");
    home(box);
    body.parentNode.insertBefore(box, body.nextSibling);
    setTitle(box, link.getAttribute("data-comment-id"), link.getAttribute("data-author") || "");
    var text = box.querySelector("textarea");
    if (text) text.focus();
    return true;
  }

  function moveHome(box, focus) {
    var marker = document.getElementById(HOME_ID);
    if (marker && box.previousSibling !== marker) {
      marker.parentNode.insertBefore(box, marker.nextSibling);
    }
    setTitle(box, "", "");
    if (focus) {
      var text = box.querySelector("textarea");
      if (text) text.focus();
    }
  }

  document.addEventListener("click", function (event) {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    if (!(target instanceof Element)) return;
    var reply = target.closest(".comment-reply-link");
    if (reply && moveUnder(reply)) {
      event.preventDefault();
      return;
    }
    var cancel = target.closest(".cancel-reply");
    var box = respond();
    if (cancel && box && box.contains(cancel)) {
      event.preventDefault();
      moveHome(box, true);
    }
  });

  // "Newer / Older comments" with htmx: the page came in beside the link, which is now hidden
  // (see _thread.html), so the focus goes to the page's first comment.
  function nearestList(nav, step) {
    var node = nav[step];
    while (node && !node.classList.contains("comment-list")) node = node[step];
    return node;
  }

  document.addEventListener("htmx:after:swap", function (event) {
    var link = event.target;
    if (!(link instanceof Element) || !link.classList.contains("comments-nav-link")) return;
    var nav = link.closest(".comments-nav");
    if (!nav) return;
    var older = nav.classList.contains("comments-nav-older");
    var list = nearestList(nav, older ? "previousElementSibling" : "nextElementSibling");
    var first = list && list.querySelector(":scope > li.comment");
    if (!first) return;
    first.setAttribute("tabindex", "-1");
    first.focus();
  });

  // After a successful post the fresh form has no parent: it goes back under the thread.
  document.addEventListener("htmx:after:settle", function () {
    var box = respond();
    if (!box) return;
    var parent = box.querySelector("input[name='parent_id']");
    if (parent && !parent.value) moveHome(box, false);
  });
})();
