"""Recommendation figures for `make bench` (issue 15): how often "complete the look" finds the
product a customer went on to buy, against "most popular", on the generated order history.

For the demo and the bench data sets, built in memory (no database): each order's products
(cancelled orders left out), orders in the order they were placed; the first 80% learn what
is bought together, the last 20% are held out, a split in time as a store would have it. On
each held-out order of two products or more, the last product is hidden and each recommender
sees the rest (app.domain.recommendations.hit_rate): hit@3 and hit@5 for
- complete the look: `complete_the_look` on the learnt companions, filled up with the most
  popular products when it has fewer than k, as a shelf would be;
- most popular: the products in the most training orders, not already in the basket.
And a control: the demo data set built with outfits switched off (an empty lookbook).

Why the comparison is not circular: the outfits are planted by the seed generator from its
own random source (app/server/seed/patterns.py), which the recommender never sees; it learns
only from orders placed before every order it is scored on; and both recommenders are asked
for the same hidden product of the same orders. The figure shows that the recommender finds a
pattern that exists, not what it would sell in a real store; the control, where there is no
pattern, shows that it invents none (both recommenders about equal).

    .venv/bin/python -m tests.bench.recommendations [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from unittest import mock

from app.domain.orders import OrderStatus
from app.domain.recommendations import (
    bought_together,
    complete_the_look,
    hit_rate,
    most_popular,
    with_popular_after,
)
from app.server.seed import bench, demo
from app.server.seed.catalog import PRODUCT_COLUMNS, VARIANT_COLUMNS
from app.server.seed.orders import LINE_COLUMNS, ORDER_COLUMNS
from app.server.seed.patterns import Lookbook
from app.server.seed.world import World

TRAIN_SHARE = 0.8
KS = (3, 5)
Rows = Mapping[str, Sequence[Sequence[Any]]]


def _col(columns: Sequence[str], name: str) -> int:
    return list(columns).index(name)


def baskets_in_time(rows: Rows) -> list[list[int]]:
    """Each order's product ids (once each, in line order), cancelled orders left out, the
    orders by when they were placed."""
    product_of = {
        v[_col(VARIANT_COLUMNS, "id")]: v[_col(VARIANT_COLUMNS, "product_id")]
        for v in rows["variant"]
    }
    lines: dict[int, list[int]] = defaultdict(list)
    for line in rows["orderline"]:
        lines[line[_col(LINE_COLUMNS, "order_id")]].append(
            product_of[line[_col(LINE_COLUMNS, "variant_id")]]
        )
    oid, status, placed = (_col(ORDER_COLUMNS, c) for c in ("id", "status", "placed_at"))
    orders = sorted(
        (o for o in rows["order"] if o[status] != OrderStatus.CANCELLED),
        key=lambda o: (o[placed], o[oid]),
    )
    return [list(dict.fromkeys(lines[o[oid]])) for o in orders if lines[o[oid]]]


def categories(rows: Rows) -> dict[int, str]:
    pid, category = _col(PRODUCT_COLUMNS, "id"), _col(PRODUCT_COLUMNS, "category")
    return {p[pid]: p[category] for p in rows["product"]}


def figures(rows: Rows) -> dict[str, Any]:
    """hit@k of both recommenders on the last 20% of the orders, learnt on the first 80%."""
    baskets = baskets_in_time(rows)
    cut = round(len(baskets) * TRAIN_SHARE)
    train, held_out = baskets[:cut], baskets[cut:]
    model = bought_together(train)
    popular = most_popular(model)
    category_of = categories(rows)
    look = with_popular_after(
        lambda b, k: [c.product_id for c in complete_the_look(model, b, category_of, k)],
        popular,
    )

    def most(b: Collection[int], k: int) -> list[int]:
        return [p for p in popular if p not in b][:k]

    out: dict[str, Any] = {
        "training_orders": len(train),
        "held_out_orders": sum(len(b) >= 2 for b in held_out),
    }
    for k in KS:
        a, b = hit_rate(look, held_out, k), hit_rate(most, held_out, k)
        out[f"hit_at_{k}"] = {
            "complete_the_look": round(a, 3),
            "most_popular": round(b, 3),
            "ratio": round(a / b, 2) if b else None,
        }
    return out


@contextmanager
def no_outfits() -> Iterator[None]:
    """demo.build with an empty lookbook: every basket picked at random."""

    def empty(*_: Any) -> Lookbook:
        return Lookbook([], random.Random(0), {}, {})

    with mock.patch.object(demo, "lookbook", empty):
        yield


def _timed(build: Callable[[Callable[[str], None]], World]) -> dict[str, Any]:
    start = time.perf_counter()
    out = figures(build(lambda _: None).rows)
    out["seconds"] = round(time.perf_counter() - start, 1)
    return out


def measure(quick: bool = False) -> dict[str, Any]:
    """The figures for demo, bench (not with `quick`) and demo with no outfits; each with the
    seconds its build and measure took."""
    out = {"demo": _timed(demo.build)}
    if not quick:
        out["bench"] = _timed(bench.build)
    with no_outfits():
        out["demo_no_outfits"] = _timed(demo.build)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.bench.recommendations")
    parser.add_argument("--quick", action="store_true", help="demo data set only")
    print(json.dumps(measure(quick=parser.parse_args().quick), indent=1))
