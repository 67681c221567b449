# `make run` and `make test` are the two commands; both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000

.PHONY: run test test-sqlite test-postgres setup translations browser-deps bench lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,prod]'
	touch $@

setup: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy --statistics -d community/translations

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

browser-deps:
	@scripts/browser-deps.sh

test: setup browser-deps
	scripts/test.sh

test-sqlite: setup
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) benchmarks/bench_foundation.py

clean:
	rm -rf $(VENV) instance *.egg-info
