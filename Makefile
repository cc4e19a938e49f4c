# The two commands: `make run` serves the API, `make test` runs the whole suite.
# `make token ARGS="--admin"` prints a development token (ARGS: see `make token ARGS=--help`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi

.PHONY: run token test lint format openapi dev-setup clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

dev-setup: $(STAMP)
	TENANT_CONFIG_ENV=development $(FLASK) db upgrade

run: dev-setup
	@TENANT_CONFIG_ENV=development $(FLASK) dev-token --print-curl
	TENANT_CONFIG_ENV=development $(BIN)/gunicorn wsgi:app

# Needs no database, only the development keys the app makes: `TOKEN=$$(make -s token)`.
token: $(STAMP)
	@TENANT_CONFIG_ENV=development $(FLASK) dev-token $(ARGS)

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

# ruff, and the import-linter contracts in pyproject.toml (layers, independence, no cycles).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: $(STAMP)
	TENANT_CONFIG_ENV=development $(FLASK) openapi write --format=json openapi/openapi.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
