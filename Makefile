# Two commands do everything on a fresh machine:
#   make run   — venv + install, build the index from data/sample, serve on http://127.0.0.1:8000
#                (Whoosh; with SEARCH_BACKEND=opensearch OPENSEARCH_URL=… the same into a cluster)
#   make test  — venv + install (+ Chromium for the browser tests, a JDK and Maven for the
#                OpenSearch cluster tests), then the whole pytest suite on both engines
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CORPUS ?= data/sample
INDEX  ?= var/index

.PHONY: run test lint bench bench-engines relevance stemmers clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(PY) -m indexer build $(CORPUS) --index $(INDEX)
	SEARCH_INDEX_DIR=$(INDEX) $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

test: $(VENV)/.installed
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-java.sh
	$(PY) -m pytest

# Local 3-node OpenSearch cluster (cluster/README.md): prints the node URLs once green.
.PHONY: cluster
cluster:
	bash scripts/opensearch-cluster up

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

stemmers: $(VENV)/.installed
	$(PY) eval/stemmers.py

relevance: $(VENV)/.installed
	$(PY) eval/relevance.py

bench: $(VENV)/.installed
	$(PY) bench/run.py

bench-engines: $(VENV)/.installed
	$(PY) bench/engines.py

clean:
	rm -rf var .pytest_cache
