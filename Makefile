# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint format venv migrate demo clean bench-web

# The virtualenv is rebuilt when pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# The host names `make run` answers to: the one it listens on plus the loopback names; any
# name when it listens on every interface (HOST=0.0.0.0). ALLOWED_HOSTS=… overrides it.
comma := ,
space := $(subst ,, )
ifeq ($(HOST),0.0.0.0)
RUN_ALLOWED_HOSTS := *
else
RUN_ALLOWED_HOSTS := $(subst $(space),$(comma),$(sort $(HOST) 127.0.0.1 localhost))
endif

## make run: set up everything, load the demo campaign, serve on http://$(HOST):$(PORT) as users
## see it: DEBUG off (Chinese error pages, static files served by WhiteNoise from static/).
## `DEBUG=1 make run` for Django's debug pages; `PORT=8101 HOST=0.0.0.0 make run` to move it.
run: migrate
	$(BIN)/python manage.py load_demo --url http://$(HOST):$(PORT)/
	@echo ""
	@echo "评议 pingyi: http://$(HOST):$(PORT)/  (DEBUG=$${DEBUG:-0}; Ctrl-C 停止 / to stop)"
	DEBUG=$${DEBUG:-0} ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(RUN_ALLOWED_HOSTS)}" \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (browser and docker-compose checks install their Debian packages)
## Two passes: the bulk on TEST_WORKERS processes (pytest-xdist; a module stays on one process so
## its live server and browser are shared), then the tests that start real Celery workers, gunicorn
## or `make run` one at a time (they share the broker's queues and the machine's ports).
TEST_WORKERS ?= 2
test: $(STAMP)
	bash scripts/ensure-system-deps.sh
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not integration" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m integration $(PYTEST_ARGS)

## make test-fast: SQLite, eager Celery, no browser, no real services (about 2-3 min)
test-fast: $(STAMP)
	env -u DATABASE_URL -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND \
	  $(BIN)/python -m pytest -q -n $(TEST_WORKERS) -m "not e2e and not integration" --ignore=tests/deploy $(PYTEST_ARGS)

## make lint: style, formatting, the layer contracts, import cycles and types
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_import_cycles.py
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make bench-web: gunicorn (production settings) + PostgreSQL + Redis under wrk, public pages
bench-web: $(STAMP)
	$(BIN)/python bench/web_load.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles artifacts .test-db.sqlite3
