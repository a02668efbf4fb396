"""What the comment region under an article shows: the thread, the form, or "closed".

The article view and the comment views both build it here, so that a page re-rendered after
a failed post shows exactly what the first one did, plus the reader's messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, request

from hublet.comments import cookies, queries, rules
from hublet.comments.forms import CommentForm
from hublet.models import Article, Comment
from hublet.paging import requested_page


@dataclass
class CommentSection:
    """The template context of ``comments/_section.html`` (passed as ``comments``)."""

    article: Article
    thread: queries.Thread
    form: CommentForm
    closed: bool
    reply_to: Comment | None = None
    notice: str | None = None  # a problem shown next to the form (role="alert")
    posted: str | None = None  # a thank-you shown in a fresh form (role="status")
    posted_page: int | None = None  # the page holding the new comment, when not on screen
    posted_id: int | None = None
    max_depth: int = queries.MAX_DEPTH


def blank_form() -> CommentForm:
    """An empty form, pre-filled with the details the reader saved, if any."""
    saved = cookies.saved_details()
    form = CommentForm(formdata=None, data=saved)
    form.save_details.data = bool(saved)
    return form


def per_page() -> int:
    """Top-level comments per page of a thread (config ``COMMENTS_PER_PAGE``)."""
    return max(int(current_app.config.get("COMMENTS_PER_PAGE") or 50), 1)


def requested_reply_to(article: Article) -> Comment | None:
    """The comment named by ``?replytocom=ID`` (the Reply link without JavaScript)."""
    raw = request.args.get("replytocom", "")
    if not raw.isdigit() or len(raw) > 10:
        return None
    return queries.reply_target(article.id, int(raw), cookies.own_comment_ids())


def comment_section(
    article: Article,
    form: CommentForm | None = None,
    reply_to: Comment | None = None,
    notice: str | None = None,
    posted: str | None = None,
    settings: rules.CommentSettings | None = None,
    page: int | None = None,
) -> CommentSection:
    """The section for ``article`` as this reader sees it (their held comments included).

    ``page`` is the thread page shown (default: ``?cpage=``); a page past the end is a 404.
    """
    settings = settings or rules.get_settings()
    page = requested_page("cpage") if page is None else page
    thread = queries.load_thread(article.id, cookies.own_comment_ids(), page, per_page())
    if thread is None:
        abort(404)
    if form is None:
        form = blank_form()
        reply_to = reply_to or requested_reply_to(article)
        if reply_to is not None:
            form.parent_id.data = reply_to.id
    return CommentSection(
        article=article,
        thread=thread,
        form=form,
        closed=rules.comments_closed(article, settings),
        reply_to=reply_to,
        notice=notice,
        posted=posted,
    )
