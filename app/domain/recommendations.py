"""Recommendations from order history (issue 15), pure: which products are bought together,
what completes a look, and how well a recommender does on orders it has not seen.

"Bought together" counts, for each pair of products, the orders that hold both, and ranks a
product's companions by that count and then by lift (how much more often the pair occurs than
the two products' own popularity would make it by chance), so a pair that is merely two
best-sellers ranks below one that people choose together. "Complete the look" keeps the
companions of other categories: a shirt's companions are trousers and jackets, not more
shirts. The baseline every figure is compared with is "most popular": the products in the
most orders, whatever is in the basket.

The measure is hit@k on held-out orders: for each held-out order of two products or more, one
product is hidden, the recommender sees the rest, and it scores a hit when the hidden product
is among its first k. The same split and the same hidden products for every recommender.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TypeVar

MIN_TOGETHER = 2  # orders holding a pair before it is a companion: one order is chance


@dataclass(frozen=True, slots=True)
class Companion:
    product_id: int
    together: int  # orders holding both
    lift: float


@dataclass(frozen=True, slots=True)
class BoughtTogether:
    """Each product's companions, best first, and every product's order count."""

    companions: Mapping[int, Sequence[Companion]]
    orders_with: Mapping[int, int]
    orders: int


def bought_together(
    baskets: Iterable[Collection[int]], *, min_together: int = MIN_TOGETHER
) -> BoughtTogether:
    """The companions of each product in these orders (each a collection of product ids; a
    product twice in one order counts once)."""
    single: Counter[int] = Counter()
    pairs: Counter[tuple[int, int]] = Counter()
    n = 0
    for basket in baskets:
        items = sorted(set(basket))
        if not items:
            continue
        n += 1
        single.update(items)
        pairs.update(combinations(items, 2))
    found: dict[int, list[Companion]] = defaultdict(list)
    for (a, b), together in pairs.items():
        if together < min_together:
            continue
        lift = together * n / (single[a] * single[b])
        found[a].append(Companion(b, together, lift))
        found[b].append(Companion(a, together, lift))
    ranked = {
        p: sorted(cs, key=lambda c: (-c.together, -c.lift, c.product_id)) for p, cs in found.items()
    }
    return BoughtTogether(companions=ranked, orders_with=dict(single), orders=n)


def most_popular(model: BoughtTogether) -> list[int]:
    """Every product, in the most orders first (ties by id: the same list every time)."""
    return sorted(model.orders_with, key=lambda p: (-model.orders_with[p], p))


def complete_the_look(
    model: BoughtTogether,
    basket: Collection[int],
    category_of: Mapping[int, str],
    k: int,
) -> list[Companion]:
    """Up to k products bought with what is in `basket`, of categories not in it: each
    companion's count summed over the basket's products, then by lift."""
    have = set(basket)
    taken = {category_of.get(p) for p in have}
    score: dict[int, tuple[int, float]] = {}
    for p in have:
        for c in model.companions.get(p, ()):
            if c.product_id in have or category_of.get(c.product_id) in taken:
                continue
            together, lift = score.get(c.product_id, (0, 0.0))
            score[c.product_id] = (together + c.together, max(lift, c.lift))
    best = sorted(score.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:k]
    return [Companion(p, together, lift) for p, (together, lift) in best]


Recommender = Callable[[Collection[int], int], Sequence[int]]


def with_popular_after(first: Recommender, popular: Sequence[int]) -> Recommender:
    """`first`'s picks, then the most popular ones not in the basket or picked: a recommender
    always fills its k places, as a shelf would."""

    def recommend(basket: Collection[int], k: int) -> list[int]:
        out = [p for p in first(basket, k) if p not in basket][:k]
        for p in popular:
            if len(out) >= k:
                break
            if p not in basket and p not in out:
                out.append(p)
        return out

    return recommend


def hit_rate(recommend: Recommender, held_out: Iterable[Sequence[int]], k: int) -> float:
    """The share of held-out orders (two products or more) whose hidden product, the last
    in the order as given, is among the first k recommended from the others."""
    hits = tries = 0
    for order in held_out:
        items = list(dict.fromkeys(order))
        if len(items) < 2:
            continue
        hidden, seen = items[-1], items[:-1]
        tries += 1
        hits += hidden in recommend(seen, k)[:k]
    return hits / tries if tries else 0.0


# --- what the tablet's scenes show (the API and the in-memory gateway alike) -----------------

LOOK = 6  # "complete the look": one row of cards
SIMILAR = 6  # "similar and here": one row
FOR_CUSTOMER = 8  # "for this customer"
PER_SOURCE = 2  # ... at most this many from one thing they saved, tried on or bought

Why = TypeVar("Why")


def first_mentions(mentions: Iterable[tuple[Why, int]]) -> list[tuple[Why, int]]:
    """Each product once, with why it was first mentioned, in the order given (the most
    telling reason first: saved, then tried on and liked, then bought)."""
    first: dict[int, Why] = {}
    for why, product_id in mentions:
        first.setdefault(product_id, why)
    return [(why, product_id) for product_id, why in first.items()]


def for_customer(
    sources: Sequence[tuple[Why, int]],
    companions: Mapping[int, Sequence[tuple[int, int]]],
    *,
    leave_out: Collection[int],
    offered: Collection[int],
) -> list[tuple[Why, int, int, int]]:
    """(why, source, companion, orders together) for the customer in front of the associate:
    the companions of their `sources`, best first and in the sources' order, at most
    PER_SOURCE from one source and FOR_CUSTOMER in all; never one in `leave_out` (what they
    have, saved or are shown as a source) or not `offered` (no longer sold), never twice."""
    seen = set(leave_out)
    picked: list[tuple[Why, int, int, int]] = []
    for why, source in sources:
        taken = 0
        for companion, together in companions.get(source, ()):
            if len(picked) >= FOR_CUSTOMER or taken >= PER_SOURCE:
                break
            if companion in seen or companion not in offered:
                continue
            seen.add(companion)
            picked.append((why, source, companion, together))
            taken += 1
    return picked


def their_size(made_in: Iterable[str], sizes: Mapping[str, int]) -> str | None:
    """Of the sizes a product is made in, the one the customer has bought or saved most."""
    return max((z for z in made_in if sizes.get(z)), key=lambda z: sizes[z], default=None)


def nearest_alike(candidates: Iterable[tuple[int, str, int]], brand: str, price: int) -> list[int]:
    """Up to SIMILAR of the (product, brand, price) candidates: the same brand first, then
    the nearest price."""
    ranked = sorted(candidates, key=lambda c: (c[1] != brand, abs(c[2] - price), c[0]))
    return [product_id for product_id, _, _ in ranked[:SIMILAR]]
