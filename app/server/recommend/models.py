"""What the worker learnt from the order history: each product's companions, best first."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class ProductCompanion(SQLModel, table=True):
    """`companion_id` is bought with `product_id` in `together` orders; `rank` 1 is the best.
    Both directions are kept, so a product's companions are one indexed read."""

    product_id: int = Field(foreign_key="product.id", primary_key=True)
    companion_id: int = Field(foreign_key="product.id", primary_key=True)
    rank: int
    together: int
    lift: float


class RecommendationRun(SQLModel, table=True):
    """The one row saying when the companions were last learnt, and from how much. Its row
    lock also keeps two workers from rewriting the companions at once."""

    id: int = Field(default=1, primary_key=True)
    refreshed_at: datetime | None = None
    orders: int = 0
    pairs: int = 0
