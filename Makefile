# Reyon: two set-up commands, `make demo` and `make test`. Everything is installed from the
# lock file (uv.lock) into .venv; uv itself is pinned and installed into .tools.

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint typecheck bench bench-peers soak env clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON) --quiet
	touch $@

env: $(VENV)/.synced

# Other ports: make demo DEMO_ARGS="--port 8100 --tablet-port 8650"
DEMO_ARGS ?=
demo: env
	$(VENV)/bin/reyon demo $(DEMO_ARGS)

test: env
	$(VENV)/bin/ruff check app tests
	$(VENV)/bin/ruff format --check app tests
	$(VENV)/bin/mypy app
	$(VENV)/bin/pytest

lint: env
	$(VENV)/bin/ruff check app tests
	$(VENV)/bin/ruff format --check app tests

typecheck: env
	$(VENV)/bin/mypy app

# wrk (Debian's package) drives the throughput runs of the scale-out figure: a load generator
# in C leaves the two cores to the server it measures.
bench: env
	command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	$(VENV)/bin/python -m tests.bench.run
	$(VENV)/bin/python -m tests.bench.scale_out

# Reyon against Vendure, a real open-source commerce engine, on the same PostgreSQL and data
# (tests/bench/peers.py). Node.js and npm install the peer from its committed lock file into
# var/peers/vendure; not part of `make test`.
bench-peers: env
	command -v npm >/dev/null || (apt-get update -q && apt-get install -y -q nodejs npm)
	$(VENV)/bin/python -m tests.bench.peers

# A long shop day under fault injection (tests/faults/): SQLite, then PostgreSQL when it runs.
soak: env
	$(VENV)/bin/python -m tests.faults.soak
	$(VENV)/bin/python -m tests.faults.soak --postgres "$${REYON_TEST_PG_ADMIN_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}"

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
