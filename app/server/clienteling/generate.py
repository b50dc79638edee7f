"""Follow-up tasks made from the data: a check-in after a sale in the store, a birthday, an
online cart left for a day, a wish available at the client's store, a hold about to run out, a
client who stopped coming. Candidates are read in bulk (a query per kind, a few per chunk of
clients for who holds them); the domain decides; each task is inserted if absent under the
unique key (kind, customer, source_ref), so running this twice, or in two workers at once,
makes every task once. Only clients with clienteling consent get tasks (KVKK)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, and_, exists, extract, func, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from app.domain import clienteling as rules
from app.domain.channels import Channel
from app.domain.clienteling import TaskKind, TaskStatus
from app.domain.local_days import local_day, local_today
from app.domain.orders import OrderStatus
from app.domain.sourcing import FulfilmentType
from app.server.auth.models import Associate
from app.server.clienteling.book import aware
from app.server.clienteling.models import ClientAssignment, FollowUpTask
from app.server.customers.models import Cart, CartLine, Customer, TryOn, VisitGrant, WishlistEntry
from app.server.db import Database, core_table
from app.server.inventory.models import Reservation, StockLevel
from app.server.orders.models import Order
from app.server.storefront.models import ShelfScan

DEFAULT_TZ = "Europe/Istanbul"
CHUNK = 500  # ids per IN list: well inside SQLite's and PostgreSQL's parameter limits
# A wish older than this is not followed up when the item comes in: tastes move on.
WISHLIST_FRESH_DAYS = 180
_TASKS = core_table(FollowUpTask)
_S = TypeVar("_S", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True, slots=True)
class Candidate:
    kind: TaskKind
    customer_id: int
    source_ref: str
    due_on: date
    store_id: int | None  # None: the client's home store (decided below)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i : i + CHUNK]


def _consenting(stmt: _S, customer_id: Any) -> _S:
    return stmt.join(Customer, col(Customer.id) == customer_id).where(
        col(Customer.consent_clienteling)
    )


def _after_purchase(session: Session, now: datetime, tz: str) -> Iterator[Candidate]:
    since = now - timedelta(days=rules.AFTER_PURCHASE_LOOKBACK_DAYS)
    stmt = select(
        col(Order.id), col(Order.customer_id), col(Order.store_location_id), col(Order.placed_at)
    ).where(
        col(Order.channel).in_((Channel.STORE, Channel.ENDLESS_AISLE)),
        col(Order.associate_id).is_not(None),
        col(Order.store_location_id).is_not(None),
        col(Order.status) != OrderStatus.CANCELLED,
        col(Order.placed_at) >= since,
    )
    for order_id, cid, store, placed in session.execute(_consenting(stmt, Order.customer_id)):
        due = rules.after_purchase_due(local_day(placed, tz))
        yield Candidate(TaskKind.AFTER_PURCHASE, cid, f"order:{order_id}", due, store)


def _birthdays(session: Session, today: date) -> Iterator[Candidate]:
    months = {today.month, (today + timedelta(days=rules.BIRTHDAY_LEAD_DAYS)).month}
    stmt = select(col(Customer.id), col(Customer.birth_date)).where(
        col(Customer.consent_clienteling),
        col(Customer.birth_date).is_not(None),
        extract("month", col(Customer.birth_date)).in_(months),
    )
    for cid, birth in session.execute(stmt):
        found = rules.birthday_task(birth, today)
        if found is not None:
            due, birthday = found
            yield Candidate(TaskKind.BIRTHDAY, cid, f"year:{birthday.year}", due, None)


def _abandoned_carts(session: Session, now: datetime, tz: str) -> Iterator[Candidate]:
    ordered_since = exists().where(
        col(Order.customer_id) == col(Cart.customer_id), col(Order.placed_at) > col(Cart.updated_at)
    )
    stmt = select(col(Cart.id), col(Cart.customer_id), col(Cart.updated_at)).where(
        col(Cart.status) == "open",
        col(Cart.updated_at) <= now - rules.CART_IDLE,
        col(Cart.updated_at) >= now - rules.CART_LOOKBACK,
        exists().where(col(CartLine.cart_id) == col(Cart.id)),
        ~ordered_since,
    )
    for cart_id, cid, updated in session.execute(_consenting(stmt, Cart.customer_id)):
        if rules.cart_abandoned(updated, now, ordered_since=False):
            due = local_day(updated + rules.CART_IDLE, tz)
            ref = f"cart:{cart_id}:{int(updated.timestamp())}"  # left again later: a new task
            yield Candidate(TaskKind.ABANDONED_CART, cid, ref, due, None)


def _holds_expiring(session: Session, now: datetime, tz: str) -> Iterator[Candidate]:
    stmt = (
        select(
            col(Reservation.order_id),
            col(Order.customer_id),
            col(Reservation.location_id),
            func.min(Reservation.expires_at),
        )
        .join(Order, col(Order.id) == col(Reservation.order_id))
        .where(
            col(Reservation.status) == "held",
            col(Reservation.expires_at) > now,
            col(Reservation.expires_at) <= now + rules.HOLD_WARNING,
            col(Order.fulfilment_type) == FulfilmentType.RESERVE_IN_STORE,
        )
        .group_by(col(Reservation.order_id), col(Order.customer_id), col(Reservation.location_id))
    )
    today = local_today(tz, now)
    for order_id, cid, store, _ in session.execute(_consenting(stmt, Order.customer_id)):
        yield Candidate(TaskKind.HOLD_EXPIRING, cid, f"order:{order_id}", today, store)


def _lapsed(session: Session, now: datetime, tz: str) -> Iterator[Candidate]:
    seen = union_all(
        select(col(Order.customer_id).label("cid"), col(Order.placed_at).label("at")),
        select(col(TryOn.customer_id), col(TryOn.tried_at)),
        select(col(VisitGrant.customer_id), col(VisitGrant.granted_at)),
        select(col(ShelfScan.customer_id), col(ShelfScan.scanned_at)),
    ).subquery()
    last = func.max(seen.c.at)
    earliest = now - timedelta(days=rules.LAPSED_DAYS + rules.LAPSED_WINDOW_DAYS + 1)
    stmt = (
        select(seen.c.cid, last)
        .join(Customer, col(Customer.id) == seen.c.cid)
        .where(col(Customer.consent_clienteling))
        .group_by(seen.c.cid)
        .having(and_(last < now - timedelta(days=rules.LAPSED_DAYS - 1), last >= earliest))
    )
    today = local_today(tz, now)
    for cid, at in session.execute(stmt):
        since = local_day(aware(at), tz)
        if rules.lapsed(since, today):
            yield Candidate(TaskKind.LAPSED, cid, f"since:{since.isoformat()}", today, None)


@dataclass
class _Ties:
    """Where each client belongs, and who looks after them at a store."""

    home: dict[int, int]  # customer -> store of the latest assignment, else of the latest visit
    assigned: dict[tuple[int, int], int]  # (customer, store) -> the associate given them
    served: dict[tuple[int, int], int]  # (customer, store) -> who sold to or served them last

    def owner(self, customer_id: int, store_id: int) -> int | None:
        pair = (customer_id, store_id)
        return rules.task_owner(self.assigned.get(pair), self.served.get(pair))


def _latest(seen: dict[Any, tuple[datetime, int]], key: Any, at: datetime, value: int) -> None:
    # Ties in time go to the larger id, so two runs over the same rows agree.
    if key not in seen or (at, value) > seen[key]:
        seen[key] = (at, value)


def _ties(session: Session, customer_ids: Iterable[int]) -> _Ties:
    """Three grouped queries per chunk of clients. Only an active associate of that store
    holds a task there: one who left or moved on leaves it to the next in line."""
    staff = {
        aid: store
        for aid, store, active in session.execute(
            select(col(Associate.id), col(Associate.home_location_id), col(Associate.active))
        )
        if active
    }
    ties = _Ties(home={}, assigned={}, served={})
    for chunk in _chunks(customer_ids):
        assigned_home: dict[int, tuple[datetime, int]] = {}
        for cid, store, aid, at in session.execute(
            select(
                col(ClientAssignment.customer_id),
                col(ClientAssignment.store_id),
                col(ClientAssignment.associate_id),
                col(ClientAssignment.at),
            ).where(col(ClientAssignment.customer_id).in_(chunk))
        ):
            if staff.get(aid) == store:
                ties.assigned[(cid, store)] = aid
            _latest(assigned_home, cid, aware(at), store)
        visits = union_all(
            select(
                col(Order.customer_id).label("cid"),
                col(Order.store_location_id).label("store"),
                col(Order.associate_id).label("aid"),
                col(Order.placed_at).label("at"),
            ).where(col(Order.customer_id).in_(chunk), col(Order.store_location_id).is_not(None)),
            select(
                col(TryOn.customer_id),
                col(TryOn.location_id),
                col(TryOn.associate_id),
                col(TryOn.tried_at),
            ).where(col(TryOn.customer_id).in_(chunk)),
        ).subquery()
        visited_home: dict[int, tuple[datetime, int]] = {}
        served: dict[tuple[int, int], tuple[datetime, int]] = {}
        for cid, store, aid, at in session.execute(
            select(visits.c.cid, visits.c.store, visits.c.aid, func.max(visits.c.at)).group_by(
                visits.c.cid, visits.c.store, visits.c.aid
            )
        ):
            _latest(visited_home, cid, aware(at), store)
            if aid is not None and staff.get(aid) == store:
                _latest(served, (cid, store), aware(at), aid)
        for cid in chunk:
            place = assigned_home.get(cid) or visited_home.get(cid)
            if place is not None:
                ties.home[cid] = place[1]
        ties.served.update({pair: aid for pair, (_, aid) in served.items()})
    return ties


def _back_in_stock(session: Session, now: datetime, tz: str) -> Iterator[Candidate]:
    """A fresh wish that is available at the client's home store. Read per store, for the
    clients at home there, so no row is read for a store that is not theirs."""
    wishers = select(col(WishlistEntry.customer_id)).where(
        col(WishlistEntry.created_at) >= now - timedelta(days=WISHLIST_FRESH_DAYS)
    )
    ids = set(session.execute(_consenting(wishers, WishlistEntry.customer_id)).scalars())
    by_store: dict[int, list[int]] = {}
    for cid, store in _ties(session, ids).home.items():
        by_store.setdefault(store, []).append(cid)
    today = local_today(tz, now)
    for store, people in sorted(by_store.items()):
        for chunk in _chunks(people):
            stmt = (
                select(col(WishlistEntry.id), col(WishlistEntry.customer_id))
                .join(StockLevel, col(StockLevel.variant_id) == col(WishlistEntry.variant_id))
                .where(
                    col(WishlistEntry.customer_id).in_(chunk),
                    col(WishlistEntry.created_at) >= now - timedelta(days=WISHLIST_FRESH_DAYS),
                    col(StockLevel.location_id) == store,
                    col(StockLevel.on_hand) - col(StockLevel.reserved) > 0,
                )
            )
            for entry_id, cid in session.execute(stmt):
                yield Candidate(TaskKind.BACK_IN_STOCK, cid, f"wishlist:{entry_id}", today, store)


def _rows(candidates: list[Candidate], ties: _Ties, now: datetime) -> list[dict[str, Any]]:
    rows: dict[tuple[TaskKind, int, str], dict[str, Any]] = {}
    for c in candidates:
        store = c.store_id if c.store_id is not None else ties.home.get(c.customer_id)
        if store is None:
            continue  # never seen in a store, assigned to none: nobody to call them
        rows.setdefault(
            (c.kind, c.customer_id, c.source_ref),
            {
                "associate_id": ties.owner(c.customer_id, store),
                "customer_id": c.customer_id,
                "store_id": store,
                "kind": c.kind,
                "due_on": c.due_on,
                "status": TaskStatus.OPEN,
                "note": "",
                "source_ref": c.source_ref,
                "created_at": now,
                "updated_at": now,
            },
        )
    return list(rows.values())


def _insert(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert those absent; the database says which were new, whoever else inserts at once."""
    dialect_insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    made = 0
    for i in range(0, len(rows), CHUNK // 10):
        stmt = (
            dialect_insert(_TASKS)
            .values(rows[i : i + CHUNK // 10])
            .on_conflict_do_nothing(index_elements=["kind", "customer_id", "source_ref"])
            .returning(_TASKS.c.id)
        )
        made += len(session.execute(stmt).all())
    return made


def generate_tasks(db: Database, *, now: datetime, tz: str = DEFAULT_TZ) -> int:
    """Make the follow-up tasks the data calls for at `now`; the number made (0 when every
    one exists already). Reads outside the write, so SQLite's one writer lock is held only
    for the inserts."""
    with db.session() as session:
        candidates = [
            *_after_purchase(session, now, tz),
            *_birthdays(session, local_today(tz, now)),
            *_abandoned_carts(session, now, tz),
            *_holds_expiring(session, now, tz),
            *_lapsed(session, now, tz),
            *_back_in_stock(session, now, tz),
        ]
        ties = _ties(session, (c.customer_id for c in candidates))
    rows = _rows(candidates, ties, now)
    if not rows:
        return 0
    with db.write() as session:
        return _insert(session, rows)
