# CodePrep: `make run` sets everything up and serves the site; `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app app

.PHONY: run serve test lint install setup test-sqlite test-postgres benchmarks mutation clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## Database, migrations, code sets and question bank (idempotent, fast when nothing changed)
setup: install
	$(FLASK) setup

run: setup
	@$(FLASK) serve

## Production-style (docs/deploy.md): gunicorn with WORKERS processes, default 2 x cores + 1; set
## DATABASE_URL, REDIS_URL and SECRET_KEY for several processes or machines. HOST/PORT as for run.
WORKERS ?= $(shell echo $$(( 2 * $$(nproc 2>/dev/null || echo 1) + 1 )))
serve: setup
	@$(FLASK) serve --workers $(WORKERS)

## Style, layer rules (ruff, import-linter) and types (mypy: the pure core, models and services)
lint: install
	$(BIN)/ruff check study tests benchmarks scripts
	$(BIN)/lint-imports
	$(BIN)/mypy

## The whole suite on SQLite and, when TEST_DATABASE_URL is set, again on PostgreSQL at the same
## time (two processes, two cores; each pass has a database of its own). The PostgreSQL pass's
## output is printed after the SQLite pass's; either failing fails `make test`.
PG_LOG ?= .pytest-postgres.log
test: install lint
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== on SQLite, and on PostgreSQL ($$TEST_DATABASE_URL) alongside =="; \
		CODEPREP_TEST_BACKEND=postgres $(BIN)/python -m pytest -q -m "not browser" -p no:cacheprovider > $(PG_LOG) 2>&1 & pg=$$!; \
		$(BIN)/python -m pytest -q; sqlite=$$?; \
		wait $$pg; postgres=$$?; \
		echo "== the PostgreSQL pass =="; cat $(PG_LOG); \
		test $$sqlite -eq 0 -a $$postgres -eq 0; \
	else \
		$(BIN)/python -m pytest -q; \
	fi

## Mutation testing of the pure core with mutmut (slow; not part of `make test`): docs/testing.md.
## `make mutation MODULE=study.readiness` runs one module; the report is the kill rate per module.
$(VENV)/.mutmut: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,mutation]'
	@touch $@

mutation: $(VENV)/.mutmut
	$(BIN)/mutmut run --max-children $(or $(JOBS),2) $(if $(MODULE),"$(MODULE).*")
	$(BIN)/python tests/mutation_summary.py

## The load benchmarks need the `bench` extra (aiohttp); each script prints its figures
benchmarks: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) .pytest_cache mutants
