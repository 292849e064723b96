# Developer commands. `make help` lists them. Every target creates or reuses .venv and
# installs the pinned dependencies itself, so a fresh clone needs only Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
NODE_STAMP := tests/browser/node_modules/.installed
SITE_DIR ?= site
PORT ?= 8000

export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help site serve test check-data changes pull seed index bench lint format clean lock

help: ## List the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

site: $(STAMP) ## Build the site from committed data into site/ (offline, strict)
	$(BIN)/mkdocs build --strict --site-dir $(SITE_DIR)

serve: $(STAMP) ## Serve the site at http://127.0.0.1:8000 (PORT=...) and rebuild on changes
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:$(PORT)

check-data: $(STAMP) ## Validate the curated data in centers/ (file, line and field on error)
	$(BIN)/python -m ceeatlas check

changes: $(STAMP) ## After editing centers/: record what changed, dated today (data/changes.jsonl, "What changed" page)
	$(BIN)/python -m ceeatlas changes

pull: $(STAMP) ## Fetch new CROSS rulings, ICPs, the HTSUS and agency link checks into data/ (network; ARGS=...)
	$(BIN)/python -m ceeatlas pull all $(ARGS)

seed: $(STAMP) ## Replay the recorded captures in captures/ into data/ (no network; what the committed data/ holds)
	$(BIN)/python -m ceeatlas pull cross --from-capture captures/cross-2026
	$(BIN)/python -m ceeatlas pull icp --from-catalogue captures/icps
	$(BIN)/python -m ceeatlas pull hts --from-capture captures/hts

# axe-core for the accessibility tests; without npm the browser tests skip (CI installs it).
$(NODE_STAMP): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null; then cd tests/browser && npm ci --no-audit --no-fund --silent && touch node_modules/.installed; \
	else echo "npm not found: browser and accessibility tests will be skipped"; fi

index: $(STAMP) ## Build or update the rulings search index (cache/index) and data/related.json
	$(BIN)/python -m ceeatlas index $(ARGS)

BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(BENCH_STAMP) ## Benchmark the build against a naive MkDocs build (1k, 20k, 200k synthetic rulings; ~12 min)
	$(BIN)/python -m bench.run $(ARGS)

test: $(TEST_STAMP) $(NODE_STAMP) ## Run the linter and the whole test suite (browser tests need chromium)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(TEST_STAMP) ## Lint and check formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TEST_STAMP) ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: $(TEST_STAMP) ## Show the installed versions, to refresh the pins by hand
	$(BIN)/python -m pip freeze --exclude-editable

clean: ## Remove the built site and caches (keeps .venv)
	rm -rf $(SITE_DIR) .pytest_cache .ruff_cache .hypothesis
