"""What the product and customer scenes recommend, each with its reason. Companions come from
the table the worker learns (refresh.py); stock is read live at the associate's store."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.contracts.recommendations import (
    CustomerRecommendations,
    ProductRecommendations,
    Reason,
    ReasonKind,
    Recommendation,
)
from app.domain.errors import NotFound
from app.domain.orders import OrderStatus
from app.domain.recommendations import LOOK, first_mentions, for_customer, nearest_alike, their_size
from app.server.catalog.models import Product, Variant
from app.server.catalog.service import summaries
from app.server.customers.access import accessible_customer
from app.server.customers.models import TryOn, WishlistEntry
from app.server.deps import Principal
from app.server.inventory.models import StockLevel
from app.server.orders.models import Order, OrderLine
from app.server.recommend.models import ProductCompanion, RecommendationRun

SOURCES = 40  # the customer's most recent saved, tried and bought products looked at
TRIED_AND_WANTED = ("liked", "bought")


def _learnt_at(s: Session) -> datetime | None:
    return s.execute(
        select(col(RecommendationRun.refreshed_at)).where(col(RecommendationRun.id) == 1)
    ).scalar_one_or_none()


def _companions(s: Session, product_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """Each product's (companion, orders together), best first."""
    out: dict[int, list[tuple[int, int]]] = {p: [] for p in product_ids}
    if not product_ids:
        return out
    rows = s.execute(
        select(
            col(ProductCompanion.product_id),
            col(ProductCompanion.companion_id),
            col(ProductCompanion.together),
        )
        .where(col(ProductCompanion.product_id).in_(product_ids))
        .order_by(col(ProductCompanion.product_id), col(ProductCompanion.rank))
    ).all()
    for product_id, companion_id, together in rows:
        out[product_id].append((companion_id, together))
    return out


def _here(s: Session, product_ids: list[int], location_id: int) -> dict[tuple[int, str], int]:
    """Units available at the location, per (product, size)."""
    if not product_ids:
        return {}
    rows = s.execute(
        select(
            col(Variant.product_id),
            col(Variant.size),
            func.sum(col(StockLevel.on_hand) - col(StockLevel.reserved)),
        )
        .join(StockLevel, col(StockLevel.variant_id) == col(Variant.id))
        .where(
            col(Variant.product_id).in_(product_ids),
            col(Variant.active).is_(True),
            col(StockLevel.location_id) == location_id,
            col(StockLevel.on_hand) > col(StockLevel.reserved),
        )
        .group_by(col(Variant.product_id), col(Variant.size))
    ).all()
    return {(p, size): int(n) for p, size, n in rows}


def _units(here: dict[tuple[int, str], int], product_id: int, size: str | None) -> int:
    if size is not None:
        return here.get((product_id, size), 0)
    return sum(n for (p, _), n in here.items() if p == product_id)


def product_recommendations(
    *, db_session: Session, product_id: int, location_id: int, size: str | None = None
) -> ProductRecommendations:
    """What completes the look of this product, and, when `size` is asked for, products of
    the same kind that this store has in that size (the one on screen may lack it)."""
    s = db_session
    product = s.get(Product, product_id)
    if product is None or not product.active:
        raise NotFound("Product", product_id)
    pairs = _companions(s, [product_id])[product_id]
    cards = summaries(s, [c for c, _ in pairs])
    # A look is made of other kinds of garment: a shirt's companions are trousers, not shirts.
    look = [(c, n) for c, n in pairs if c in cards and cards[c].category != product.category]
    look = look[:LOOK]
    here = _here(s, [c for c, _ in look], location_id)
    complete = [
        Recommendation(
            product=cards[c],
            reason=Reason(kind="bought_together", orders=n, here=_units(here, c, None)),
        )
        for c, n in look
    ]
    similar = _similar_here(s, product, size, location_id) if size else []
    return ProductRecommendations(
        complete_the_look=complete, similar_here=similar, learnt_at=_learnt_at(s)
    )


def _similar_here(
    s: Session, product: Product, size: str, location_id: int
) -> list[Recommendation]:
    """The same category, `size` available here; the same brand first, then the nearest
    price."""
    rows = s.execute(
        select(
            col(Product.id),
            col(Product.brand),
            func.min(col(Variant.price_kurus)),
            func.sum(col(StockLevel.on_hand) - col(StockLevel.reserved)),
        )
        .join(Variant, col(Variant.product_id) == col(Product.id))
        .join(StockLevel, col(StockLevel.variant_id) == col(Variant.id))
        .where(
            col(Product.category) == product.category,
            col(Product.id) != product.id,
            col(Product.active).is_(True),
            col(Variant.active).is_(True),
            col(Variant.size) == size,
            col(StockLevel.location_id) == location_id,
            col(StockLevel.on_hand) > col(StockLevel.reserved),
        )
        .group_by(col(Product.id), col(Product.brand))
    ).all()
    price = (
        s.execute(
            select(func.min(col(Variant.price_kurus))).where(col(Variant.product_id) == product.id)
        ).scalar_one_or_none()
        or 0
    )
    units = {pid: int(n) for pid, _, _, n in rows}
    best = nearest_alike(((pid, brand, low) for pid, brand, low, _ in rows), product.brand, price)
    cards = summaries(s, best)
    return [
        Recommendation(
            product=cards[pid], reason=Reason(kind="similar", size=size, here=units[pid])
        )
        for pid in best
        if pid in cards
    ]


def customer_recommendations(
    *, db_session: Session, customer_id: int, principal: Principal
) -> CustomerRecommendations:
    """For the customer in front of the associate: what others bought with the things this
    customer saved, tried on and liked, or bought (most recent first, in that order of
    intent), leaving out what they already have or saved; offered in their size where they
    have bought or saved that product's sizes before."""
    s = db_session
    accessible_customer(s, customer_id, principal)
    sizes: Counter[str] = Counter()
    owned: set[int] = set()
    wished = s.execute(
        select(col(Variant.product_id), col(Variant.size))
        .join(WishlistEntry, col(WishlistEntry.variant_id) == col(Variant.id))
        .where(col(WishlistEntry.customer_id) == customer_id)
        .order_by(col(WishlistEntry.created_at).desc(), col(WishlistEntry.id).desc())
        .limit(SOURCES)
    ).all()
    tried = s.execute(
        select(col(Variant.product_id), col(Variant.size))
        .join(TryOn, col(TryOn.variant_id) == col(Variant.id))
        .where(col(TryOn.customer_id) == customer_id, col(TryOn.outcome).in_(TRIED_AND_WANTED))
        .order_by(col(TryOn.tried_at).desc(), col(TryOn.id).desc())
        .limit(SOURCES)
    ).all()
    bought = s.execute(
        select(col(Variant.product_id), col(Variant.size))
        .join(OrderLine, col(OrderLine.variant_id) == col(Variant.id))
        .join(Order, col(Order.id) == col(OrderLine.order_id))
        .where(col(Order.customer_id) == customer_id, col(Order.status) != OrderStatus.CANCELLED)
        .order_by(col(Order.placed_at).desc(), col(OrderLine.id).desc())
        .limit(SOURCES)
    ).all()
    mentions: list[tuple[ReasonKind, int]] = []
    for kind, rows in (
        ("with_wishlist", wished),
        ("with_try_on", tried),
        ("with_purchase", bought),
    ):
        for product_id, size in rows:
            sizes[size] += 1
            if kind != "with_try_on":
                owned.add(product_id)
            mentions.append((kind, product_id))  # type: ignore[arg-type]
    sources = first_mentions(mentions)
    source_ids = [p for _, p in sources]
    companions = _companions(s, source_ids)
    names = summaries(s, source_ids)
    # Only active products take a place: one no longer sold neither shows nor crowds out
    # the next companion.
    cards = summaries(s, sorted({c for cs in companions.values() for c, _ in cs}))
    picked = for_customer(
        [(kind, p) for kind, p in sources if p in names],
        companions,
        leave_out=owned | set(source_ids),
        offered=cards,
    )
    chosen = [c for _, _, c, _ in picked]
    made_in = _sizes_made(s, chosen)
    here = _here(s, chosen, principal.store_id)
    items = []
    for kind, source, companion, together in picked:
        theirs = their_size(made_in.get(companion, ()), sizes)
        items.append(
            Recommendation(
                product=cards[companion],
                reason=Reason(
                    kind=kind,
                    orders=together,
                    source_tr=names[source].name_tr,
                    source_en=names[source].name_en,
                    size=theirs,
                    here=_units(here, companion, theirs),
                ),
            )
        )
    return CustomerRecommendations(items=items, learnt_at=_learnt_at(s))


def _sizes_made(s: Session, product_ids: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    if not product_ids:
        return out
    for product_id, size in s.execute(
        select(col(Variant.product_id), col(Variant.size))
        .where(col(Variant.product_id).in_(product_ids), col(Variant.active).is_(True))
        .distinct()
    ).all():
        out.setdefault(product_id, set()).add(size)
    return out


__all__ = ["customer_recommendations", "product_recommendations"]
