# One command for each routine task. `make demo` and `make test` are the README's two commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv demo serve test test-postgres lint format migrations-check lock clean

help:
	@echo "make demo            the app with the demo county on http://$(HOST):$(PORT)"
	@echo "make test            the whole test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make test-postgres   the suite against the local PostgreSQL server"
	@echo "make lint            ruff check, ruff format --check, makemigrations --check"
	@echo "make lock            re-resolve requirements.lock from pyproject.toml (needs uv)"

# The virtualenv, installed from the hashed lock file; rebuilt when the lock changes.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP)

# The demo uses synthetic identity numbers (month + 80), which only a demo or test
# installation may accept.
demo: export VEIVISER_ALLOW_SYNTHETIC_FNR = 1
demo: venv
	$(BIN)/veiviser migrate --no-input
	$(BIN)/veiviser demo --if-empty
	@echo
	@echo "  Veiviser (demo county 39 Vestfold) on http://$(HOST):$(PORT)/"
	@echo "  Log in as 'admin' (administrator), password 'demo'. The other users are for the staff UI to come."
	@echo "  The list above shows every demo user and role. Stop with Ctrl-C."
	@echo
	$(BIN)/veiviser runserver $(HOST):$(PORT)

test: venv
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: venv
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/veiviser} $(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools
	VEIVISER_DATA_DIR=$$(mktemp -d) $(BIN)/veiviser makemigrations --check --dry-run

format: venv
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# Bokmål translations without GNU gettext (tools/i18n.py, polib): collect the source strings into
# src/veiviser/locale/nb/LC_MESSAGES/django.po and compile django.mo. Translate the new (empty)
# entries in django.po, then run it again; `tools/i18n.py check` (and the test suite) fails on
# anything untranslated or not compiled.
.PHONY: messages
messages: venv
	$(BIN)/python tools/i18n.py extract
	$(BIN)/python tools/i18n.py compile
