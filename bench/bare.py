"""The floor of ``make bench``: a bare Flask app serving the bench's 60 KB file from a route.

No middleware, no headers, no logging, no database: what any Flask app costs under the same
gunicorn settings. Hublet's figures divided by this one say what Hublet itself costs.
"""

from pathlib import Path

from flask import Flask, Response

BODY = (Path(__file__).resolve().parent.parent / "static/bench/static-60k.html").read_bytes()

app = Flask(__name__)


@app.get("/static-60k.html")
def static_60k() -> Response:
    """The same bytes the static baseline holds."""
    return Response(BODY, mimetype="text/html")
