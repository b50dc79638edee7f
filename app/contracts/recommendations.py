"""Recommendations as the tablet shows them: a product, and the reason the associate can say
out loud ("bought with this in 14 orders", "goes with the jacket on her wish list")."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.contracts.catalog import ProductSummary

# bought_together: bought with the product on screen in `orders` orders.
# similar: the same kind of garment, in `size`, on the shelf here.
# with_wishlist / with_try_on / with_purchase: bought with something this customer saved,
#   tried on or bought (`source`), by other customers in `orders` orders.
ReasonKind = Literal["bought_together", "similar", "with_wishlist", "with_try_on", "with_purchase"]


class Reason(BaseModel):
    kind: ReasonKind
    orders: int = Field(default=0, ge=0)  # orders that held both
    source_tr: str | None = None  # the product it goes with, by name
    source_en: str | None = None
    size: str | None = None  # the size it is offered in (the customer's, the one asked for)
    here: int = Field(default=0, ge=0)  # units available at this store (in `size` if given)


class Recommendation(BaseModel):
    product: ProductSummary
    reason: Reason


class ProductRecommendations(BaseModel):
    complete_the_look: list[Recommendation]
    # Only when a size was asked for: the same kind of garment with that size on the shelf.
    similar_here: list[Recommendation]
    learnt_at: datetime | None  # when the worker last learnt what is bought together


class CustomerRecommendations(BaseModel):
    items: list[Recommendation]
    learnt_at: datetime | None
