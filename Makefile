# The README's commands. Each target installs what it needs itself.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
CTPARSE := $(VENV)/bin/ctparse
SHARED ?= ../shared

.PHONY: demo test lint typecheck bench system-deps clean

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
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check ctparse tests benchmarks
	$(VENV)/bin/ruff format --check ctparse tests benchmarks

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/run.py --shared $(SHARED)

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
