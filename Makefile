# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: install run test lint format unit clean

install: $(VENV)/.installed

# Reinstall when the dependencies change.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

# Serve on the embedded SQLite database (./var/hearth.db unless HEARTH_DATABASE_URL says
# otherwise). The first run loads the demo practice and prints its sign-ins; later runs keep the
# data as it is.
run: install
	$(BIN)/hearth migrate
	$(BIN)/hearth demo --if-empty
	$(BIN)/hearth serve

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/pytest

unit: install
	$(BIN)/pytest tests/unit -q

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
