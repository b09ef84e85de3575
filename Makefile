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
	@echo "make browser         install Debian's chromium for the end-to-end tests, if missing"
	@echo "make system-deps     install Debian's pango and DejaVu fonts for WeasyPrint (PDF), if missing"
	@echo "make bench-web       the web load test: USERS=50 advisors on gunicorn + PostgreSQL"
	@echo "make bench-import    the import benchmark: 100,000 lines into PostgreSQL, against COPY"
	@echo "make bench-report    the annual report PDF of a county-year, against WeasyPrint on static HTML"
	@echo "make vendor          re-vendor Designsystemet, Inter and htmx from npm (needs npm)"

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
# The documented test login of Min side (docs/public.md); refused in production.
demo: export VEIVISER_YOUTH_TEST_LOGIN = 1
demo: venv
	$(BIN)/veiviser migrate --no-input
	$(BIN)/veiviser demo --if-empty
	@echo
	@echo "  Veiviser (demo counties 39 Vestfold and 40 Telemark) on http://$(HOST):$(PORT)/"
	@echo "  Log in with password 'demo' as an advisor ('silje'), a unit coordinator"
	@echo "  ('koordinator-tonsberg'), the county leader ('leder'), the office ('kontor')"
	@echo "  or the administrator ('admin', who also has the Django admin at /admin/)."
	@echo "  The list above shows every demo user and role. Stop with Ctrl-C."
	@echo
	$(BIN)/veiviser runserver $(HOST):$(PORT)

test: venv system-deps browser
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: venv system-deps browser
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

# The statistics benchmark (docs/performance.md): a national synthetic dataset imported into
# SQLite and into PostgreSQL (database veiviser_bench on BENCH_POSTGRES, dropped and created),
# the engine timed against a DuckDB floor that must give the same numbers. Writes the results
# into docs/performance.md. SCALE=0.1 is a quick run (about a minute); SCALE=1 is the full one.
.PHONY: bench
SCALE ?= 1
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432/veiviser_bench
bench: venv
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python -m benchmarks.run --scale $(SCALE) --postgres $(BENCH_POSTGRES) $(BENCH_ARGS)

# The web load test (docs/performance.md, "Web under load"): the demo county in PostgreSQL
# (database veiviser_bench_web on BENCH_WEB_POSTGRES, dropped and created), gunicorn on
# 127.0.0.1, locust with USERS simulated advisors (logging in during the ramp-up, reported on
# their own) measured for DURATION seconds of steady state per phase, against a minimal Django
# view on the same server. The full run (50 users, 120 s; about 9 minutes) writes its tables
# into docs/performance.md; `make bench-web USERS=20 DURATION=30` is a quick check that does
# not. More options in WEB_ARGS (python -m benchmarks.web.run --help).
.PHONY: bench-web bench-import bench-report
USERS ?= 50
DURATION ?= 120
BENCH_WEB_POSTGRES ?= postgres://postgres@127.0.0.1:5432/veiviser_bench_web
bench-web: venv
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python -m benchmarks.web.run --users $(USERS) --duration $(DURATION) \
	    --postgres $(BENCH_WEB_POSTGRES) $(WEB_ARGS)

# The import benchmark (docs/performance.md, "Imports"): about 100,000 lines of one county into
# PostgreSQL (database veiviser_bench_import, dropped and created) with `veiviser import`,
# peak memory (files of 10,000, 100,000 and 300,000 lines), and a floor of COPY of the same
# rows. IMPORT_ARGS="--doc" writes the table.
BENCH_IMPORT_POSTGRES ?= postgres://postgres@127.0.0.1:5432/veiviser_bench_import
bench-import: venv
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python -m benchmarks.importer --postgres $(BENCH_IMPORT_POSTGRES) $(IMPORT_ARGS)

# The annual report benchmark (docs/performance.md, "The annual report"): the demo county in
# PostgreSQL (database veiviser_bench_report on BENCH_REPORT_POSTGRES, dropped and created), the
# report PDF of its latest school year made as `veiviser report` makes it, against WeasyPrint on
# a static document of the same content, in the same run. Writes its table into
# docs/performance.md. REPORT_ARGS="--data national" takes county 39 of the national dataset.
BENCH_REPORT_POSTGRES ?= postgres://postgres@127.0.0.1:5432/veiviser_bench_report
bench-report: venv system-deps
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python -m benchmarks.report --postgres $(BENCH_REPORT_POSTGRES) $(REPORT_ARGS)

# WeasyPrint (letters and reports as PDF) needs Debian's pango and a font; installed only when
# missing (as root, or with sudo).
.PHONY: system-deps
SYSTEM_DEPS := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
system-deps:
	@missing=$$(for p in $(SYSTEM_DEPS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing $$missing for WeasyPrint"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $$missing; } \
	  || { echo "could not install $$missing: PDF letters will not render" >&2; exit 1; }; \
	fi

# The end-to-end tests (tests/e2e) drive Debian's Chromium through Playwright, never a browser
# that Playwright downloads. Installed only when missing; without it, and outside CI, the e2e
# tests are skipped rather than failed.
.PHONY: browser
CHROMIUM := /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
	  echo "installing Debian's chromium for the end-to-end tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; } \
	  || { echo "could not install chromium: the e2e tests will be skipped" >&2; [ "$${CI:-}" != true ]; }; \
	}

# The staff UI's front-end files (Designsystemet CSS and theme, the Inter font, htmx) are
# vendored and committed under src/veiviser/web/static/vendor/; this re-creates them from the
# pinned, hash-checked npm packages in tools/vendor_frontend.sh (needs npm, not needed to run).
.PHONY: vendor
vendor:
	bash tools/vendor_frontend.sh
