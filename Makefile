# KSTT: `make run` serves the demo province, `make test` runs everything (see README and docs/).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# check --deploy runs against production settings with a throw-away key.
# Hexadecimal, so a random key never holds a word the placeholder check refuses ("xxx", "change").
PROD_ENV := KSTT_ENV=production ALLOWED_HOSTS=kstt.example.invalid \
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(40))')

.PHONY: help install run serve test lint fmt typecheck checks unit pg docs messages bench clean

help:
	@echo "make run    install, migrate, load the demo province and serve on http://$(HOST):$(PORT) (with the worker)"
	@echo "make run DEMO=2026   the same for Phú Thọ after the 2025 reform, seen on 17/12/2026 (its own database)"
	@echo "make test   lint, type checks, migrations and deploy checks, the whole test suite, the manuals"
	@echo "make docs   build the manuals (docs/): HTML in docs/_build/html, PDF docs/_build/kstt.pdf"
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

# The demo is seen on one day of its year (Q4 open, Q1-Q3 closed): `make run KSTT_CLOCK=` for the real time.
# DEMO=2021 (default): Hòa Bình, three levels, on 20/12/2021, in db.sqlite3 (or DATABASE_URL).
# DEMO=2026: Phú Thọ after the 2025 reform (two levels), on 17/12/2026, in its own database and media folder
# (DEMO_2026_DATABASE_URL, DEMO_2026_MEDIA_ROOT), so the two demos never mix.
DEMO ?= 2021
DEMO_2026_DATABASE_URL ?= sqlite:///$(CURDIR)/db-2026.sqlite3
DEMO_2026_MEDIA_ROOT ?= $(CURDIR)/media-2026
DEMO_CLOCK_2021 := 2021-12-20T09:00:00+07:00
DEMO_CLOCK_2026 := 2026-12-17T09:00:00+07:00
DEMO_ENV_2026 := DATABASE_URL='$(DEMO_2026_DATABASE_URL)' KSTT_MEDIA_ROOT='$(DEMO_2026_MEDIA_ROOT)' #
DEMO_ARGS_2026 := --year 2026
DEMO_CLOCK := $(DEMO_CLOCK_$(DEMO))
DEMO_ENV := $(DEMO_ENV_$(DEMO))
DEMO_ARGS := $(DEMO_ARGS_$(DEMO))
KSTT_CLOCK ?= $(DEMO_CLOCK)
# The demo answers as production does: KSTT's Vietnamese error pages, not Django's debug page that lists every
# address (WhiteNoise still serves the assets from the finders). `make run KSTT_DEBUG=true` for the debug pages.
KSTT_DEBUG ?= false

# Every command of the demo runs on its clock, migrate too: it loads the shipped catalogue, whose settings
# versions are recorded at the clock's instant (the catalogue page shows it beside the fixed clock).
run: install
	@test -n '$(DEMO_CLOCK)' || { echo "DEMO is 2021 (the default) or 2026, not '$(DEMO)'"; exit 1; }
	$(DEMO_ENV)KSTT_CLOCK='$(KSTT_CLOCK)' $(BIN)/kstt migrate --no-input
	$(DEMO_ENV)KSTT_CLOCK='$(KSTT_CLOCK)' $(BIN)/kstt load-demo$(if $(DEMO_ARGS), $(DEMO_ARGS))
	@echo
	@if [ -n '$(KSTT_CLOCK)' ]; then \
		echo "The clock is fixed at $(KSTT_CLOCK) (demo): every page says so. 'make run KSTT_CLOCK=' for the real time."; \
	else echo "The clock is the real time."; fi
	@echo "KSTT is at http://$(HOST):$(PORT)/ (Ctrl-C to stop); the background worker (kstt worker) runs beside it."
	@$(DEMO_ENV)KSTT_CLOCK='$(KSTT_CLOCK)' $(BIN)/kstt worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(DEMO_ENV)KSTT_DEBUG='$(KSTT_DEBUG)' KSTT_CLOCK='$(KSTT_CLOCK)' $(BIN)/kstt runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

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

# The two engines' runs are independent (each its own test database, files and ports): run side by side on two
# cores, each run's output printed whole when it ends; `make unit` or `make pg` alone runs one.
# The manuals need chromium (the screenshots, the PDF): without it they are skipped like the browser tests,
# unless KSTT_REQUIRE_BROWSER is set (CI), when `make docs` runs and fails.
CHROMIUM := $(or $(KSTT_CHROMIUM),/usr/bin/chromium)
test: lint typecheck checks
	$(MAKE) --no-print-directory -j2 --output-sync=target unit pg
	@if [ -x "$(CHROMIUM)" ] || [ -n "$$KSTT_REQUIRE_BROWSER" ]; then $(MAKE) --no-print-directory docs; \
	else echo "== $(CHROMIUM) is not installed: the manuals (screenshots, PDF) are not built; apt install chromium"; fi

# The manuals (docs/, Sphinx + MyST): HTML, and a PDF printed from the single-page HTML by chromium. Warnings
# are errors (-W): a broken link, a reference to a missing heading or page, a missing screenshot fails the build.
# The user guides' screenshots are taken of today's pages by a browser test module, which `make test` has run
# (in `unit`) just before; alone, `make docs` runs that module first when a picture the guides show is missing.
SPHINX := $(BIN)/sphinx-build -W --keep-going -q -d docs/_build/doctrees
docs: install
	@missing=; for shot in $$(grep -ohE '_screenshots/[A-Za-z0-9_-]+\.png' docs/nguoi-dung/*.md | sort -u); do \
		test -f "docs/$$shot" || missing="$$missing $$shot"; done; \
	if [ -n "$$missing" ]; then echo "== taking the user guides' screenshots (missing:$$missing)"; \
		env -u DATABASE_URL $(BIN)/pytest -q -p no:cacheprovider kstt/tests/browser/test_doc_screenshots.py || exit 1; fi
	$(SPHINX) -b html docs docs/_build/html
	$(SPHINX) -b singlehtml docs docs/_build/singlehtml
	$(BIN)/python docs/pdf.py docs/_build/singlehtml/index.html docs/_build/kstt.pdf
	@echo "The manuals: docs/_build/html/index.html and docs/_build/kstt.pdf"

messages: install
	cd kstt && ../$(BIN)/kstt makemessages -l vi --no-location --no-obsolete --ignore 'tests/*' && ../$(BIN)/kstt compilemessages -l vi

bench: install
	$(BIN)/python bench/load_units.py

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .mypy_cache .ruff_cache docs/_build docs/_screenshots
