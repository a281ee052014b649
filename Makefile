# KSTT: `make run` serves the demo province, `make test` runs everything (see README).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# check --deploy runs against production settings with a throw-away key.
PROD_ENV := KSTT_ENV=production ALLOWED_HOSTS=kstt.example.invalid \
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')

.PHONY: help install run serve test lint fmt typecheck checks unit pg messages bench clean

help:
	@echo "make run    install, migrate, load the demo province and serve on http://$(HOST):$(PORT)"
	@echo "make test   lint, type checks, migrations and deploy checks, the whole test suite"
	@echo "make fmt    format and auto-fix the code"
	@echo "make messages  refresh and compile the Vietnamese interface texts"

$(STAMP): pyproject.toml package.json package-lock.json
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 not found)"; exit 1; }
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

install: $(STAMP)

run: install
	$(BIN)/kstt migrate --no-input
	$(BIN)/kstt load-demo
	@echo
	@echo "KSTT is at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/kstt runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy

checks: install
	env -u DATABASE_URL $(BIN)/kstt makemigrations --check --dry-run
	env -u DATABASE_URL $(PROD_ENV) $(BIN)/kstt check --deploy --fail-level WARNING

# The suite on SQLite (with the browser tests), then on PostgreSQL when DATABASE_URL points at one.
unit: install
	env -u DATABASE_URL $(BIN)/pytest

pg: install
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== the suite again on $${DATABASE_URL%%://*}"; \
		$(BIN)/pytest -m "not browser" -p no:cacheprovider; \
	elif [ -n "$$KSTT_REQUIRE_POSTGRES" ]; then \
		echo "KSTT_REQUIRE_POSTGRES is set but DATABASE_URL is not"; exit 1; \
	else echo "== DATABASE_URL is not set: PostgreSQL run skipped"; fi

test: lint typecheck checks unit pg

messages: install
	cd kstt && ../$(BIN)/kstt makemessages -l vi --no-location --no-obsolete --ignore 'tests/*' && ../$(BIN)/kstt compilemessages -l vi

bench: install
	$(BIN)/python bench/load_units.py

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .mypy_cache .ruff_cache
