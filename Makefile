# The README's commands. Each target installs what it needs itself.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
CTPARSE := $(VENV)/bin/ctparse
SHARED ?= ../shared

.PHONY: demo test lint typecheck bench mutate train system-deps clean

# `make demo`: a virtualenv with ctparse in it, then the main job: the two ESCC
# seed trials compared offline, as a table and as reports/escc-comparison.html.
demo: $(VENV)/.installed
	$(CTPARSE) compare --offline NCT05990231 local-8446462a6559f0be --format table
	$(CTPARSE) compare --offline NCT05990231 local-8446462a6559f0be -o reports/escc-comparison.html
	@echo "wrote reports/escc-comparison.html"

# `make test`: the same virtualenv with the dev extras, Debian's chromium for
# the browser test, then ruff and the whole pytest suite.
test: $(VENV)/.installed-dev system-deps
	$(VENV)/bin/ruff check ctparse tests benchmarks
	$(VENV)/bin/ruff format --check ctparse tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check ctparse tests benchmarks
	$(VENV)/bin/ruff format --check ctparse tests benchmarks

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy

# `make mutate`: systematic mutations of models/ (drop a phrase, change a factor, swap a
# comparator, change a canonical unit, ...) and the share the rule examples catch; add
# SUITE=1 to run the whole pytest suite on what survives them. Not part of CI.
mutate: $(VENV)/.installed-dev
	$(PY) tools/mutate.py $(if $(SUITE),--suite,)

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/run.py --shared $(SHARED)

# `make train`: the entity recognizer from ../shared/gold/entities (LCT and Chia,
# read by path; the generated corpora stay under training/entities/corpus/,
# git-ignored), trained with the fixed seed of training/entities/config.cfg and
# copied into models/entities/ with the trial split it was trained on. One BLAS
# thread, so that the weights do not depend on the machine's thread count.
# Never part of `make test`.
ENT := training/entities
train: $(VENV)/.installed
	$(PY) $(ENT)/convert.py --gold $(SHARED)/gold/entities --out $(ENT)/corpus
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	  $(PY) -m spacy train $(ENT)/config.cfg --code $(ENT)/functions.py --output $(ENT)/output \
	  --paths.train $(ENT)/corpus/train.spacy --paths.dev $(ENT)/corpus/dev.spacy
	$(PY) $(ENT)/ship.py $(ENT)/output/model-best --split $(ENT)/corpus/split.json --to models/entities
	$(PY) $(ENT)/score.py --model models/entities --split dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# Debian's chromium and chromedriver for the HTML report test (root or sudo).
system-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	elif command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "warning: cannot install chromium (not root, no sudo); the browser test will be skipped" >&2; fi

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
