# Two commands for a newcomer: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Where the site says it is (canonical links, hreflang, links in mails): where `make run` serves it.
BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test bench install check lint format messages clean

# Each stamp records that one set of requirements is installed; editing pyproject.toml reinstalls it.
# `make run` installs only what running needs; the test and lint tools come with `make test`/`make check`.
# The pip that comes with Python 3.11 installs everything here: upgrading it first would only cost time.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# --no-compile: Python compiles each module it imports on first use; compiling every installed file up front
# (Wagtail's tests, botocore…) would add seconds to the first `make run`.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-compile .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[test]"
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-lint: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[lint]"
	touch $@ $(VENV)/.installed-run

## Everything a developer uses: the app, the test tools and the linter.
install: $(VENV)/.installed-test $(VENV)/.installed-lint

## Compile the translation catalogs (pure Python: no gettext tools needed).
messages: $(VENV)/.installed-run
	$(BIN)/python manage.py compile_catalogs

## Create the SQLite database, load the demo campaigns in every locale and serve them on $(BASE_URL).
run: export BASE_URL := $(BASE_URL)
# setup_demo runs compile_catalogs, migrate, load_demo, set_site_address and ensure_admin in one process.
run: $(VENV)/.installed-run
	$(BIN)/python manage.py setup_demo
	@echo "Serving $(BASE_URL)/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## The whole test suite. Extra pytest arguments: make test ARGS="-k signing".
test: $(VENV)/.installed-test messages
	$(BIN)/python -m pytest $(ARGS)

## Load benchmarks (bench/README.md): PostgreSQL, Redis, gunicorn and wrk (apt-get install -y wrk);
## prints a table and writes bench/results/latest.md. Shorter runs: make bench ARGS=--quick
## Two machines behind HAProxy, a machine killed, Redis and PostgreSQL failing: make bench ARGS=--cluster
bench: messages
	$(BIN)/python bench/run.py $(ARGS)

## What CI checks beside the tests.
check: $(VENV)/.installed-lint
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports  # layers point down, no import cycles (pyproject.toml [tool.importlinter])
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-lint
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var media static_collected .pytest_cache
