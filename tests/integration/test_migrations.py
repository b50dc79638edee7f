"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect

from app.server.db import make_scratch_engine
from app.server.migrate import alembic_config, downgrade, upgrade


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migrations_match_models_and_go_down_and_up(kind: str, fresh_database) -> None:  # type: ignore[no-untyped-def]
    url = fresh_database(kind)  # already upgraded to head
    command.check(alembic_config(url))  # raises if autogenerate would find any difference
    downgrade(url, "base")
    engine = make_scratch_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(url)
    engine = make_scratch_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"order", "stocklevel", "changelog", "idempotencyrecord", "coupon"} <= tables
