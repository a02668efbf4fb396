# Hublet: `make run` serves the demo site, `make test` runs every test. See README.md.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM := /usr/lib/chromium/chromium
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install system-deps lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests and the benchmark need; installed only when missing.
system-deps:
	@if [ ! -x $(CHROMIUM) ] || ! command -v wrk >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium wrk >/dev/null; \
	fi

run: install
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app seed
	HUBLET_SITE_URL=$${HUBLET_SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install system-deps lint
	$(BIN)/pytest --db=sqlite
	@if [ -n "$$HUBLET_TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$HUBLET_TEST_DATABASE_URL)"; \
		$(BIN)/pytest --db=postgresql; \
	else \
		echo "HUBLET_TEST_DATABASE_URL is not set: PostgreSQL run skipped"; \
	fi

# Real HTTP load on 100,000 seeded articles; BENCH_ARGS="--postgres URL --redis URL" for scale-out.
bench: install system-deps
	$(BIN)/python -m hublet.bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
