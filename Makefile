# chiso: two commands set everything up on a fresh machine (see README):
#   make demo   install, migrate, load the demo, serve on http://127.0.0.1:8000
#   make test   install, ruff, then the whole suite on SQLite and on PostgreSQL
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1
PYTEST_ARGS ?= -n 2  # both cores (pytest-xdist); each worker has its own test database

.PHONY: install system-deps demo serve test lint test-sqlite test-postgres bench bench-index clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages the tests need: PostgreSQL's server and Chromium for browser tests.
system-deps:
	bash scripts/system-deps.sh

demo: install
	bash scripts/demo.sh $(HOST) $(PORT)

serve: install
	bash scripts/serve.sh $(HOST) $(PORT)

lint: install
	$(BIN)/ruff check .

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	bash scripts/with-postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

test: install system-deps lint test-sqlite test-postgres

bench-index: install
	$(BIN)/python bench/bench_index.py

# Every bench/bench_*.py; each prints its figures (and its reference's) on its last lines.
bench: install
	for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python "$$f"; done

clean:
	rm -rf $(VENV) node_modules var/static artifacts
