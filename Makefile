# Two commands on a fresh machine: `make site` builds everything, `make test` runs the tests.
# Both create .venv on first use and install Casefile into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.casefile-installed
export NO_MKDOCS_2_WARNING ?= 1

.PHONY: site test test-fast bench check serve clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# PYTHONWARNINGS: setuptools' "Editable installation" banner is a warning that --quiet lets through
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

site: $(STAMP)
	$(BIN)/casefile build

check: $(STAMP)
	$(BIN)/casefile check

serve: $(STAMP)
	$(BIN)/casefile serve

test: $(STAMP)
	$(BIN)/python -m pytest

# The inner loop: no whole-site builds, PDFs or browser (under a minute).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m 'not slow and not browser'

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf site .pytest_cache test-artifacts
