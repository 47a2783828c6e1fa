# The front door: `make demo` runs one rebuild on a demo plant, `make test` runs lint, format check, types and the
# tests (with coverage).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install system-packages test lint format-check mypy pytest demo bench ha clean

system-packages:
	@scripts/install-system-packages

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: system-packages $(BIN)/.installed

lint: install
	$(BIN)/ruff check .

format-check: install
	$(BIN)/ruff format --check .

mypy: install
	$(BIN)/mypy

# The tests under coverage, the daemons and other Pythons they start included ([tool.coverage.run] in pyproject.toml);
# the floor is the whole suite's figure (statements and branches, 93.3 %), rounded down.
COVERAGE_FLOOR := 93
pytest: install
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage combine --quiet
	$(BIN)/coverage report --fail-under=$(COVERAGE_FLOOR)

test: lint format-check mypy pytest

demo: install
	$(BIN)/python demo/run.py

# The HA rig alone (Galera, the dhcpd failover pair, relay and modem in network namespaces; as root, a few minutes):
# every scenario's result and measured times into HA.md. The same tests run in `make test`.
ha: install
	PROVHA_HA_REPORT=HA.md $(BIN)/pytest -m ha -p no:cacheprovider

# The DHCP and TFTP benchmark at 10k/50k/100k modems into BENCHMARKS.md (about 35 min, as root; not part of `make test`).
# Other sizes or runs: make bench BENCH_ARGS="--modems 10000 --runs 5 --out /tmp/BENCHMARKS.md"
BENCH_ARGS ?=
$(BIN)/.bench-installed: $(BIN)/.installed
	$(BIN)/pip install --quiet 'asyncmy>=0.2.18'  # measured beside aiomysql, the daemon's driver
	@touch $@

bench: install $(BIN)/.bench-installed
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache demo/out .coverage .coverage.*
