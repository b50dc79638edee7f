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


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_change_log_keeps_its_positions_across_0018_and_never_reuses_a_pruned_one(  # type: ignore[no-untyped-def]
    kind: str, fresh_database
) -> None:
    """0018 gives the change log an id of its own. Rows a tablet may have read keep their seq;
    the next row takes a number above every one handed out, the pruned top ones included;
    and going back down numbers the rows not yet numbered instead of losing them."""
    url = fresh_database(kind)
    downgrade(url, "0017")
    engine = make_scratch_engine(url)
    row = (
        "INSERT INTO changelog (entity, entity_id, op, payload, at)"
        " VALUES ('product', :e, 'upsert', '{}', :t)"
    )
    at = {"t": datetime(2026, 1, 1, tzinfo=UTC)}
    with engine.begin() as conn:
        for n in range(5):
            conn.execute(text(row), {"e": str(n), **at})
        # Pruning took the newest two as well: their numbers (4, 5) were handed out.
        conn.execute(text("DELETE FROM changelog WHERE seq >= 4"))
    engine.dispose()
    upgrade(url)
    engine = make_scratch_engine(url)
    with engine.begin() as conn:
        kept = conn.execute(text("SELECT id, seq, entity_id FROM changelog ORDER BY id")).all()
        conn.execute(text(row), {"e": "new", **at})
        new_id = conn.execute(text("SELECT max(id) FROM changelog")).scalar_one()
    engine.dispose()
    assert [tuple(r) for r in kept] == [(1, 1, "0"), (2, 2, "1"), (3, 3, "2")]
    assert new_id > 5, new_id
    command.check(alembic_config(url))

    downgrade(url, "0017")
    engine = make_scratch_engine(url)
    with engine.connect() as conn:
        seqs = conn.execute(text("SELECT seq, entity_id FROM changelog ORDER BY seq")).all()
    engine.dispose()
    # SQLite numbered the new row as it was written (its id); PostgreSQL only on the way down.
    assert [e for _, e in seqs] == ["0", "1", "2", "new"]
    assert seqs[-1][0] > 3
    upgrade(url)
