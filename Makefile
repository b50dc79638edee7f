# Reyon: two set-up commands, `make demo` and `make test`. Everything is installed from the
# lock file (uv.lock) into .venv; uv itself is pinned and installed into .tools.

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint typecheck bench soak env clean

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

bench: env
	$(VENV)/bin/python -m tests.bench.run

# A long shop day under fault injection (tests/faults/): SQLite, then PostgreSQL when it runs.
soak: env
	$(VENV)/bin/python -m tests.faults.soak
	$(VENV)/bin/python -m tests.faults.soak --postgres "$${REYON_TEST_PG_ADMIN_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}"

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
