# "Optimizers, executable" — every target installs into .venv first if needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export MPLBACKEND ?= Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help install book test test-lib test-notebooks lab bench clean

help:
	@echo "make book   - install if needed, execute every chapter and build the site in _build/html"
	@echo "make test   - install if needed, run the tests, nbval over every chapter, and the -W build"
	@echo "make lab    - start JupyterLab on the chapters (live widgets)"
	@echo "make bench  - run the benchmarks in bench/"
	@echo "make clean  - remove the build and caches (keeps .venv)"

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W --keep-going
	@echo "Open _build/html/index.html"

test: test-lib test-notebooks
	$(BIN)/jupyter-book build . -W --keep-going

test-lib: $(STAMP)
	$(BIN)/python -m pytest tests/ -q

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax chapters/ -q

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=chapters

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf _build .pytest_cache .jupyter_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
