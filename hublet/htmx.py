"""htmx's request headers: which requests get a partial, and the ``Vary`` that says so.

One view serves the full page and its partial (rendered by hublet.layout.render_page). Only an
htmx request that swaps part of a page gets the partial, and every response that can be either
names the headers in ``Vary``, so that no cache hands a fragment to a reader who asked for a page.
"""

from __future__ import annotations

from typing import TypeVar

from flask import request
from werkzeug.wrappers import Response

VARY_HEADERS = ("HX-Request", "HX-Request-Type")
_R = TypeVar("_R", bound=Response)  # a page, a fragment or a redirect: handed back as it came


def is_partial_request() -> bool:
    """True for an htmx request that swaps part of a page.

    History restores and boosted navigation send ``HX-Request-Type: full`` and get the page.
    """
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Request-Type") == "partial"
    )


def is_htmx_request() -> bool:
    """True for any request made by htmx."""
    return request.headers.get("HX-Request") == "true"


def add_vary(response: _R) -> _R:
    """Say that the response differs by the htmx request headers."""
    response.vary.update(VARY_HEADERS)
    return response
