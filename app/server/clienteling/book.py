"""An associate's client book: the consenting customers they served or sold to, or that a
manager gave them, with what the book filters and sorts on. Every figure comes from one grouped
query over the whole book, so a book of three clients and one of three thousand cost the same
seven queries; the domain then filters, sorts and pages them."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import CompoundSelect, Select, func, literal, or_, select, union, union_all
from sqlmodel import Session, col

from app.contracts.clienteling import ClientBook, ClientRow
from app.domain.clienteling import (
    NATURAL_DIRECTION,
    SPEND_DAYS,
    BookFilter,
    BookSort,
    ClientFacts,
    Direction,
    TaskStatus,
    favourite,
    select_clients,
)
from app.domain.errors import Forbidden, NotFound
from app.domain.local_days import local_today
from app.domain.loyalty import Tier
from app.domain.orders import OrderStatus
from app.server.auth.models import Associate
from app.server.catalog.models import Product, Variant
from app.server.clienteling.models import ClientAssignment, FollowUpTask
from app.server.customers.models import Customer, CustomerNote, TryOn, VisitGrant, WishlistEntry
from app.server.deps import Principal
from app.server.inventory.models import StockLevel
from app.server.orders.models import Order, OrderLine
from app.server.returns.models import OrderReturn
from app.server.storefront.models import ShelfScan


def book_owner(session: Session, principal: Principal, associate_id: int | None) -> Associate:
    """Whose book: your own, or (a manager) any associate's of your store."""
    wanted = associate_id or principal.associate_id
    if wanted != principal.associate_id and not principal.at_least("manager"):
        raise Forbidden("forbidden-role", "Not allowed", "Only a manager sees a colleague's book.")
    owner = session.get(Associate, wanted)
    if owner is None:
        raise NotFound("Associate", wanted)
    if owner.home_location_id != principal.store_id:
        raise Forbidden("other-store", "Not your store", "Managers see their own store's books.")
    return owner


def members(associate_id: int, store_id: int) -> Select[Any]:
    """The ids in the book. A client a manager assigned to a colleague at this store leaves
    the book of whoever served them before: that is what moving a client means. Without
    clienteling consent nobody keeps a client (KVKK), whoever served them."""
    served: CompoundSelect[Any] = union(
        select(col(Order.customer_id)).where(col(Order.associate_id) == associate_id),
        select(col(TryOn.customer_id)).where(col(TryOn.associate_id) == associate_id),
        select(col(WishlistEntry.customer_id)).where(
            col(WishlistEntry.associate_id) == associate_id
        ),
        select(col(CustomerNote.customer_id)).where(col(CustomerNote.associate_id) == associate_id),
    )
    assignments = select(col(ClientAssignment.customer_id)).where(
        col(ClientAssignment.store_id) == store_id
    )
    mine = assignments.where(col(ClientAssignment.associate_id) == associate_id)
    others = assignments.where(col(ClientAssignment.associate_id) != associate_id)
    return select(col(Customer.id)).where(
        col(Customer.consent_clienteling),
        or_(
            col(Customer.id).in_(mine),
            col(Customer.id).in_(served) & col(Customer.id).not_in(others),
        ),
    )


def _last_visits(session: Session, ids: Select[Any]) -> dict[int, datetime]:
    """The latest moment each client was in a store: an order made there, a try-on, their app
    QR shown, a shelf label scanned."""
    seen = union_all(
        select(col(Order.customer_id).label("cid"), col(Order.placed_at).label("at")).where(
            col(Order.store_location_id).is_not(None), col(Order.customer_id).in_(ids)
        ),
        select(col(TryOn.customer_id), col(TryOn.tried_at)).where(col(TryOn.customer_id).in_(ids)),
        select(col(VisitGrant.customer_id), col(VisitGrant.granted_at)).where(
            col(VisitGrant.customer_id).in_(ids)
        ),
        select(col(ShelfScan.customer_id), col(ShelfScan.scanned_at)).where(
            col(ShelfScan.customer_id).in_(ids)
        ),
    ).subquery()
    rows = session.execute(select(seen.c.cid, func.max(seen.c.at)).group_by(seen.c.cid))
    return {cid: aware(at) for cid, at in rows if at is not None}


def aware(at: datetime | str) -> datetime:
    # A MAX over a UNION loses the column type on SQLite: the text comes back as it is stored.
    value = datetime.fromisoformat(at) if isinstance(at, str) else at
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _spend(session: Session, ids: Select[Any], since: datetime) -> dict[int, int]:
    """What each client paid in orders placed since `since` (every channel, not cancelled),
    less what was refunded of those orders."""
    kept = (
        col(Order.customer_id).in_(ids),
        col(Order.placed_at) >= since,
        col(Order.status) != OrderStatus.CANCELLED,
    )
    money = union_all(
        select(col(Order.customer_id).label("cid"), col(Order.total_kurus).label("kurus")).where(
            *kept
        ),
        select(col(Order.customer_id), -col(OrderReturn.refund_kurus))
        .join(Order, col(Order.id) == col(OrderReturn.order_id))
        .where(*kept),
    ).subquery()
    rows = session.execute(select(money.c.cid, func.sum(money.c.kurus)).group_by(money.c.cid))
    return {cid: max(0, int(total or 0)) for cid, total in rows}


def _favourites(
    session: Session, ids: Select[Any]
) -> tuple[dict[int, str | None], dict[int, str | None]]:
    """The category and the brand each client bought (units) and wished for most."""
    picked = union_all(
        select(
            col(Order.customer_id).label("cid"),
            col(Product.category).label("category"),
            col(Product.brand).label("brand"),
            col(OrderLine.quantity).label("n"),
        )
        .join(Order, col(Order.id) == col(OrderLine.order_id))
        .join(Variant, col(Variant.id) == col(OrderLine.variant_id))
        .join(Product, col(Product.id) == col(Variant.product_id))
        .where(col(Order.customer_id).in_(ids), col(Order.status) != OrderStatus.CANCELLED),
        select(
            col(WishlistEntry.customer_id), col(Product.category), col(Product.brand), literal(1)
        )
        .join(Variant, col(Variant.id) == col(WishlistEntry.variant_id))
        .join(Product, col(Product.id) == col(Variant.product_id))
        .where(col(WishlistEntry.customer_id).in_(ids)),
    ).subquery()
    rows = session.execute(
        select(picked.c.cid, picked.c.category, picked.c.brand, func.sum(picked.c.n)).group_by(
            picked.c.cid, picked.c.category, picked.c.brand
        )
    )
    categories: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    brands: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for cid, category, brand, n in rows:
        categories[cid][category] += int(n)
        brands[cid][brand] += int(n)
    return (
        {cid: favourite(counts) for cid, counts in categories.items()},
        {cid: favourite(counts) for cid, counts in brands.items()},
    )


def _back_in_stock(session: Session, ids: Select[Any], store_id: int) -> set[int]:
    rows = session.execute(
        select(col(WishlistEntry.customer_id))
        .join(
            StockLevel,
            (col(StockLevel.variant_id) == col(WishlistEntry.variant_id))
            & (col(StockLevel.location_id) == store_id),
        )
        .where(
            col(WishlistEntry.customer_id).in_(ids),
            col(StockLevel.on_hand) - col(StockLevel.reserved) > 0,
        )
        .distinct()
    )
    return set(rows.scalars())


def _open_tasks(session: Session, ids: Select[Any], associate_id: int) -> dict[int, int]:
    rows = session.execute(
        select(col(FollowUpTask.customer_id), func.count())
        .where(
            col(FollowUpTask.customer_id).in_(ids),
            col(FollowUpTask.associate_id) == associate_id,
            col(FollowUpTask.status) != TaskStatus.DONE,
        )
        .group_by(col(FollowUpTask.customer_id))
    )
    return {cid: int(n) for cid, n in rows}


def gather(
    session: Session, *, associate_id: int, store_id: int, now: datetime
) -> list[ClientFacts]:
    """Every client in the book with the facts the filters and the rows need."""
    ids = members(associate_id, store_id)
    people = session.execute(
        select(
            col(Customer.id),
            col(Customer.first_name),
            col(Customer.last_name),
            col(Customer.phone),
            col(Customer.tier),
            col(Customer.preferred_sizes),
            col(Customer.birth_date),
        ).where(col(Customer.id).in_(ids))
    ).all()
    visits = _last_visits(session, ids)
    spend = _spend(session, ids, now - timedelta(days=SPEND_DAYS))
    categories, brands = _favourites(session, ids)
    in_stock = _back_in_stock(session, ids, store_id)
    tasks = _open_tasks(session, ids, associate_id)
    assigned = set(
        session.execute(
            select(col(ClientAssignment.customer_id)).where(
                col(ClientAssignment.associate_id) == associate_id,
                col(ClientAssignment.store_id) == store_id,
            )
        ).scalars()
    )
    return [
        ClientFacts(
            id=cid,
            first_name=first,
            last_name=last,
            phone=phone,
            tier=str(tier),
            sizes=dict(sizes or {}),
            birth_date=birth,
            last_visit=visits.get(cid),
            spend_kurus=spend.get(cid, 0),
            favourite_category=categories.get(cid),
            favourite_brand=brands.get(cid),
            back_in_stock_here=cid in in_stock,
            open_tasks=tasks.get(cid, 0),
            assigned=cid in assigned,
        )
        for cid, first, last, phone, tier, sizes, birth in people
    ]


def client_book(
    *,
    db_session: Session,
    principal: Principal,
    associate_id: int | None,
    flt: BookFilter,
    sort: BookSort,
    direction: Direction | None,
    offset: int,
    limit: int,
    now: datetime,
    tz: str,
) -> ClientBook:
    owner = book_owner(db_session, principal, associate_id)
    assert owner.id is not None
    facts = gather(db_session, associate_id=owner.id, store_id=principal.store_id, now=now)
    kept = select_clients(facts, flt, sort=sort, direction=direction, now=now)
    month = local_today(tz, now).month
    return ClientBook(
        associate_id=owner.id,
        store_id=principal.store_id,
        sort=sort,
        direction=direction or NATURAL_DIRECTION[sort],
        total=len(kept),
        offset=offset,
        limit=limit,
        items=[
            ClientRow(
                id=c.id,
                first_name=c.first_name,
                last_name=c.last_name,
                phone=c.phone,
                tier=Tier(c.tier),
                last_visit_at=c.last_visit,
                spend_12m_kurus=c.spend_kurus,
                favourite_category=c.favourite_category,
                favourite_brand=c.favourite_brand,
                sizes=dict(c.sizes),
                birthday_this_month=c.birth_date is not None and c.birth_date.month == month,
                back_in_stock_here=c.back_in_stock_here,
                open_tasks=c.open_tasks,
                assigned=c.assigned,
            )
            for c in kept[offset : offset + limit]
        ],
    )
