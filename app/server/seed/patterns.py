"""How the generated customers choose what goes in one basket, so that recommendations learnt
from the order history have something real to find, and a reader can judge what a hit rate
measured on these data means.

- **Outfits.** The brand's lookbook holds a number of looks, each three or four styles of
  different categories that go together (a shirt, trousers and shoes; a dress, shoes and a
  bag...). A few looks are the season's campaign and are bought far more often than the rest
  (the look's weight falls as 1/rank^0.8). Half of the baskets of two or three items are a
  look: their items are styles of one look. The other baskets are picked at random from the
  whole catalogue, as before, and so are all single-item baskets.
- **Sizes.** Each customer has one size per size system (letters, waists, shoes), drawn once
  with the middle sizes most likely; an outfit's items are taken in that size where the
  style is made in it, else in any size it is made in.
- **No seasons.** A look is as likely in July as in January; the dates, channels, quantities
  and every other draw of an order come from the order generator's own random source, so
  turning outfits on or off changes only which variants an order holds (and what follows
  from their prices).

This module draws from its own random source, never from the order generator's: the stream
of dates, channels and statuses stays the same whether or not a basket becomes a look.

What this means for a measure: the patterns are planted, so "bought together beats most
popular" on these data shows that the recommender finds a pattern that exists when it exists,
not how much it would sell in a real store; the same figure on baskets picked at random (the
other half) shows that it invents none.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from app.server.seed import vocab
from app.server.seed.common import SEED, Var

OUTFIT_SHARE = 0.5  # of the baskets of two items or more
LOOK_SKEW = 0.8  # a look's weight: 1 / rank ** LOOK_SKEW
# The categories a look is made of: each look follows one of these.
TEMPLATES: tuple[tuple[str, ...], ...] = (
    ("shirts", "trousers", "shoes"),
    ("tshirts", "trousers", "shoes"),
    ("dresses", "shoes", "accessories"),
    ("knitwear", "trousers", "jackets"),
    ("shirts", "jackets", "accessories"),
    ("tshirts", "knitwear", "trousers", "shoes"),
    ("dresses", "jackets", "accessories", "shoes"),
)
# A customer's own size in each system, the middle ones most likely.
OWN_SIZE: dict[str, tuple[tuple[str, int], ...]] = {
    "apparel": (("XS", 5), ("S", 20), ("M", 35), ("L", 25), ("XL", 10), ("XXL", 5)),
    "waist": (("28", 8), ("30", 20), ("32", 30), ("34", 24), ("36", 12), ("38", 6)),
    "shoes": tuple(zip(vocab.SHOE_SIZES, (4, 8, 12, 14, 12, 10, 12, 12, 9, 7), strict=True)),
}
SYSTEM_OF = {c.slug: c.sizes for c in vocab.CATEGORIES}


@dataclass(slots=True)
class Lookbook:
    """The looks, and how the order generator turns a basket into one."""

    looks: list[tuple[int, ...]]  # product ids, one category each
    rng: random.Random
    variants_of: dict[int, list[int]]  # product id -> indexes into the variants
    system_of: dict[int, str]  # product id -> size system
    _weights: list[float] = field(default_factory=list)
    _sizes: dict[tuple[int, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._weights = list(accumulate(1 / (r + 1) ** LOOK_SKEW for r in range(len(self.looks))))

    def outfit(self, customer_id: int, k: int, variants: Sequence[Var]) -> list[int] | None:
        """The variants (indexes) of a k-item look for this customer, or None: this basket
        stays as picked."""
        if k < 2 or not self.looks or self.rng.random() >= OUTFIT_SHARE:
            return None
        look = self.rng.choices(self.looks, cum_weights=self._weights)[0]
        chosen = self.rng.sample(look, min(k, len(look)))
        return [self._in_size(customer_id, p, variants) for p in chosen]

    def _in_size(self, customer_id: int, product_id: int, variants: Sequence[Var]) -> int:
        options = self.variants_of[product_id]
        system = self.system_of[product_id]
        if system in OWN_SIZE:
            key = (customer_id, system)
            own = self._sizes.get(key)
            if own is None:
                sizes, weights = zip(*OWN_SIZE[system], strict=True)
                own = self._sizes[key] = self.rng.choices(sizes, weights=weights)[0]
            fitting = [i for i in options if variants[i].size == own]
            if fitting:
                return self.rng.choice(fitting)
        return self.rng.choice(options)


def lookbook(products: Sequence[tuple[Any, ...]], variants: Sequence[Var], looks: int) -> Lookbook:
    """`looks` looks over these products (rows as the catalogue writes them: id first, the
    category sixth), drawn from this module's own random source."""
    rng = random.Random(f"{SEED}-lookbook")
    by_category: dict[str, list[int]] = defaultdict(list)
    system_of: dict[int, str] = {}
    for row in products:
        pid, category = row[0], row[5]
        by_category[category].append(pid)
        system_of[pid] = SYSTEM_OF[category]
    variants_of: dict[int, list[int]] = defaultdict(list)
    for i, v in enumerate(variants):
        variants_of[v.product_id].append(i)
    # Only styles that have variants (the catalogue's last style may be cut short).
    for category, pids in by_category.items():
        by_category[category] = [p for p in pids if p in variants_of]
    made: list[tuple[int, ...]] = []
    for _ in range(looks):
        template = rng.choice(TEMPLATES)
        if all(by_category[c] for c in template):
            made.append(tuple(rng.choice(by_category[c]) for c in template))
    return Lookbook(made, random.Random(f"{SEED}-outfits"), dict(variants_of), system_of)
