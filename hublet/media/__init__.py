"""The media library: pictures uploaded (or added with ``flask media add``), checked by
decoding, stripped of metadata, kept in a few widths, and rendered as responsive ``<img>``.

``processing`` makes the files, ``storage`` keeps them, ``library`` records them, and
``templates/media/_picture.html`` shows them; :func:`init_app` gives templates ``media_url``,
``hero_picture`` and ``image_sources``, and has story bodies saved with their library
pictures made responsive (``body_figures``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Templates reach stored files through the app's storage, and an article's picture;
    the library's upload form may send pictures larger than other forms."""
    from hublet.media import body_figures
    from hublet.media.rendering import hero_picture, image_sources, media_url
    from hublet.media.routes import allow_uploads

    app.add_template_global(media_url, "media_url")
    app.add_template_global(hero_picture, "hero_picture")
    app.add_template_global(image_sources, "image_sources")
    body_figures.init_app(app)
    app.before_request_funcs.setdefault(None, []).insert(0, allow_uploads)
