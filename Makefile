# Everyday commands; the README explains them. Nothing here needs more than Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := APP_ENV=$${APP_ENV:-development} $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
LOCK_FLAGS = --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

.PHONY: run test bench bench-live setup translations lint lock clean

run: setup ## Serve the demo site on http://127.0.0.1:5000 with the notifications job beside it (SQLite unless DATABASE_URL is set)
	$(FLASK) db upgrade
	$(FLASK) demo
	export SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}; \
	$(FLASK) notifications send --loop --every 30 & sender=$$!; trap 'kill $$sender' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev-installed translations ## Run the whole suite (PostgreSQL when TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev-installed translations ## Every page on the large data vs /robots.txt, SQLite then PostgreSQL (wrk; bench/results.md)
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

bench-live: $(VENV)/.dev-installed translations ## Load a live dialogue session: 300 pollers, 20 posters, 60 s (README)
	$(BIN)/python bench/live_dialogue.py $(BENCH_ARGS)

setup: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d community/translations

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r community -lll

# requirements.in and requirements-dev.in are edited by hand; `make lock` compiles them into
# requirements.txt and requirements-dev.txt, the lock files the installs below use: every package,
# direct or not, pinned with its hashes. Pins already locked are kept; LOCK_ARGS=--upgrade (or
# --upgrade-package NAME) moves the indirect ones.
lock: $(VENV)/.dev-installed ## Recompile the lock files after editing requirements*.in
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile -q $(LOCK_FLAGS) --output-file=requirements.txt requirements.in
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile -q $(LOCK_FLAGS) --output-file=requirements-dev.txt requirements-dev.in

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(BIN)/pip install --disable-pip-version-check -q --require-hashes -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --disable-pip-version-check -q --require-hashes -r requirements-dev.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/.cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
