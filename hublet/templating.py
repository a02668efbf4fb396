"""Jinja filters and the values every template may read (never the database)."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime

from flask import Flask, current_app, url_for

from hublet import timeutil
from hublet.config import CONTACT_PAGE_SLUG


def init_app(app: Flask) -> None:
    """Register the filters and the context processor."""
    app.jinja_env.filters["date"] = timeutil.format_date
    app.jinja_env.filters["datetime"] = timeutil.format_datetime
    app.jinja_env.filters["iso"] = timeutil.iso_utc
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["image_url"] = image_url
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site_values() -> dict:
        config = current_app.config
        now = timeutil.site_today()
        return {
            "site": {
                "name": config["SITE_NAME"],
                "tagline": config["SITE_TAGLINE"],
                "description": config["SITE_DESCRIPTION"],
                "social_links": config["SOCIAL_LINKS"],
                "footer_social_links": config["FOOTER_SOCIAL_LINKS"],
            },
            "today": now,
            "today_label": timeutil.format_weekday_date(now),
            "current_year": now.year,
        }


_static_versions: dict[str, str] = {}


def static_url(filename: str) -> str:
    """URL of a static file with a short content hash, so it can be cached for a year."""
    version = _static_versions.get(filename)
    if version is None or current_app.debug:
        path = os.path.join(current_app.static_folder or "", filename)
        try:
            with open(path, "rb") as handle:
                version = hashlib.sha256(handle.read()).hexdigest()[:12]
        except OSError:
            version = datetime.now().strftime("%Y%m%d")
        _static_versions[filename] = version
    return url_for("static", filename=filename, v=version)


def image_url(path: str) -> str:
    """An article picture's URL: absolute and rooted paths as they are, others from static/."""
    if not path or path.startswith(("http://", "https://", "/")):
        return path
    return static_url(path)


def page_url(page: object) -> str:
    """The address of a static page (Contact Us has its own view for the form)."""
    slug = getattr(page, "slug", "")
    if slug == CONTACT_PAGE_SLUG:
        return url_for("site.contact")
    return url_for("site.static_page", slug=slug)
