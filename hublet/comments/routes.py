"""Posting a comment: with htmx the thread and form update in place; without, POST-redirect-GET.

Problems answer where the reader looks: 422 re-renders the form with messages beside the
fields; 409 (duplicate) and 429 (too fast) are a short alert beside the Post button; without
JavaScript the article page comes back with the same form and messages.
"""

from __future__ import annotations

from flask import current_app, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response  # what views return: redirect() makes this base class

from hublet.articles import queries as article_queries
from hublet.comments import bp, cookies, queries, rules, services
from hublet.comments.forms import CommentForm
from hublet.comments.section import CommentSection, comment_section, per_page
from hublet.extensions import limiter
from hublet.htmx import add_vary, is_htmx_request
from hublet.layout import render_error, render_page
from hublet.models import Article, Comment

FLOOD_MESSAGE = "You are posting comments too quickly. Slow down."
DUPLICATE_MESSAGE = "Duplicate comment detected; it looks as though you've already said that!"
CLOSED_MESSAGE = "Comments are closed."
NO_ARTICLE_MESSAGE = "That article does not exist or is not published, so it cannot take comments."
BAD_PARENT_MESSAGE = "The comment you replied to is no longer available."
POSTED_MESSAGE = "Thank you, your comment was posted."
HELD_MESSAGE = "Thank you, your comment is awaiting moderation."


def _rate_limit() -> str:
    return current_app.config.get("COMMENT_RATE_LIMIT") or "1000000 per second"


@bp.post("/article/<slug>/comments")
@limiter.limit(_rate_limit, exempt_when=lambda: not current_app.config.get("COMMENT_RATE_LIMIT"))
def post_comment(slug: str) -> Response:
    """Store a reader's comment, or say what is wrong with it."""
    article = article_queries.visible_article(slug)
    if article is None:
        return render_error(404, NO_ARTICLE_MESSAGE)
    settings = rules.get_settings()
    if rules.comments_closed(article, settings):
        return render_error(403, CLOSED_MESSAGE)

    form = CommentForm()
    valid = form.validate_on_submit()
    parent = _parent(article, form)
    if form.parent_id.errors or (form.parent_id.data and parent is None):
        form.parent_id.errors = [BAD_PARENT_MESSAGE]
        valid = False
    if not valid:
        section = comment_section(article, form, parent, settings=settings, page=_page(parent))
        return _problem(422, section)

    submission = services.make_submission(
        name=form.name.data,
        email=form.email.data,
        website=form.website.data or "",
        text=form.comment.data,
        ip_address=request.remote_addr or "",
        honeypot_filled=form.honeypot_filled,
    )
    outcome = services.post_comment(
        article.id, parent, submission, request.headers.get("User-Agent", ""), settings
    )
    if not outcome.stored:
        status, message = (
            (409, DUPLICATE_MESSAGE) if outcome.result == "duplicate" else (429, FLOOD_MESSAGE)
        )
        section = comment_section(
            article, form, parent, message, settings=settings, page=_page(parent)
        )
        return _problem(status, section)

    comment = outcome.comment
    assert comment is not None
    response = _posted(article, comment, settings)
    cookies.remember_own_comment(response, comment.id)
    if form.save_details.data:
        cookies.save_details(response, submission.name, submission.email, submission.website)
    else:
        cookies.forget_details(response)
    return add_vary(response)


def _parent(article: Article, form: CommentForm) -> Comment | None:
    if not form.parent_id.data:
        return None
    return queries.reply_target(article.id, form.parent_id.data, cookies.own_comment_ids())


def _page(comment: Comment | None) -> int:
    """The thread page to show again with the form: the replied-to comment's, else the first."""
    return queries.page_of_comment(comment, per_page()) if comment is not None else 1


def _on_screen(page: int) -> bool:
    """Whether the reader has thread page ``page`` loaded (``cpages`` inputs beside each list).

    A client that sends none (a script, a form from before thread pages) gets the comment in
    its place, as before.
    """
    raw = request.form.getlist("cpages")
    if not raw:
        return True
    return str(page) in raw


def _posted(article: Article, comment: Comment, settings: rules.CommentSettings) -> Response:
    """htmx: the new comment in its place, a fresh form, the new count. Else: redirect.

    The new comment goes in place only when its page is on the reader's screen; otherwise the
    thank-you links to the page that holds it (as the redirect without JavaScript does).
    """
    page = queries.page_of_comment(comment, per_page())
    if not is_htmx_request():
        target = url_for(
            "articles.article",
            slug=article.slug,
            cpage=page if page > 1 else None,  # page 1 is the article's own address
            _anchor=f"comment-{comment.id}",
        )
        return redirect(target, code=303)
    own = [*cookies.own_comment_ids(), comment.id]
    thread = None
    if _on_screen(page):
        thread = queries.load_thread(article.id, own, page, per_page())
    thread = thread or queries.Thread([], {}, page=page)
    node = thread.node(comment.id)
    # The fresh form holds what the reader now asked to be remembered, and nothing else.
    form = CommentForm(formdata=None)
    if request.form.get("save_details"):
        form = CommentForm(
            formdata=None,
            data={"name": comment.author_name, "email": comment.author_email,
                  "website": comment.author_url, "save_details": True},
        )  # fmt: skip
    section = CommentSection(
        article=article,
        thread=thread,
        form=form,
        closed=rules.comments_closed(article, settings),
        posted=POSTED_MESSAGE if comment.status == "approved" else HELD_MESSAGE,
        posted_page=None if node else page,
        posted_id=comment.id,
    )
    body = render_template("comments/_posted.html", article=article, comments=section, node=node)
    return make_response(body, 200)


def _problem(status: int, section: CommentSection) -> Response:
    """The form (422) or a short alert (409, 429) for htmx; the article page otherwise."""
    if is_htmx_request():
        template = "comments/_form.html" if status == 422 else "comments/_notice.html"
        body = render_template(template, article=section.article, comments=section)
        return add_vary(make_response(body, status))
    related = article_queries.related_articles(section.article)
    response = render_page(
        "articles/article.html",
        article=section.article,
        related=related,
        comments=section,
        status=status,
    )
    return add_vary(response)
