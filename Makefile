# The two commands: `make run` serves the API, `make test` runs the whole suite.
# `make token ARGS="--admin"` prints a development token (ARGS: see `make token ARGS=--help`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi

.PHONY: run token test lint format openapi dev-setup clean bench bench-ui chromium

$(STAMP): pyproject.toml clients/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet -e 'clients/python[cli]'
	touch $(STAMP)

dev-setup: $(STAMP)
	TENANT_CONFIG_ENV=development $(FLASK) db upgrade

run: dev-setup
	@TENANT_CONFIG_ENV=development $(FLASK) dev-token --print-curl
	TENANT_CONFIG_ENV=development $(BIN)/gunicorn wsgi:app

# Needs no database, only the development keys the app makes: `TOKEN=$$(make -s token)`.
token: $(STAMP)
	@TENANT_CONFIG_ENV=development $(FLASK) dev-token $(ARGS)

test: lint chromium
	$(BIN)/pytest $(PYTEST_ARGS)

# The admin UI's browser tests (tests/ui/browser) drive Debian's Chromium, never a download:
# installed here when missing if we are root with apt-get; otherwise those tests are skipped.
CHROMIUM := /usr/bin/chromium
CHROMIUM_HINT := Chromium is missing, so the browser tests will be skipped: install it with:\
	sudo apt-get install -y chromium fonts-liberation
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y chromium fonts-liberation \
	      || { apt-get update && apt-get install -y chromium fonts-liberation; } \
	      || echo "$(CHROMIUM_HINT)"; \
	  else \
	    echo "$(CHROMIUM_HINT)"; \
	  fi; \
	fi

# ruff, and the import-linter contracts in pyproject.toml (layers, independence, no cycles).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# Side by side with a bare Flask app and etcd 3.4, driven by wrk (bench/RESULTS.md; issue 17).
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust); installs wrk and etcd-server if
# root. ~10 minutes on 2 cores; BENCH_QUICK=1 for ~2 minutes.
bench: $(STAMP)
	$(BIN)/python -m bench

# The admin UI's actions timed as one user clicking, on SQLite and (with
# TENANT_CONFIG_TEST_POSTGRES_URL set) a fresh PostgreSQL database; appended to bench/RESULTS.md.
bench-ui: $(STAMP)
	$(BIN)/python -m bench.ui

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: $(STAMP)
	TENANT_CONFIG_ENV=development $(FLASK) openapi write --format=json openapi/openapi.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
