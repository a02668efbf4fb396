"""One view serves the full page and its htmx partial (DESIGN.md §3)."""

from __future__ import annotations

from flask import Response, make_response, render_template, request

VARY_HEADERS = ("HX-Request", "HX-Request-Type")


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


def add_vary(response: Response) -> Response:
    """Say that the response differs by the htmx request headers."""
    response.vary.update(VARY_HEADERS)
    return response


def render_page(
    page_template: str,
    partial_template: str | None = None,
    status: int = 200,
    **context: object,
) -> Response:
    """Render ``partial_template`` alone for an htmx partial request, else the full page.

    The page template ``{% include %}``s the partial, so both show the same markup.
    """
    if partial_template is not None and is_partial_request():
        body = render_template(partial_template, **context)
    else:
        from hublet.site.chrome import load_chrome

        body = render_template(page_template, chrome=load_chrome(), **context)
    response = make_response(body, status)
    if partial_template is not None:
        add_vary(response)
    return response
