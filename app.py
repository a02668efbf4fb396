"""Entry point for the `flask` command and for gunicorn (`gunicorn app:app`)."""

from hublet import create_app

app = create_app()
