"""The store manager's report: endless-aisle sales, shelf-QR scans, coupon redemptions and
cross-channel customers of one store over a window of local days; pickups made ready on time
and returns by reason are in store_side.py.

Every figure is aggregated by the database (only the 7-day test of a conversion is done here,
on one row per identified scan). Rows are put into their local day by a CASE over the UTC
instants the window's days start (one branch per day, at most 92): portable between SQLite and
PostgreSQL, right on days when the clocks change, and grouped in SQL, so the report costs seven
queries however busy the store was (and two for outreach.py's figures).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, and_, case, cast, exists, func, literal, select
from sqlmodel import Session, col

from app.contracts.reports import AssociateSales, CampaignUse, DayFigures, StoreReport
from app.domain import local_days
from app.domain.errors import Forbidden, Invalid, NotFound
from app.server.auth.models import Associate
from app.server.catalog.models import Location, Variant
from app.server.db import utcnow
from app.server.deps import Principal
from app.server.orders.models import Order, OrderLine
from app.server.promotions.models import Coupon, Redemption
from app.server.reports import outreach, store_side
from app.server.storefront.models import ShelfScan
from app.server.storefront.service import ATTRIBUTION_WINDOW

ENDLESS_AISLE = "endless_aisle"
ONLINE_CHANNELS = ("web", "app")
# A scan converts when its customer orders the product within the window the storefront
# credits the store for an online order after a scan: one definition of "the scan led to it".
CONVERSION_WINDOW = ATTRIBUTION_WINDOW


@dataclass
class _Day:
    orders: int = 0
    revenue: int = 0
    scans: int = 0
    redemptions: int = 0


@dataclass
class _Tally:
    count: int = 0
    amount: int = 0
    label: tuple[str, str] = ("", "")


def resolve_window(
    first_day: date | None, last_day: date | None, *, timezone: str, now: datetime
) -> tuple[date, date]:
    """The window asked for, with the defaults filled in: last_day today (local), first_day
    last_day. 422 when it is reversed, too long or out of range."""
    last = last_day or local_days.local_today(timezone, now)
    first = first_day or last
    problem = local_days.window_problem(first, last)
    if problem is not None:
        raise Invalid(
            "bad-window",
            "Invalid report window",
            problem,
            first_day=first.isoformat(),
            last_day=last.isoformat(),
            max_days=local_days.MAX_WINDOW_DAYS,
        )
    return first, last


def _store(session: Session, principal: Principal, location_id: int | None) -> Location:
    store_id = principal.store_id if location_id is None else location_id
    location = session.get(Location, store_id)
    if location is None:
        raise NotFound("Location", store_id)
    if location.id != principal.store_id:
        raise Forbidden(
            "wrong-store", "Not your store", "Managers see the report of their own store."
        )
    return location


def _day_index(column: Any, starts: list[datetime]) -> Any:
    """Which day of the window (0-based) an instant in [starts[0], starts[-1]) falls on."""
    inner = starts[1:-1]  # the first day starts where the WHERE clause begins
    if not inner:
        return literal(0)
    return case(*((column < start, i) for i, start in enumerate(inner)), else_=len(inner))


def _in_window(column: Any, starts: list[datetime]) -> Any:
    return and_(column >= starts[0], column < starts[-1])


def _endless_aisle(
    session: Session, store_id: int, starts: list[datetime], days: list[_Day]
) -> list[AssociateSales]:
    rows = select(
        _day_index(col(Order.placed_at), starts).label("day"),
        col(Order.associate_id).label("associate_id"),
        col(Order.total_kurus).label("total"),
    ).where(
        col(Order.store_location_id) == store_id,
        col(Order.channel) == ENDLESS_AISLE,
        col(Order.status) != "cancelled",
        _in_window(col(Order.placed_at), starts),
    )
    o = rows.subquery()
    grouped = session.execute(
        select(o.c.day, o.c.associate_id, col(Associate.code), col(Associate.name))
        .add_columns(func.count(), func.sum(o.c.total))
        .outerjoin(Associate, col(Associate.id) == o.c.associate_id)
        .group_by(o.c.day, o.c.associate_id, col(Associate.code), col(Associate.name))
    ).all()
    by_associate: dict[int, _Tally] = defaultdict(_Tally)
    for day, associate_id, code, name, orders, revenue in grouped:
        days[day].orders += orders
        days[day].revenue += revenue
        if associate_id is not None:  # every endless-aisle order has one; imports might not
            tally = by_associate[associate_id]
            tally.count += orders
            tally.amount += revenue
            tally.label = (code, name)
    return sorted(
        (
            AssociateSales(
                associate_id=associate_id,
                associate_code=t.label[0],
                name=t.label[1],
                orders=t.count,
                revenue_kurus=t.amount,
            )
            for associate_id, t in by_associate.items()
        ),
        key=lambda a: (-a.revenue_kurus, -a.orders, a.associate_code),
    )


def _scans_in_window(store_id: int, starts: list[datetime]) -> list[Any]:
    return [col(ShelfScan.location_id) == store_id, _in_window(col(ShelfScan.scanned_at), starts)]


def _shelf_scans(
    session: Session, store_id: int, starts: list[datetime], days: list[_Day]
) -> tuple[int, int]:
    """Fills in the scans per day; returns (distinct visitors, conversions)."""
    s = (
        select(_day_index(col(ShelfScan.scanned_at), starts).label("day"))
        .where(*_scans_in_window(store_id, starts))
        .subquery()
    )
    for day, scans in session.execute(select(s.c.day, func.count()).group_by(s.c.day)):
        days[day].scans += scans

    # Prefixed, so customer 12 and a phone whose cookie happened to read "12" stay apart; the
    # cast because PostgreSQL will not coalesce an integer with text.
    visitor = func.coalesce(
        literal("c:") + cast(col(ShelfScan.customer_id), String),
        literal("v:") + col(ShelfScan.visitor_ref),
    )
    visitors = session.execute(
        select(func.count(func.distinct(visitor))).where(*_scans_in_window(store_id, starts))
    ).scalar_one()

    # For each scan by a known customer, their first later order holding the product. The
    # "within N days" test is done here, not in SQL, because the two databases add intervals
    # to timestamps differently; one row per scan, each counted at most once.
    first_orders = session.execute(
        select(col(ShelfScan.scanned_at), func.min(col(Order.placed_at)))
        .join(
            Order,
            and_(
                col(Order.customer_id) == col(ShelfScan.customer_id),
                col(Order.placed_at) > col(ShelfScan.scanned_at),
                col(Order.placed_at) < starts[-1] + CONVERSION_WINDOW,
                col(Order.status) != "cancelled",
            ),
        )
        .join(OrderLine, col(OrderLine.order_id) == col(Order.id))
        .join(
            Variant,
            and_(
                col(Variant.id) == col(OrderLine.variant_id),
                col(Variant.product_id) == col(ShelfScan.product_id),
            ),
        )
        .where(col(ShelfScan.customer_id).is_not(None), *_scans_in_window(store_id, starts))
        .group_by(col(ShelfScan.id), col(ShelfScan.scanned_at))
    ).all()
    conversions = sum(
        1 for scanned, ordered in first_orders if ordered - scanned < CONVERSION_WINDOW
    )
    return int(visitors), conversions


def _redemptions(
    session: Session, store_id: int, starts: list[datetime], days: list[_Day]
) -> list[CampaignUse]:
    # A till that redeemed offline sold on the day it says, not the day it got through.
    sold_at = func.coalesce(col(Redemption.offline_at), col(Redemption.created_at))
    r = (
        select(
            _day_index(sold_at, starts).label("day"),
            col(Coupon.campaign).label("campaign"),
            col(Redemption.discount_kurus).label("discount"),
        )
        .join(Coupon, col(Coupon.id) == col(Redemption.coupon_id))
        .where(
            col(Redemption.location_id) == store_id,
            col(Redemption.status) != "voided",
            _in_window(sold_at, starts),
        )
        .subquery()
    )
    grouped = session.execute(
        select(r.c.day, r.c.campaign, func.count(), func.sum(r.c.discount)).group_by(
            r.c.day, r.c.campaign
        )
    ).all()
    by_campaign: dict[str, _Tally] = defaultdict(_Tally)
    for day, campaign, uses, discount in grouped:
        days[day].redemptions += uses
        by_campaign[campaign].count += uses
        by_campaign[campaign].amount += discount
    return sorted(
        (
            CampaignUse(campaign=campaign, redemptions=t.count, discount_kurus=t.amount)
            for campaign, t in by_campaign.items()
        ),
        key=lambda c: (-c.redemptions, -c.discount_kurus, c.campaign),
    )


def _cross_channel_customers(session: Session, store_id: int, starts: list[datetime]) -> int:
    online = Order.__table__.alias("online")  # type: ignore[attr-defined]
    return int(
        session.execute(
            select(func.count(func.distinct(col(Order.customer_id)))).where(
                col(Order.store_location_id) == store_id,
                col(Order.status) != "cancelled",
                col(Order.customer_id).is_not(None),
                _in_window(col(Order.placed_at), starts),
                exists().where(
                    online.c.customer_id == col(Order.customer_id),
                    online.c.channel.in_(ONLINE_CHANNELS),
                ),
            )
        ).scalar_one()
    )


def store_report(
    *,
    db_session: Session,
    principal: Principal,
    location_id: int | None,
    first_day: date | None,
    last_day: date | None,
    timezone: str,
    now: datetime | None = None,
) -> StoreReport:
    first, last = resolve_window(first_day, last_day, timezone=timezone, now=now or utcnow())
    store = _store(db_session, principal, location_id)
    store_id: int = store.id  # type: ignore[assignment]
    starts = local_days.day_starts(first, last, timezone)
    days = [_Day() for _ in starts[:-1]]

    by_associate = _endless_aisle(db_session, store_id, starts, days)
    visitors, conversions = _shelf_scans(db_session, store_id, starts, days)
    by_campaign = _redemptions(db_session, store_id, starts, days)
    pickups = store_side.pickups(db_session, store_id, starts, timezone)
    returned = store_side.returns(db_session, store_id, starts)
    return StoreReport(
        store_id=store_id,
        store_code=store.code,
        store_name=store.name,
        first_day=first,
        last_day=last,
        timezone=timezone,
        days=[
            DayFigures(
                day=day,
                endless_aisle_orders=d.orders,
                endless_aisle_revenue_kurus=d.revenue,
                shelf_scans=d.scans,
                redemptions=d.redemptions,
            )
            for day, d in zip(local_days.days_of(first, last), days, strict=True)
        ],
        endless_aisle_orders=sum(d.orders for d in days),
        endless_aisle_revenue_kurus=sum(d.revenue for d in days),
        by_associate=by_associate,
        shelf_scans=sum(d.scans for d in days),
        shelf_scan_visitors=visitors,
        shelf_conversions=conversions,
        redemptions=sum(d.redemptions for d in days),
        redemption_discount_kurus=sum(c.discount_kurus for c in by_campaign),
        by_campaign=by_campaign,
        cross_channel_customers=_cross_channel_customers(db_session, store_id, starts),
        pickups_ready=pickups.ready,
        pickups_on_time=pickups.on_time,
        pickups_on_time_share=pickups.share,
        returns_taken=returned.taken,
        returned_units=returned.units,
        return_refund_kurus=returned.refund_kurus,
        returns_by_reason=returned.by_reason,
        exchange_rate=store_side.exchange_rate(db_session, store_id, starts),
        outreach=outreach.figures(db_session, store_id, starts),
    )
