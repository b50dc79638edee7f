"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text

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


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_upgrading_a_database_that_holds_coupons_and_redemptions(kind: str, fresh_database) -> None:  # type: ignore[no-untyped-def]
    """0002 adds coupon public ids to a live database: rows referencing coupons must not stop
    it (a table rebuild would, on SQLite with foreign keys on), and old coupons get ids."""
    url = fresh_database(kind)
    downgrade(url, "0001")
    engine = make_scratch_engine(url)
    with engine.begin() as conn:
        for code in ("OLD-1", "OLD-2"):
            conn.execute(
                text(
                    "INSERT INTO coupon (code, campaign, kind, value, min_basket_kurus,"
                    " valid_from, valid_until, channels, redeemed_count, created_at)"
                    " VALUES (:code, 'eski', 'amount', 1000, 0, :t, :t, 'store', 1, :t)"
                ),
                {"code": code, "t": datetime(2026, 1, 1, tzinfo=UTC)},
            )
        conn.execute(
            text(
                "INSERT INTO redemption (coupon_id, channel, status, discount_kurus,"
                " basket_total_kurus, created_at)"
                " SELECT id, 'store', 'confirmed', 1000, 5000, :t FROM coupon"
            ),
            {"t": datetime(2026, 1, 1, tzinfo=UTC)},
        )
    engine.dispose()
    upgrade(url)
    engine = make_scratch_engine(url)
    with engine.connect() as conn:
        ids = conn.execute(text("SELECT public_id FROM coupon ORDER BY id")).scalars().all()
        redemptions = conn.execute(text("SELECT count(*) FROM redemption")).scalar_one()
    engine.dispose()
    assert len(ids) == 2 and len(set(ids)) == 2 and all(len(i) == 16 for i in ids)
    assert redemptions == 2
    command.check(alembic_config(url))
