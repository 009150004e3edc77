# The course's commands. `make lab` and `make test` build .venv themselves when it is
# missing or older than the pins, so they are all the set-up a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cnnlab-installed
# TensorFlow writes its C++ log lines straight to fd 2; let them go to the terminal,
# not into notebook cells (CI compares cell outputs).
KERNEL_CONFIG := $(VENV)/etc/ipython/ipython_kernel_config.py
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
# Kernels run in notebooks/, so a relative mirror path is made absolute here.
ifdef CNNLAB_DATA_DIR
export CNNLAB_DATA_DIR := $(abspath $(CNNLAB_DATA_DIR))
endif

.PHONY: lab test unit notebooks execute bench lint clean venv

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "The pinned stack needs Python 3.11 or newer; $(PYTHON) is older."; \
	  echo "Run e.g.: make $(MAKECMDGOALS) PYTHON=python3.11"; exit 1; }
	@# a venv left half-made (e.g. no ensurepip) is rebuilt rather than reused
	$(BIN)/python -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV) && \
	  $(PYTHON) -m venv $(VENV) || { echo "python -m venv failed: on Debian/Ubuntu, \
	  apt install python3-venv (or python3.11-venv)"; exit 1; }; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	mkdir -p $(dir $(KERNEL_CONFIG))
	echo "c.IPKernelApp.capture_fd_output = False" > $(KERNEL_CONFIG)
	touch $@

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP)
	$(BIN)/ruff check .

# Fast mode: the committed subsets in data/, tiny budgets, every notebook under nbval.
test: lint
	CNNLAB_FAST=1 $(BIN)/python -m pytest

unit: $(STAMP)
	CNNLAB_FAST=1 $(BIN)/python -m pytest tests

notebooks: $(STAMP)
	CNNLAB_FAST=1 $(BIN)/python -m pytest notebooks

# Full mode, fresh kernel, top to bottom, outputs written in place: how committed outputs are made.
# With no network, name a mirror: make execute CNNLAB_DATA_DIR=../shared/data
execute: $(STAMP)
	@for nb in $(NOTEBOOKS); do \
	  echo "== $$nb"; \
	  env -u CNNLAB_FAST $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=3600 "$$nb" || exit 1; \
	done

bench: $(STAMP)
	@for s in benchmarks/bench_*.py; do echo "== $$s"; $(BIN)/python "$$s" || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
