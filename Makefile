# Two entry points for a fresh machine with Python 3.11: `make serve` and `make test`.
# Both create .venv themselves; a stamp file per requirements set keeps reinstalls to changes only.

export DISABLE_MKDOCS_2_WARNING := true
export NO_MKDOCS_2_WARNING := 1

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
# The full freeze pins every transitive dependency, so a fresh install is the one that was tested.
PIN := -c constraints.txt

.PHONY: help serve build offline test lint format outputs anchors bench clean

help:
	@echo "make serve    build and serve the site on http://127.0.0.1:8000 (site stack only)"
	@echo "make offline  build a copy in site-offline/ that works from file://, search included"
	@echo "make test     install everything and run every check"
	@echo "make outputs  re-run every example and rewrite the outputs shown on the pages"
	@echo "make anchors  record newly published question anchors in tests/anchors.txt"
	@echo "make bench    build time, example-suite time, slowest examples, peak memory, counts"

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.docs: requirements-docs.txt constraints.txt | $(BIN)/python
	$(PIP) install -q -r requirements-docs.txt $(PIN)
	touch $@

$(VENV)/.all: requirements.txt requirements-docs.txt constraints.txt | $(BIN)/python
	$(PIP) install -q -r requirements.txt $(PIN)
	touch $@ $(VENV)/.docs

serve: $(VENV)/.docs
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

build: $(VENV)/.docs
	$(BIN)/mkdocs build --strict

offline: $(VENV)/.docs
	OFFLINE=true $(BIN)/mkdocs build --strict --site-dir site-offline
	@echo "open site-offline/index.html in a browser"

lint: $(VENV)/.all
	$(BIN)/ruff check snippets tests handbook
	$(BIN)/ruff format --check snippets tests handbook

test: $(VENV)/.all lint
	$(BIN)/mkdocs build --strict
	$(BIN)/pytest --durations=10

format: $(VENV)/.all
	$(BIN)/ruff check --fix snippets tests handbook
	$(BIN)/ruff format snippets tests handbook

outputs: $(VENV)/.all
	$(BIN)/pytest docs --update-outputs

anchors: $(VENV)/.docs
	$(BIN)/python -m tests.anchors --update

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

bench: $(VENV)/.all node_modules/.package-lock.json
	$(BIN)/python -m tests.bench

clean:
	rm -rf site site-offline .pytest_cache
