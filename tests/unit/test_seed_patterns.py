"""The buying patterns planted in the demo data set (app/server/seed/patterns.py), on the world
built in memory: the lookbook is the same every time, outfits change what an order holds and
nothing else, half the baskets of two products or more are a look of distinct categories, and
on the orders held out in time "complete the look" finds the hidden product far more often
than "most popular"; with outfits switched off neither finds anything the other does not.
The figures are those `make bench` reports (tests/bench/recommendations.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest

from app.server.seed import demo
from app.server.seed.orders import ORDER_COLUMNS
from app.server.seed.patterns import OUTFIT_SHARE, Lookbook, lookbook
from tests.bench.recommendations import (
    KS,
    Rows,
    baskets_in_time,
    categories,
    figures,
    no_outfits,
)

pytestmark = pytest.mark.slow  # two demo worlds, about 2 s each


@dataclass
class Outfits:
    rows: Rows
    book: Lookbook
    args: tuple[Any, ...]  # what demo.build gave lookbook()


@pytest.fixture(scope="module")
def outfits() -> Outfits:
    seen: dict[str, Any] = {}

    def spy(*args: Any) -> Lookbook:
        seen["args"], seen["book"] = args, lookbook(*args)
        return seen["book"]

    with mock.patch.object(demo, "lookbook", spy):
        rows = demo.build(lambda _: None).rows
    return Outfits(rows, seen["book"], seen["args"])


@pytest.fixture(scope="module")
def random_baskets() -> Rows:
    with no_outfits():
        return demo.build(lambda _: None).rows


def test_the_lookbook_is_the_same_every_time(outfits: Outfits) -> None:
    again = lookbook(*outfits.args)
    assert len(again.looks) > 100
    assert again.looks == outfits.book.looks
    assert again.variants_of == outfits.book.variants_of


def test_outfits_change_only_what_an_order_holds(outfits: Outfits, random_baskets: Rows) -> None:
    same = [ORDER_COLUMNS.index(c) for c in ("id", "customer_id", "channel", "status", "placed_at")]
    assert [[o[i] for i in same] for o in outfits.rows["order"]] == [
        [o[i] for i in same] for o in random_baskets["order"]
    ]
    assert len(outfits.rows["orderline"]) == len(random_baskets["orderline"])


def _in_a_look(rows: Rows, book: Lookbook) -> tuple[list[list[int]], list[list[int]]]:
    """The baskets of two products or more, and those of them within one look."""
    looks = [set(look) for look in book.looks]
    several = [b for b in baskets_in_time(rows) if len(b) >= 2]
    return several, [b for b in several if any(set(b) <= look for look in looks)]


def test_half_the_baskets_are_a_look_of_distinct_categories(
    outfits: Outfits, random_baskets: Rows
) -> None:
    category_of = categories(outfits.rows)
    several, looks = _in_a_look(outfits.rows, outfits.book)
    assert len(several) > 500
    assert abs(len(looks) / len(several) - OUTFIT_SHARE) < 0.05
    assert all(len({category_of[p] for p in b}) == len(b) for b in looks)
    several, looks = _in_a_look(random_baskets, outfits.book)
    assert len(looks) / len(several) < 0.01


def test_complete_the_look_beats_most_popular_on_later_orders(outfits: Outfits) -> None:
    # Measured: hit@3 0.281 against 0.070, hit@5 0.281 against 0.123, on 114 held-out orders.
    f = figures(outfits.rows)
    assert f["held_out_orders"] >= 100
    at3, at5 = f["hit_at_3"], f["hit_at_5"]
    assert at3["complete_the_look"] >= 0.2
    assert at3["complete_the_look"] >= 2 * at3["most_popular"]
    assert at5["complete_the_look"] >= 1.5 * at5["most_popular"]


def test_with_no_outfits_it_does_no_better_than_most_popular(
    outfits: Outfits, random_baskets: Rows
) -> None:
    # Measured: 0.0 for both at k=3 and k=5 (one hit is 0.009 of 114 orders).
    f = figures(random_baskets)
    with_outfits = figures(outfits.rows)
    for key in ("training_orders", "held_out_orders"):  # the same split in time
        assert f[key] == with_outfits[key]
    for k in KS:
        at = f[f"hit_at_{k}"]
        assert abs(at["complete_the_look"] - at["most_popular"]) <= 0.03
