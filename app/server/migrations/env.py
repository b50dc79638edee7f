"""Alembic environment: the URL comes from the caller (app.server.migrate), not alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import app.server.models  # noqa: F401  (registers every table on the metadata)
from app.server.db import make_scratch_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
if not url:
    raise RuntimeError("no database URL given to the migrations")

engine = make_scratch_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
