# "Optimizers, executable" — every target installs into .venv first if needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
export MPLBACKEND ?= Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# The BLAS thread count, in one place for every target (chapters and tests set none): the arrays
# of this course are small, and threaded BLAS only oversubscribes a 2-core machine.
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: help install book test test-lib test-notebooks test-notebooks-default test-notebooks-blas test-build test-browser lab student test-student bench clean

help:
	@echo "make book   - install if needed, execute every chapter and build the site in _build/html"
	@echo "make test   - install if needed, run the tests, nbval over every chapter, and the -W build"
	@echo "make lab    - start JupyterLab on the chapters (live widgets)"
	@echo "make student - write the student edition (no solutions) to _build/student"
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

test: test-lib test-notebooks test-student test-build test-browser

test-lib: $(STAMP)
	$(BIN)/python -m pytest tests/ -q --ignore=tests/site --ignore=tests/live

# nbval: every chapter top to bottom, two notebooks at a time with one BLAS thread each
# (each stays in one kernel), then a second time under another BLAS kernel and thread count:
# numpy's results differ in the last bits between OpenBLAS kernels and thread counts, and no
# claim of the book may depend on them. The 2-thread pass runs one notebook at a time: two
# kernels of two threads on two cores thrash (chapter 9 ran 38 s alone with two threads
# against 15 s with one, and a cell came near its timeout beside another notebook).
NBVAL := $(BIN)/python -m pytest --nbval-lax chapters/ -q -p no:cacheprovider --nbval-cell-timeout=120
# A kernel every x86-64 CPU runs (never name a kernel the CPU lacks); elsewhere the pass is skipped.
SECOND_BLAS := $(if $(filter x86_64 amd64,$(shell uname -m)),Prescott,)

test-notebooks: test-notebooks-default test-notebooks-blas

test-notebooks-default: $(STAMP)
	$(NBVAL) -n 2 --dist loadfile

test-notebooks-blas: $(STAMP)
ifeq ($(SECOND_BLAS),)
	@echo "nbval under a second BLAS kernel: skipped (OPENBLAS_CORETYPE=Prescott needs x86-64, this is $$(uname -m))"
else
	@echo "nbval under OPENBLAS_CORETYPE=$(SECOND_BLAS) with 2 BLAS threads, one notebook at a time"
	OPENBLAS_CORETYPE=$(SECOND_BLAS) OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 $(NBVAL)
endif

test-build: $(STAMP)
	$(BIN)/jupyter-book build . -W --keep-going

# The site as a reader sees it (tests/site) and a live JupyterLab session (tests/live),
# in Debian's Chromium driven by Playwright. Needs the build of test-build.
test-browser: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest tests/site tests/live -q

$(CHROMIUM):
	@echo "Installing Debian's Chromium for the browser tests (needs root and apt-get)"
	apt-get update -qq && apt-get install -y -qq chromium

# The course's Lab settings (lab/settings/overrides.json): no news popup, every cell rendered;
# jupyterlab-myst renders the MyST (exercises, glued numbers through {eval}). Works offline.
LAB_FLAGS := --LabApp.app_settings_dir=$(CURDIR)/lab/settings --LabApp.news_url=None \
	--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=chapters --ServerApp.ip=127.0.0.1 $(LAB_FLAGS) $(if $(filter 0,$(shell id -u)),--allow-root)

# The student edition: one notebook per chapter, solutions removed (tools/student.py).
student: $(STAMP)
	$(BIN)/python tools/student.py _build/student

# Every notebook of the student edition runs top to bottom (its checkers say "not done yet").
test-student: student
	$(BIN)/python -m pytest --nbval-lax _build/student -q -p no:cacheprovider -n 2 --dist loadfile --nbval-cell-timeout=120

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf _build .pytest_cache .jupyter_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
