# Two commands do all the set-up on a fresh machine: `make book` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# TensorFlow prints start-up lines on stderr unless both are set before it is imported.
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export PYTHONHASHSEED := 0

NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

.PHONY: all venv book test test-unit test-notebooks test-compat bench execute clean

all: test book

venv: $(STAMP)

# Reinstall only when the pinned stack or the package metadata changes.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Book built: $(CURDIR)/_build/html/index.html"

test: test-unit test-notebooks

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests/

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL_FLAGS) notebooks/

# Re-execute chapters in place so their stored outputs are what nbval checks: make execute NB=notebooks/01_convolution_cost.ipynb
NB ?= notebooks/*.ipynb
execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 $(NB)

bench: $(STAMP)
	$(BIN)/python benchmarks/notebooks.py
	$(BIN)/python benchmarks/forward.py

clean:
	rm -rf _build .pytest_cache
