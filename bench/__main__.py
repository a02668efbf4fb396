"""``python -m bench``: the HTTP load benchmark that ``make bench`` runs (see bench.pages)."""

from bench.pages import main

raise SystemExit(main())
