"""Home, static pages and Contact Us."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from werkzeug.wrappers import Response  # what views return: redirect() makes this base class

from hublet.articles import queries as article_queries
from hublet.config import CONTACT_PAGE_SLUG
from hublet.layout import render_page
from hublet.paging import ensure_page_exists, requested_cursor, requested_page
from hublet.security import rate_limit
from hublet.site import bp, queries
from hublet.site.forms import ContactForm


@bp.get("/")
def home() -> Response:
    """The lead story and the latest articles, newest first."""
    if "p" in request.args or "page_id" in request.args:
        return _wordpress_redirect()
    page = requested_page()
    per_page = int(current_app.config["ARTICLES_PER_PAGE"])
    paged = article_queries.latest_articles(page, per_page, requested_cursor())
    ensure_page_exists(page, len(paged.items))
    return render_page("site/home.html", "articles/_archive_page.html", paged=paged, kind="home")


def _wordpress_redirect() -> Response:
    """Old WordPress links (``/?p=ID``, ``/?page_id=ID``) move for good to the imported story."""
    from hublet.site.old_links import moved
    from hublet.site.redirects import wordpress_address

    return moved(wordpress_address(request.args.get("p"), request.args.get("page_id")))


@bp.route(f"/{CONTACT_PAGE_SLUG}", methods=["GET", "POST"])
@rate_limit("RATELIMIT_CONTACT")
def contact() -> Response:
    """The contact page; a valid message is stored and the reader thanked."""
    page = queries.page_by_slug(CONTACT_PAGE_SLUG)
    form = ContactForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            queries.store_contact_message(
                name=form.name.data,
                email=form.email.data,
                subject=form.subject.data,
                message=form.message.data,
                ip_address=request.remote_addr or "",
            )
            flash("Thank you for your message. We will get back to you soon.", "success")
            return redirect(url_for("site.contact", _anchor="contact-form"), code=303)
        status = 422
    return render_page("site/contact.html", page=page, form=form, status=status)


@bp.get("/<slug>")
def static_page(slug: str) -> Response:
    """About Us, Privacy Policy, Terms & Conditions, Disclaimer."""
    page = queries.page_by_slug(slug)
    if page is None:
        abort(404)
    return render_page("site/page.html", page=page)
