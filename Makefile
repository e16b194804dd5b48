# Tanggap: the two commands are `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test lint format browser-deps postgres bench model clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

## Install, migrate the SQLite database, load the demo account and serve on $(HOST):$(PORT).
## Comments sent without an `account` go to the demo account (override the variable to change).
run: export TANGGAP_DEFAULT_ACCOUNT ?= demo-disdukcapil
run: install
	$(BIN)/tanggap migrate
	$(BIN)/tanggap seed-demo
	$(BIN)/tanggap serve --host $(HOST) --port $(PORT)

## Lint and type-check (mypy strict on app/), then the whole suite on SQLite and PostgreSQL, browser tests included.
test: install browser-deps postgres
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

# Debian's Chromium for the browser tests (never a browser download of a test tool).
browser-deps:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The suite needs the PostgreSQL server on 127.0.0.1:5432; start the local cluster if it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || { \
	  command -v pg_ctlcluster >/dev/null && \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start; } || true

bench: install
	$(BIN)/tanggap bench classify

## Rebuild the shipped classifier from the open data sets: the 12-layer sentiment teacher
## (~45 min on 2 cores, kept out of git), then the fast model distilled from it (~57 min).
DATA ?= ../shared/data
model: install
	$(BIN)/tanggap train --profile teacher --data-dir $(DATA) --output models/tanggap-teacher
	$(BIN)/tanggap train --data-dir $(DATA) --teacher models/tanggap-teacher

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache test-artifacts
