"""Hublet: a news publication on Flask and htmx."""

from __future__ import annotations

import os

from flask import Flask

from hublet.config import load_config
from hublet.extensions import cache, csrf, db, limiter, migrate

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, commands."""
    instance_path = (
        (test_config or {}).get("INSTANCE_PATH")
        or os.environ.get("HUBLET_INSTANCE_PATH")
        or os.path.join(PROJECT_ROOT, "instance")
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, test_config)

    from hublet import hot_pages, security

    # Inside the host check and proxy handling that security.init_app wraps around it.
    hot_pages.init_app(app)
    security.init_app(app)  # first: its input guards run before every other hook

    db.init_app(app)
    from hublet.search.schema import include_object

    migrate.init_app(
        app,
        db,
        directory=os.path.join(PROJECT_ROOT, "migrations"),
        render_as_batch=True,
        include_object=include_object,  # the search index's tables are not in the models
    )
    csrf.init_app(app)
    cache.init_app(app)
    limiter.init_app(app)

    from hublet import caching

    caching.init_app(app)  # after the limiter: a cached page still counts against limits

    from hublet.database import configure_engine

    configure_engine(app)

    from hublet import errors, layout, seo, templating
    from hublet.articles import bp as articles_bp
    from hublet.comments import bp as comments_bp
    from hublet.feeds import bp as feeds_bp
    from hublet.media import init_app as init_media
    from hublet.media.routes import bp as media_library_bp
    from hublet.media_files import bp as media_files_bp
    from hublet.moderation import bp as moderation_bp
    from hublet.newsroom import bp as newsroom_bp
    from hublet.search import bp as search_bp
    from hublet.site import bp as site_bp
    from hublet.site.chrome import load_chrome

    templating.init_app(app)
    seo.init_app(app)
    init_media(app)
    errors.init_app(app)
    layout.init_app(app, chrome_loader=load_chrome)
    app.register_blueprint(articles_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(moderation_bp, url_prefix="/moderation")
    app.register_blueprint(newsroom_bp, url_prefix="/newsroom")
    app.register_blueprint(media_library_bp, url_prefix="/newsroom/media")
    app.register_blueprint(feeds_bp)
    app.register_blueprint(media_files_bp)
    # Last: its "/<slug>" static-page route must not shadow the others.
    app.register_blueprint(site_bp)

    from hublet import form_tokens

    # Their forms (and the view beacon) are on pages every anonymous reader shares.
    form_tokens.init_app(
        app, forms=("comments.post_comment", "site.contact"), beacons=("articles.record_view",)
    )

    from hublet.cli import register_commands

    register_commands(app)
    return app
