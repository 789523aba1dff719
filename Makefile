# Đảng bộ số — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test setup assets browser demo bench lint clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

setup: $(STAMP) node_modules/.package-lock.json

assets: setup
	$(PY) manage.py collectstatic --noinput -v0

# Run the product with demo data on the embedded default (SQLite, var/dangbo.sqlite3), served as in
# production: gunicorn + the task worker (db_worker) + the scheduler, in the foreground; Ctrl-C stops all.
run: assets
	$(PY) manage.py migrate --noinput -v0
	$(VENV)/bin/dangbo demo --if-empty
	$(VENV)/bin/dangbo serve --host $(HOST) --port $(PORT)

# Debian's chromium for the browser tests (root can install it; others need it installed).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Cần cài chromium (apt-get install chromium) để chạy kiểm thử trình duyệt."; exit 1; fi; }

# The whole test suite. DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo runs it on PostgreSQL.
test: assets browser
	$(VENV)/bin/ruff check dangbo bench tests conftest.py
	$(VENV)/bin/ruff format --check dangbo bench tests conftest.py
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -n $(WORKERS) $(PYTEST_ARGS)

demo: setup
	$(PY) manage.py migrate --noinput -v0
	$(VENV)/bin/dangbo demo

bench: setup
	$(PY) bench/run.py

lint: setup
	$(VENV)/bin/ruff check dangbo bench tests conftest.py
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check dangbo bench tests conftest.py

clean:
	rm -rf $(VENV) node_modules var/static
