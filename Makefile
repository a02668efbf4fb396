# Hublet: `make run` serves the demo site, `make test` runs every test. See README.md.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM := /usr/lib/chromium/chromium
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install system-deps validator lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests and the benchmark need; installed only when missing. Java runs the
# HTML validator; npm fetches it; nginx is the edge in tests/test_edge.py and `make bench --edge`
# (run as a plain child process there: the system service is not needed).
system-deps:
	@if [ ! -x $(CHROMIUM) ] || ! command -v wrk >/dev/null || [ ! -x /usr/sbin/nginx ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium wrk nginx >/dev/null; \
	fi
	@if ! command -v java >/dev/null || ! command -v npm >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			$$(command -v java >/dev/null || echo default-jre-headless) \
			$$(command -v npm >/dev/null || echo npm) >/dev/null; \
	fi

# The Nu HTML validator for tests/test_valid_html.py: npm vnu-jar, pinned. The jar is 32 MB, so
# it is fetched (into the git-ignored tests/validator/), never committed, and checked against
# the registry's sha512 (npm's dist.integrity "sha512-TkQd5DFf...", here in hex).
VNU_VERSION := 26.9.27
VNU_SHA512 := 4e441de4315f39a582f5e6edbe8cd3b2b1f655aa1dde3620faface791133217c417b12f3f7ead2d8336d8e7efe44f5226618258b44a0860057e9125135e6b428
VNU_DIR := tests/validator

validator: $(VNU_DIR)/.vnu-$(VNU_VERSION)

$(VNU_DIR)/.vnu-$(VNU_VERSION):
	rm -rf $(VNU_DIR) && mkdir -p $(VNU_DIR)
	cd $(VNU_DIR) && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null
	echo "$(VNU_SHA512)  $(VNU_DIR)/vnu-jar-$(VNU_VERSION).tgz" | sha512sum --check --quiet
	tar -xzf $(VNU_DIR)/vnu-jar-$(VNU_VERSION).tgz -C $(VNU_DIR) --strip-components=3 package/build/dist/vnu.jar
	rm $(VNU_DIR)/vnu-jar-$(VNU_VERSION).tgz
	touch $@

run: install
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app seed
	HUBLET_SITE_URL=$${HUBLET_SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install system-deps validator lint
	$(BIN)/pytest --db=sqlite
	@if [ -n "$$HUBLET_TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$HUBLET_TEST_DATABASE_URL)"; \
		$(BIN)/pytest --db=postgresql; \
	else \
		echo "HUBLET_TEST_DATABASE_URL is not set: PostgreSQL run skipped"; \
	fi

# Real HTTP load on 100,000 seeded articles (seeded once, then copied per run); BENCH_ARGS="--edge
# --redis URL" for the figures of docs/bench.md, "--postgres URL" for PostgreSQL. Needs only wrk
# and nginx (installed when missing), not the test suite's browser and validator.
bench: install
	@if ! command -v wrk >/dev/null || [ ! -x /usr/sbin/nginx ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null; \
	fi
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
