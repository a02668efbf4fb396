"""What the comment region under an article shows: the thread, the form, or "closed".

The article view and the comment views both build it here, so that a page re-rendered after
a failed post shows exactly what the first one did, plus the reader's messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from hublet.comments import cookies, queries, rules
from hublet.comments.forms import CommentForm
from hublet.models import Article, Comment


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
    max_depth: int = queries.MAX_DEPTH


def blank_form() -> CommentForm:
    """An empty form, pre-filled with the details the reader saved, if any."""
    saved = cookies.saved_details()
    form = CommentForm(formdata=None, data=saved)
    form.save_details.data = bool(saved)
    return form


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
) -> CommentSection:
    """The section for ``article`` as this reader sees it (their held comments included)."""
    settings = settings or rules.get_settings()
    if form is None:
        form = blank_form()
        reply_to = reply_to or requested_reply_to(article)
        if reply_to is not None:
            form.parent_id.data = reply_to.id
    return CommentSection(
        article=article,
        thread=queries.load_thread(article.id, cookies.own_comment_ids()),
        form=form,
        closed=rules.comments_closed(article, settings),
        reply_to=reply_to,
        notice=notice,
        posted=posted,
    )
