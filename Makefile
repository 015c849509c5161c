# Two commands on a fresh machine: `make site` builds everything, `make test` runs the tests.
# Both create .venv on first use and install Casefile into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.casefile-installed
export NO_MKDOCS_2_WARNING ?= 1

.PHONY: site test test-fast bench check serve clean messages

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

# The message catalogue (generator/i18n.py): the template of every string, then each language's
# .po brought up to date (new strings empty, changed ones fuzzy) for its translator.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
	  --project=Casefile --copyright-holder="Casefile contributors" -o generator/locale/casefile.pot .
	for po in generator/locale/*/LC_MESSAGES/casefile.po; do \
	  $(BIN)/pybabel update -D casefile -i generator/locale/casefile.pot -d generator/locale \
	    -l $$(basename $$(dirname $$(dirname $$po))) --no-wrap --ignore-obsolete; done

clean:
	rm -rf site .pytest_cache test-artifacts
