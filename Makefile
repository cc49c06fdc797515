# Prepdeck: `make run` serves the app on http://127.0.0.1:5000, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app prepdeck

.PHONY: run setup install assets migrate seed test lint format serve-prod worker clean bench

run: setup
	$(BIN)/python scripts/devserver.py

setup: install assets migrate seed

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.installed
	npm run --silent build

migrate: install
	$(FLASK) db upgrade

seed: install
	$(FLASK) seed demo --if-empty

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install assets lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The production process, locally: needs DATABASE_URL, REDIS_URL and SECRET_KEY in the environment.
serve-prod: install assets
	PREPDECK_ENV=production $(FLASK) db upgrade
	PREPDECK_ENV=production $(BIN)/gunicorn -c gunicorn.conf.py "prepdeck:create_app()"

worker: install
	$(BIN)/celery -A prepdeck.worker worker --loglevel INFO

clean:
	rm -rf $(VENV) node_modules prepdeck/static/vendor .pytest_cache .ruff_cache

# Import throughput and search latency on PostgreSQL (TEST_DATABASE_URL or the local server),
# HTTP throughput under Gunicorn with wrk (`apt-get install -y wrk`; it flushes Redis db 14), the
# practice queue and review submissions of a learner with 50,000 cards and 1,000,000 reviews, and
# one live-room message to 200 WebSocket clients (flushes the same Redis db), and the web process's
# memory over 100,000 mixed requests under Gunicorn and wrk (the same Redis db);
# writes docs/performance.md. BENCH_ARGS="--only import" (or decks, http, practice, realtime, soak) or
# "--repeat 5" passes options through; "--database-url URL" picks the PostgreSQL server.
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)
