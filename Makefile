# Two commands do all the set-up on a fresh machine: `make book` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The older supported stack (requirements-compat.txt), in a venv of its own.
COMPAT_VENV  ?= .venv-compat
COMPAT_STAMP := $(COMPAT_VENV)/.installed

# TensorFlow prints start-up lines on stderr unless this is set before it is imported.
export TF_CPP_MIN_LOG_LEVEL := 3

# Outputs are made (make execute) and checked (make test) with TensorFlow's default numerics, the
# ones learners run: oneDNN on (x86), one thread per core. make test-portable checks them again
# under other numerics, as on another machine. The reading chapters run with oneDNN off (Eigen's
# kernels, the path TensorFlow takes on Apple silicon) and one thread; the training chapters (8, 9, 10;
# one thread would take minutes per cell) with oneDNN limited to AVX kernels (no FMA: other
# roundings, as on an older CPU) and four threads. Both force NumPy's OpenBLAS onto another CPU's
# kernels and use a random hash seed.
READING_CHAPTERS  := $(filter-out notebooks/08_% notebooks/09_% notebooks/10_%,$(wildcard notebooks/*.ipynb))
TRAINING_CHAPTERS := $(filter notebooks/08_% notebooks/09_% notebooks/10_%,$(wildcard notebooks/*.ipynb))
PORTABLE_ENV := OPENBLAS_CORETYPE=Prescott OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=random

.PHONY: all venv system-deps book lint test test-unit test-notebooks test-portable test-compat bench \
        execute clean

all: test book

venv: $(STAMP)

# Reinstall only when the pinned stack or the package metadata changes.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Chapter 7 draws model graphs with keras.utils.plot_model, which needs Graphviz's `dot`.
# Debian/Ubuntu as root: installed here; elsewhere: say how to install it.
system-deps:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else \
	    echo "Graphviz is missing: install it (apt-get install graphviz, brew install graphviz or conda install graphviz)"; exit 1; \
	  fi; }

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Book built: $(CURDIR)/_build/html/index.html"

# Everything, each test once: lint, every package test (the slow and book-building ones
# included), then every chapter against its stored outputs.
test: lint $(STAMP) system-deps
	$(BIN)/python -m pytest tests/
	$(BIN)/pytest --nbval notebooks/

# The fast package tests (under 2 minutes): no book build, no browser, no two-device strategy,
# no second and third size of each model family (markers `book` and `slow`, pyproject.toml).
test-unit: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not book" tests/

# ruff (pyproject.toml, line length 79) over src/, tests/, benchmarks/ and the notebooks.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The literal headline command; the cell timeout is set in pyproject.toml.
test-notebooks: $(STAMP) system-deps
	$(BIN)/pytest --nbval notebooks/

# The same command under other numerics (see PORTABLE_ENV): the stored outputs must still hold.
test-portable: $(STAMP) system-deps
	env $(PORTABLE_ENV) TF_ENABLE_ONEDNN_OPTS=0 \
	  TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 \
	  $(BIN)/pytest --nbval $(READING_CHAPTERS)
	env $(PORTABLE_ENV) TF_ENABLE_ONEDNN_OPTS=1 ONEDNN_MAX_CPU_ISA=AVX \
	  TF_NUM_INTRAOP_THREADS=4 TF_NUM_INTEROP_THREADS=4 \
	  $(BIN)/pytest --nbval $(TRAINING_CHAPTERS)

$(COMPAT_STAMP): requirements-compat.txt pyproject.toml
	test -x $(COMPAT_VENV)/bin/python || $(PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COMPAT_VENV)/bin/python -m pip install --quiet -r requirements-compat.txt
	touch $(COMPAT_STAMP)

# The package's tests and every chapter on the older stack; outputs are not compared (--nbval-lax),
# but every cell must run and every assertion hold. The book tests need jupyter-book, not the stack.
test-compat: $(COMPAT_STAMP) system-deps
	$(COMPAT_VENV)/bin/python -m pytest -m "not book" tests/
	$(COMPAT_VENV)/bin/pytest --nbval-lax notebooks/

# Re-execute chapters in place so their stored outputs are what nbval checks: make execute NB=notebooks/01_convolution_cost.ipynb
NB ?= notebooks/*.ipynb
execute: $(STAMP) system-deps
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 $(NB)

bench: $(STAMP)
	$(BIN)/python benchmarks/notebooks.py
	$(BIN)/python benchmarks/forward.py
	$(BIN)/python benchmarks/data.py
	$(BIN)/python benchmarks/book.py

clean:
	rm -rf _build .pytest_cache
