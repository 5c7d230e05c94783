# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: install run test lint format unit clean bench

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

# The benchmark (README, "Speed"): generate the tiers on scratch PostgreSQL databases, run the
# load runner against `hearth serve`, print one table. E.g. `make bench TIER="solo large"
# SOURCES="/work/bench-base ." DURATION=5`, or BENCH_ARGS="--keep" / "--database NAME".
# BENCH_ARGS="--passes 2" measures the sources twice, A B B A (the one run second is favoured),
# and merges each source's passes into one row.
BENCH_SERVER ?= postgresql://postgres@127.0.0.1:5432/postgres
TIER ?= solo large
SOURCES ?= .
USERS ?= 20
DURATION ?= 5
MODES ?= 1,20,20t
WORKERS ?= 2
BENCH_ARGS ?=

bench: install
	$(PY) -m bench --server $(BENCH_SERVER) $(foreach t,$(TIER),--tier $(t)) \
		$(foreach s,$(SOURCES),--source $(s)) --users $(USERS) --seconds $(DURATION) \
		--modes $(MODES) --workers $(WORKERS) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
