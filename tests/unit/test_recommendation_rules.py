"""The recommendation rules (app/domain/recommendations.py): companions are counted once per
order and symmetric, lift says how much more often than chance, "complete the look" never
offers what the basket has or its categories, a recommender always fills its places, and the
hit rate of the evaluation is what it says. And on a made-up world where people buy outfits
(the generator below says how), "bought together" finds the hidden item far more often than
"most popular"; on a world of random baskets it has nothing to find and does no better."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection

from hypothesis import given
from hypothesis import strategies as st

from app.domain import recommendations as rec

baskets = st.lists(st.lists(st.integers(1, 12), min_size=0, max_size=4), max_size=60)


@given(baskets)
def test_companions_are_counted_once_per_order_and_both_ways(orders: list[list[int]]) -> None:
    model = rec.bought_together(orders, min_together=1)
    for a, companions in model.companions.items():
        for c in companions:
            both = sum(1 for o in orders if a in o and c.product_id in o)
            assert c.together == both
            back = next(x for x in model.companions[c.product_id] if x.product_id == a)
            assert back.together == c.together and abs(back.lift - c.lift) < 1e-9
            expected = (
                both * model.orders / (model.orders_with[a] * model.orders_with[c.product_id])
            )
            assert abs(c.lift - expected) < 1e-9
        assert [c.together for c in companions] == sorted(
            (c.together for c in companions), reverse=True
        )


@given(baskets, st.lists(st.integers(1, 12), min_size=1, max_size=3), st.integers(1, 5))
def test_complete_the_look_offers_nothing_of_the_baskets_products_or_categories(
    orders: list[list[int]], basket: list[int], k: int
) -> None:
    category = {p: f"c{p % 4}" for p in range(1, 13)}
    picks = rec.complete_the_look(rec.bought_together(orders, min_together=1), basket, category, k)
    assert len(picks) <= k
    assert not {p.product_id for p in picks} & set(basket)
    assert not {category[p.product_id] for p in picks} & {category[p] for p in basket}


@given(baskets, st.lists(st.integers(1, 12), max_size=3), st.integers(1, 6))
def test_a_recommender_fills_its_places_from_the_popular(
    orders: list[list[int]], basket: list[int], k: int
) -> None:
    model = rec.bought_together(orders, min_together=1)
    popular = rec.most_popular(model)
    nothing = rec.with_popular_after(lambda _b, _k: [], popular)
    picks = nothing(basket, k)
    available = [p for p in popular if p not in basket]
    assert picks == available[:k]


def test_hit_rate_counts_what_it_says() -> None:
    held_out = [[1, 2], [3, 4], [5], [6, 7, 8]]  # [5]: one product, nothing to hide

    def oracle(basket: Collection[int], k: int) -> list[int]:
        return {(1,): [2], (3,): [9], (6, 7): [8]}[tuple(basket)]

    assert rec.hit_rate(oracle, held_out, 1) == 2 / 3


# -- a made-up world --------------------------------------------------------------------------
# 60 products in 4 categories (tops, trousers, shoes, bags), 15 of each; 15 outfits, each one
# product of each category. An outfit order holds 2 or 3 products of one outfit; a random order
# holds 2 or 3 products of any category. Popularity is skewed on purpose (a few best-sellers
# sold alone), so "most popular" is a fair rival, not a straw man.

CATEGORIES = ("top", "trousers", "shoes", "bag")
CATEGORY = {p: CATEGORIES[p % 4] for p in range(60)}
OUTFITS = [[o * 4 + c for c in range(4)] for o in range(15)]


def _world(rng: random.Random, n: int, outfit_share: float) -> list[list[int]]:
    orders: list[list[int]] = []
    for _ in range(n):
        if rng.random() < outfit_share:
            outfit = OUTFITS[min(int(rng.expovariate(0.25)), len(OUTFITS) - 1)]
            orders.append(rng.sample(outfit, rng.choice((2, 3))))
        elif rng.random() < 0.5:
            orders.append([rng.choice((0, 1, 2, 3, 5))])  # the best-sellers, alone
        else:
            orders.append(rng.sample(range(60), rng.choice((2, 3))))
    return orders


def _rates(orders: list[list[int]], k: int) -> tuple[float, float]:
    train, held_out = orders[: len(orders) * 4 // 5], orders[len(orders) * 4 // 5 :]
    model = rec.bought_together(train)
    popular = rec.most_popular(model)
    looks = rec.with_popular_after(
        lambda basket, k: [c.product_id for c in rec.complete_the_look(model, basket, CATEGORY, k)],
        popular,
    )
    by_popularity = rec.with_popular_after(lambda _b, _k: [], popular)
    return rec.hit_rate(looks, held_out, k), rec.hit_rate(by_popularity, held_out, k)


def test_on_outfits_bought_together_beats_most_popular() -> None:
    looks, popular = _rates(_world(random.Random(15), 4000, outfit_share=0.6), k=3)
    assert looks > 0.5 and looks > 3 * popular, (looks, popular)


def test_on_random_baskets_there_is_nothing_to_find() -> None:
    looks, popular = _rates(_world(random.Random(15), 4000, outfit_share=0.0), k=3)
    assert looks < 0.15 and popular < 0.15, (looks, popular)


def test_for_customer_takes_at_most_two_per_source_and_eight_in_all_never_twice() -> None:
    sources = [("with_wishlist", s) for s in range(1, 7)]
    # Every source's companions: the same shared one first, then three of its own.
    companions = {s: [(100, 9), *((10 * s + k, 5 - k) for k in range(3))] for s in range(1, 7)}
    offered = {100, *(10 * s + k for s in range(1, 7) for k in range(3))}
    picked = rec.for_customer(sources, companions, leave_out={11}, offered=offered - {21})
    assert len(picked) == rec.FOR_CUSTOMER
    chosen = [c for _, _, c, _ in picked]
    assert len(set(chosen)) == len(chosen) and chosen.count(100) == 1
    assert 11 not in chosen and 21 not in chosen  # left out, and no longer sold
    per_source = Counter(source for _, source, _, _ in picked)
    assert max(per_source.values()) <= rec.PER_SOURCE
    assert [s for _, s, _, _ in picked] == sorted(s for _, s, _, _ in picked)  # sources' order


def test_first_mentions_keep_the_first_reason_and_their_size_the_most_bought() -> None:
    assert rec.first_mentions([("a", 1), ("b", 2), ("c", 1)]) == [("a", 1), ("b", 2)]
    assert rec.their_size(["S", "M", "L"], {"M": 3, "L": 1, "XL": 9}) == "M"
    assert rec.their_size(["S"], {"M": 3}) is None
    alike = [(1, "Pera", 1000), (2, "Reyon", 1500), (3, "Reyon", 900), (4, "Reyon", 1100)]
    assert rec.nearest_alike(alike, "Reyon", 1000) == [3, 4, 2, 1]
