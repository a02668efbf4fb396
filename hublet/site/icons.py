"""The icon addresses a browser asks for by itself: ``/favicon.ico`` at the root (whatever the
page links to) and the web app manifest, which carries the configured site name.

The icons are made from the logo by tools/make_icons.py and kept in static/img/icons/.
"""

from __future__ import annotations

import json
import os

from flask import Response, current_app, send_from_directory

from hublet.site import bp
from hublet.templating import static_url

ICONS = "img/icons"
#: The top bar's colour in the light and the dark scheme (static/css/hublet.css --topbar-bg);
#: templates/_head.html gives browsers the same two as theme-color.
THEME_COLOUR = "#111318"
BACKGROUND_COLOUR = "#ffffff"
#: Unversioned addresses: kept a day, so that a new icon shows within one.
ICON_MAX_AGE = 86400


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The ICO (16, 32 and 48 pixels) browsers fetch from the root of every site."""
    folder = os.path.join(current_app.static_folder or "", ICONS)
    return send_from_directory(folder, "favicon.ico", max_age=ICON_MAX_AGE)


@bp.get("/site.webmanifest")
def manifest() -> Response:
    """The web app manifest: name, colours and icons for a home-screen shortcut."""
    name = current_app.config["SITE_NAME"]
    icon = f"{ICONS}/icon-512.png"
    body = {
        "name": name,
        "short_name": name,
        "start_url": "/",
        "scope": "/",
        "display": "browser",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static_url(f"{ICONS}/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static_url(f"{ICONS}/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static_url(icon), "sizes": "512x512", "type": "image/png"},
            {
                "src": static_url(icon),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = Response(json.dumps(body, indent=2), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = f"public, max-age={ICON_MAX_AGE}"
    return response
