"""Benchmarks: tools that measure Hublet, not part of the installed package.

``python -m bench`` (what ``make bench`` runs) is real HTTP load through gunicorn and wrk
(:mod:`bench.pages`); ``python -m bench.search`` times search in-process (:mod:`bench.search`).
Run them from the project's root, with its ``.venv``.
"""
