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

## The whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set
test: install lint
	$(BIN)/python -m pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL) =="; \
		CODEPREP_TEST_BACKEND=postgres $(BIN)/python -m pytest -q -m "not browser"; \
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
