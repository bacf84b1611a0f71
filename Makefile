# The two commands a newcomer needs:  `make demo`  and  `make test`.
# Both set up everything first (virtualenv, Python packages, the built dashboard,
# Chromium for the browser tests); setup reruns only when its inputs change.

VENV   ?= .venv
PY     := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: setup demo test test-all lint bench

setup: .setup-stamp

.setup-stamp: pyproject.toml web/package.json web/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	cd web && npm ci --no-audit --no-fund && npm run build
	scripts/ensure-chromium
	touch .setup-stamp

demo: setup
	$(VENV)/bin/stepscope demo

lint: setup
	$(VENV)/bin/ruff check src tests bench examples
	$(VENV)/bin/mypy

test: setup lint
	cd web && npm test
	$(PY) -m pytest

test-all: setup lint
	cd web && npm test
	$(PY) -m pytest -m ""

bench: setup
	for b in bench/*_bench.py; do $(PY) $$b || exit 1; done
