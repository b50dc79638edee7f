"""What the storefront pages show and record: a product as one store has it (from a shelf
label), shelf-scan attribution, and paying an order from a pay link."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from app.contracts.orders import OrderOut
from app.domain.orders import OrderStatus, awaits_payment
from app.server.catalog.directory import LocationDirectory
from app.server.catalog.models import Location, Product, Variant
from app.server.catalog.service import size_key
from app.server.db import Database, utcnow
from app.server.inventory.models import StockLevel
from app.server.loyalty import service as loyalty
from app.server.orders.models import Order, OrderStatusEvent, Payment
from app.server.orders.service import order_out
from app.server.storefront.models import ShelfScan
from app.server.storefront.payments import PaymentProvider
from app.server.sync import changelog

ATTRIBUTION_WINDOW = timedelta(days=7)
# The same phone scanning the same label again within this long is one scan.
REPEAT_SCAN_WINDOW = timedelta(minutes=30)


@dataclass
class ColourStock:
    colour: str
    sizes: list[tuple[str, int]] = field(default_factory=list)  # (size, available here)


@dataclass
class ProductPage:
    product: Product
    store: Location
    price_min: int
    price_max: int
    colours: list[ColourStock]
    online_available: int


def product_page(session: Session, product_id: int, store_code: str) -> ProductPage | None:
    """None when the product or the store is unknown or no longer active."""
    product = session.get(Product, product_id)
    store = session.execute(
        select(Location).where(col(Location.code) == store_code)
    ).scalar_one_or_none()
    if product is None or not product.active or store is None or not store.active:
        return None
    variants = list(
        session.execute(
            select(Variant).where(col(Variant.product_id) == product_id, col(Variant.active))
        ).scalars()
    )
    if not variants:
        return None
    ids = [v.id for v in variants]
    here = dict(
        session.execute(
            select(
                col(StockLevel.variant_id), col(StockLevel.on_hand) - col(StockLevel.reserved)
            ).where(col(StockLevel.variant_id).in_(ids), col(StockLevel.location_id) == store.id)
        ).all()
    )
    online = session.execute(
        select(func.coalesce(func.sum(col(StockLevel.on_hand) - col(StockLevel.reserved)), 0))
        .join(Location, col(Location.id) == col(StockLevel.location_id))
        .where(col(StockLevel.variant_id).in_(ids), col(Location.kind) == "warehouse")
    ).scalar_one()
    colours: dict[str, ColourStock] = {}
    for v in sorted(variants, key=lambda v: (v.colour, size_key(v.size))):
        colours.setdefault(v.colour, ColourStock(v.colour)).sizes.append(
            (v.size, max(0, int(here.get(v.id, 0))))
        )
    prices = [v.price_kurus for v in variants]
    return ProductPage(
        product, store, min(prices), max(prices), list(colours.values()), int(online)
    )


def record_scan(
    session: Session,
    *,
    product_id: int,
    location_id: int,
    visitor_ref: str,
    window: timedelta = REPEAT_SCAN_WINDOW,
) -> int:
    """One scan per phone, label and store within `window`: a shopper scanning the same
    label again, or a page reloaded, is the same scan for the store's figures."""
    earlier = session.execute(
        select(col(ShelfScan.id))
        .where(
            col(ShelfScan.visitor_ref) == visitor_ref,
            col(ShelfScan.product_id) == product_id,
            col(ShelfScan.location_id) == location_id,
            col(ShelfScan.scanned_at) > utcnow() - window,
        )
        .order_by(col(ShelfScan.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    if earlier is not None:
        return int(earlier)
    scan = ShelfScan(product_id=product_id, location_id=location_id, visitor_ref=visitor_ref)
    session.add(scan)
    session.flush()
    assert scan.id is not None
    return scan.id


def attributable_scan(
    session: Session, visitor_ref: str, at: datetime, window: timedelta = ATTRIBUTION_WINDOW
) -> ShelfScan | None:
    """The store to credit for an online order: the latest shelf scan by the same phone
    (its `reyon_v` cookie) within `window` before the order. Last touch wins, because the
    label the customer scanned last is the nearest to the decision; no scan in the window,
    no store credit (the order stays the web's)."""
    return session.execute(
        select(ShelfScan)
        .where(
            col(ShelfScan.visitor_ref) == visitor_ref,
            col(ShelfScan.scanned_at) <= at,
            col(ShelfScan.scanned_at) > at - window,
        )
        .order_by(col(ShelfScan.scanned_at).desc(), col(ShelfScan.id).desc())
        .limit(1)
    ).scalar_one_or_none()


def order_for_payment(
    session: Session, order_id: int, directory: LocationDirectory
) -> OrderOut | None:
    order = session.get(Order, order_id)
    return None if order is None else order_out(session, order, directory.all(session))


@dataclass(frozen=True)
class PayOutcome:
    status: str  # paid | already_paid | not_payable | failed
    message: str = ""


class _ChargeFailed(Exception):
    def __init__(self, message: str, provider_ref: str) -> None:
        super().__init__(message)
        self.provider_ref = provider_ref


def pay(db: Database, order_id: int, provider: PaymentProvider) -> PayOutcome:
    """Charge the order's total and mark it paid, once, with the points that earns.

    The order moves placed -> paid with a conditional UPDATE before the charge, in the same
    transaction as the Payment row: a second tap or a second phone waits on that row (or
    SQLite's write lock), then finds it paid and is not charged. A failed charge rolls the
    status back and is recorded as a failed payment on its own.
    A real provider that redirects to 3-D Secure needs a `pending` step in between; this
    interface is where it goes."""
    try:
        with db.write() as s:
            total = s.execute(
                update(Order)
                .where(col(Order.id) == order_id, col(Order.status) == OrderStatus.PLACED)
                .values(status=OrderStatus.PAID, updated_at=utcnow())
                .returning(col(Order.total_kurus), col(Order.currency), col(Order.customer_id))
            ).first()
            if total is None:
                order = s.get(Order, order_id)
                if (
                    order is not None
                    and not awaits_payment(order.status)
                    and _has_payment(s, order_id)
                ):
                    return PayOutcome("already_paid")
                return PayOutcome("not_payable", order.status if order else "unknown")
            amount, currency, customer_id = total
            result = provider.charge(
                order_id=order_id,
                amount_kurus=amount,
                currency=currency,
                reference=f"order-{order_id}",
            )
            if not result.ok:
                raise _ChargeFailed(result.message, result.provider_ref)
            s.add(
                Payment(
                    order_id=order_id,
                    provider=provider.name,
                    provider_ref=result.provider_ref,
                    amount_kurus=amount,
                    currency=currency,
                    status="succeeded",
                )
            )
            s.add(
                OrderStatusEvent(
                    order_id=order_id, status=OrderStatus.PAID, note=f"{provider.name} pay link"
                )
            )
            # Paid: the points it promised may be due now (the retailer's rule), in the same
            # transaction, so a payment never stands without them nor they without it.
            loyalty.order_reached(s, order_id=order_id, status=OrderStatus.PAID)
            changelog.record(
                s, "order", order_id, customer_id=customer_id, payload={"status": OrderStatus.PAID}
            )
            return PayOutcome("paid")
    except _ChargeFailed as exc:
        with db.write() as s:
            order = s.get(Order, order_id)
            s.add(
                Payment(
                    order_id=order_id,
                    provider=provider.name,
                    provider_ref=exc.provider_ref,
                    amount_kurus=order.total_kurus if order else 0,
                    status="failed",
                )
            )
        return PayOutcome("failed", str(exc))


def _has_payment(session: Session, order_id: int) -> bool:
    return (
        session.execute(
            select(col(Payment.id)).where(
                col(Payment.order_id) == order_id, col(Payment.status) == "succeeded"
            )
        ).first()
        is not None
    )
