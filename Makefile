# The two commands a newcomer runs (see README.md):
#   make lab    set up .venv and open the collection in JupyterLab
#   make test   set up .venv and run the whole test suite (unit tests + every notebook via nbval)
# For contributors (CONTRIBUTING.md):
#   make test-fast  the fast loop: every test not marked slow (no notebooks, browser, site build or judge)
#   make lint       ruff check . (the rules are in pyproject.toml)
# For lecturers:
#   make site   slide decks and executed pages of every lesson in build/ (quick mode; C2G_MODE=default make site)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test test-fast lint setup site clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "conv2gan needs Python 3.10 or newer; this is " + sys.version.split()[0] + ". Run: make PYTHON=python3.12 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/00_start_here.ipynb

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/python -m ruff check .

site: $(STAMP)
	$(BIN)/python scripts/build_site.py

clean:
	rm -rf $(VENV) outputs build
