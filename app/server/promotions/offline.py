"""Coupons redeemed at a till while offline: the store's limit, settling on arrival, the losses.

A till offline may give a coupon's discount within its store's limit (count and value per till
per local day; the tablet keeps the tally). The sale has then happened, whatever the server
says later, so on arrival the server decides exactly as for an online redemption and, if it
refuses, keeps the refusal as a loss the store's manager sees instead of losing it in a 409.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from app.contracts.promotions import (
    OfflineCouponPolicy,
    OfflineCouponPolicyUpdate,
    OfflineRedemptionLoss,
    RedemptionCreate,
    RedemptionOut,
)
from app.domain import coupons as rules
from app.domain.errors import Conflict, DomainError, Forbidden, NotFound
from app.domain.local_days import day_starts, local_day
from app.qr.keys import KeyRing
from app.server.catalog.models import Location
from app.server.db import core_table, insert_unless_exists, utcnow
from app.server.deps import Principal
from app.server.promotions import service
from app.server.promotions.models import (
    Coupon,
    OfflineCouponPolicyRow,
    OfflineRedemptionLossRow,
    Redemption,
)

# How far back a till's sale time is believed: a redemption stamped earlier (or ahead of our
# clock by more than CLOCK_SKEW) is refused and recorded as a loss; one a little ahead is
# judged at its arrival.
MAX_OFFLINE_AGE = timedelta(hours=48)
# How far ahead of the server a till's clock may run before its sale time is refused.
CLOCK_SKEW = timedelta(minutes=5)
LOSSES_PAGE = 200
NOT_ALLOWED = "offline_not_allowed"
OVER_LIMIT = "offline_over_limit"  # the till went past its day's count or value
IMPLAUSIBLE_TIME = "offline_at_implausible"  # sold more than 48 h ago, or ahead of our clock

# The refusals of a coupon that exist and was read; anything else (unknown coupon or SKU, a
# forged code, another store) is answered as it is online, with no loss recorded.
_REFUSALS = {"coupon-used-up", "coupon-customer-limit", "coupon-not-applicable"}
_LOSS_TABLE = core_table(OfflineRedemptionLossRow)
_POLICY_TABLE = core_table(OfflineCouponPolicyRow)


# --- pure parts ---------------------------------------------------------------------------


def as_utc(dt: datetime) -> datetime:
    """A time from the wire in UTC; one without an offset is taken to be UTC already."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def judged_at(offline_at: datetime, now: datetime) -> datetime:
    """When an offline redemption's validity window is checked: at the sale if the till's time
    is plausible (not ahead of ours, at most 48 h old), otherwise on arrival."""
    at = as_utc(offline_at)
    return at if now - MAX_OFFLINE_AGE <= at <= now else now


def allows_offline(max_count: int, max_value_kurus: int) -> bool:
    """Both limits must be above zero: a count with no value (or the reverse) allows nothing."""
    return max_count > 0 and max_value_kurus > 0


def loss_reason(reasons: list[str]) -> str:
    """The one reason a manager reads: used up first (the race), else the first refusal."""
    if "used_up" in reasons:
        return "used_up"
    return reasons[0] if reasons else "refused"


# --- refusal and loss ---------------------------------------------------------------------


class OfflineRedemptionLost(Conflict):
    """Raised inside the redemption's transaction (which rolls back); `record_loss` writes the
    loss afterwards in its own transaction and answers with its id."""

    def __init__(
        self,
        *,
        coupon: Coupon,
        principal: Principal,
        location_id: int,
        till_id: str,
        sale_ref: str,
        discount_kurus: int,
        basket_total_kurus: int,
        offline_at: datetime,
        reason: str,
        detail: str,
    ) -> None:
        super().__init__(
            "offline-redemption-lost",
            "Offline redemption lost",
            detail,
            reason=reason,
            discount_kurus=discount_kurus,
        )
        self.row = {
            "coupon_id": coupon.id,
            "location_id": location_id,
            "till_id": till_id,
            "sale_ref": sale_ref,
            "associate_id": principal.associate_id,
            "discount_kurus": discount_kurus,
            "basket_total_kurus": basket_total_kurus,
            "offline_at": as_utc(offline_at),
            "reason": reason,
        }


def is_refusal(err: DomainError) -> bool:
    return err.kind in _REFUSALS


def refusal_detail(code: str, reason: str, discount_kurus: int) -> str:
    why = {
        "used_up": "it was used up before this till's redemption arrived",
        "customer_limit_reached": "the customer had used it up meanwhile",
        NOT_ALLOWED: "this store allows no offline coupon redemptions",
        OVER_LIMIT: "the till had used up its offline limit for the day",
        IMPLAUSIBLE_TIME: "the till's sale time was more than 48 hours ago or ahead of the "
        "server's clock (check the tablet's date and time)",
    }.get(reason, f"the server refused it ({reason})")
    return (
        f"Coupon {code} was given offline but {why}; the discount of {discount_kurus} kuruş "
        "is recorded as a loss for the store's manager. Nothing to do at the till."
    )


def record_loss(session: Session, err: DomainError) -> DomainError:
    """`on_refusal` for POST /v1/redemptions: the loss in this (short) transaction, its id in
    the answer. Once per sale and coupon, whatever key the till sends it under."""
    if not isinstance(err, OfflineRedemptionLost):
        return err
    row = err.row
    insert_unless_exists(
        session,
        _LOSS_TABLE,
        {**row, "arrived_at": utcnow()},
        ["location_id", "sale_ref", "coupon_id"],
    )
    loss_id = session.execute(
        select(_LOSS_TABLE.c.id).where(
            _LOSS_TABLE.c.location_id == row["location_id"],
            _LOSS_TABLE.c.sale_ref == row["sale_ref"],
            _LOSS_TABLE.c.coupon_id == row["coupon_id"],
        )
    ).scalar_one()
    err.extra["loss_id"] = int(loss_id)
    return err


# --- settling on arrival ------------------------------------------------------------------


def settle(
    *,
    db_session: Session,
    principal: Principal,
    body: RedemptionCreate,
    ring: KeyRing,
    timezone: str = "Europe/Istanbul",
) -> RedemptionOut:
    """A redemption a till made offline, arriving now: decided as online (its validity window
    at the sale's time, see offline.judged_at); a refusal becomes OfflineRedemptionLost, which
    the route's on_refusal records as a loss after this transaction rolled back."""
    sold = body.offline_at
    if sold is None:
        raise ValueError("settle() is for redemptions made offline")
    service.own_store_only(principal, body.location_id)
    now = utcnow()
    at = judged_at(sold, now)
    coupon = service.resolve(db_session, body, ring, at=at)
    total = service.basket_total(db_session, body.basket)

    def lost(reason: str) -> OfflineRedemptionLost:
        discount = rules.discount_for(service.terms(coupon), total)
        return OfflineRedemptionLost(
            coupon=coupon,
            principal=principal,
            location_id=body.location_id,
            till_id=body.till_id,
            sale_ref=body.sale_ref,
            discount_kurus=discount,
            basket_total_kurus=total,
            offline_at=sold,
            reason=reason,
            detail=refusal_detail(coupon.code, reason, discount),
        )

    # The till may have redeemed it online for this very sale, and only the answer was lost
    # (the Wi-Fi dropped after the server committed): then this is that redemption, not a
    # second one and not a loss.
    already = db_session.execute(
        select(Redemption).where(
            col(Redemption.coupon_id) == coupon.id,
            col(Redemption.location_id) == body.location_id,
            col(Redemption.sale_ref) == body.sale_ref,
            col(Redemption.status) != "voided",
        )
    ).scalar_one_or_none()
    if already is not None:
        return service.redemption_out(already, coupon.code)
    if not now - MAX_OFFLINE_AGE <= as_utc(sold) <= now + CLOCK_SKEW:
        # A till is offline for hours, not for years, and a sale time it could choose freely
        # would pick the day whose limit is unused: refused. The discount was given at the
        # till all the same (a clock far off, a tablet offline over a long weekend), so the
        # manager sees it as a loss.
        raise lost(IMPLAUSIBLE_TIME)
    policy = policy_row(db_session, body.location_id)
    if policy is None or not allows_offline(
        policy.max_count_per_till_day, policy.max_value_kurus_per_till_day
    ):
        raise lost(NOT_ALLOWED)
    # The tablet keeps the till's tally, but the server has the last word: a second tablet
    # posing as the same till, or a reset cache, cannot go past the manager's limit. The
    # limit holds for the day of the sale and for the day of arrival: sale times spread over
    # several days still arrive on one, so choosing them cannot multiply the limit.
    discount = rules.discount_for(service.terms(coupon), total)
    sale_day = local_day(as_utc(sold), timezone)
    for day, by_arrival in ((sale_day, False), (local_day(now, timezone), True)):
        count, value = _till_day(db_session, body, day, timezone, by_arrival=by_arrival)
        if (
            count + 1 > policy.max_count_per_till_day
            or value + discount > policy.max_value_kurus_per_till_day
        ):
            raise lost(OVER_LIMIT)
    try:
        redemption = service.claim(
            db_session,
            coupon,
            total=total,
            channel=body.basket.channel,
            customer_id=body.basket.customer_id,
            status="confirmed",
            principal=principal,
            location_id=body.location_id,
            till_id=body.till_id,
            sale_ref=body.sale_ref,
            at=at,
            offline_at=as_utc(sold),
        )
    except DomainError as err:
        if not is_refusal(err):
            raise
        raise lost(loss_reason(list(err.extra.get("reasons", [])))) from None
    return service.redemption_out(redemption, coupon.code)


def _till_day(
    session: Session, body: RedemptionCreate, day: date, timezone: str, *, by_arrival: bool
) -> tuple[int, int]:
    """Offline redemptions accepted, and losses recorded, for this till on one local day, by
    the day of the sale or of their arrival: how much of that day's limit is used."""
    start, end = day_starts(day, day, timezone)
    redeemed_at = col(Redemption.created_at) if by_arrival else col(Redemption.offline_at)
    lost_at = (
        col(OfflineRedemptionLossRow.arrived_at)
        if by_arrival
        else col(OfflineRedemptionLossRow.offline_at)
    )
    taken = session.execute(
        select(func.count(), func.coalesce(func.sum(Redemption.discount_kurus), 0)).where(
            col(Redemption.location_id) == body.location_id,
            col(Redemption.till_id) == body.till_id,
            col(Redemption.offline_at).is_not(None),
            redeemed_at >= start,
            redeemed_at < end,
            col(Redemption.status) != "voided",
        )
    ).one()
    lost_ = session.execute(
        select(
            func.count(), func.coalesce(func.sum(OfflineRedemptionLossRow.discount_kurus), 0)
        ).where(
            col(OfflineRedemptionLossRow.location_id) == body.location_id,
            col(OfflineRedemptionLossRow.till_id) == body.till_id,
            lost_at >= start,
            lost_at < end,
            col(OfflineRedemptionLossRow.reason) != OVER_LIMIT,
        )
    ).one()
    return int(taken[0]) + int(lost_[0]), int(taken[1]) + int(lost_[1])


# --- policy -------------------------------------------------------------------------------


def _own_store(session: Session, principal: Principal, location_id: int) -> None:
    if session.get(Location, location_id) is None:
        raise NotFound("Location", location_id)
    if location_id != principal.store_id:
        raise Forbidden("wrong-store", "Not your store", "Only your own store's offline coupons.")


def policy_row(session: Session, location_id: int) -> OfflineCouponPolicyRow | None:
    return session.get(OfflineCouponPolicyRow, location_id)


def _policy_out(location_id: int, row: OfflineCouponPolicyRow | None) -> OfflineCouponPolicy:
    if row is None:
        return OfflineCouponPolicy(
            location_id=location_id,
            max_count_per_till_day=0,
            max_value_kurus_per_till_day=0,
            updated_at=None,
            updated_by=None,
        )
    return OfflineCouponPolicy(
        location_id=location_id,
        max_count_per_till_day=row.max_count_per_till_day,
        max_value_kurus_per_till_day=row.max_value_kurus_per_till_day,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def get_policy(
    *, db_session: Session, principal: Principal, location_id: int
) -> OfflineCouponPolicy:
    _own_store(db_session, principal, location_id)
    return _policy_out(location_id, policy_row(db_session, location_id))


def put_policy(
    *,
    db_session: Session,
    principal: Principal,
    location_id: int,
    body: OfflineCouponPolicyUpdate,
) -> OfflineCouponPolicy:
    _own_store(db_session, principal, location_id)
    values = {
        "max_count_per_till_day": body.max_count_per_till_day,
        "max_value_kurus_per_till_day": body.max_value_kurus_per_till_day,
        "updated_at": utcnow(),
        "updated_by": principal.associate_id,
    }
    # INSERT ... ON CONFLICT DO UPDATE: the same statement on SQLite and PostgreSQL, so two
    # managers saving at once both succeed and the later one wins.
    row = {"location_id": location_id, **values}
    if db_session.get_bind().dialect.name == "sqlite":
        lite = sqlite_insert(_POLICY_TABLE).values(**row)
        db_session.execute(lite.on_conflict_do_update(index_elements=["location_id"], set_=values))
    else:
        pg = pg_insert(_POLICY_TABLE).values(**row)
        db_session.execute(pg.on_conflict_do_update(index_elements=["location_id"], set_=values))
    db_session.expire_all()
    return _policy_out(location_id, policy_row(db_session, location_id))


def losses(
    *,
    db_session: Session,
    principal: Principal,
    location_id: int,
    since: datetime | None,
) -> list[OfflineRedemptionLoss]:
    _own_store(db_session, principal, location_id)
    query = (
        select(OfflineRedemptionLossRow, col(Coupon.code))
        .join(Coupon, col(Coupon.id) == col(OfflineRedemptionLossRow.coupon_id))
        .where(col(OfflineRedemptionLossRow.location_id) == location_id)
    )
    if since is not None:
        query = query.where(col(OfflineRedemptionLossRow.arrived_at) >= as_utc(since))
    rows = db_session.execute(
        query.order_by(
            col(OfflineRedemptionLossRow.arrived_at).desc(),
            col(OfflineRedemptionLossRow.id).desc(),
        ).limit(LOSSES_PAGE)
    ).all()
    return [
        OfflineRedemptionLoss(
            id=loss.id,
            coupon_code=code,
            location_id=loss.location_id,
            till_id=loss.till_id,
            sale_ref=loss.sale_ref,
            associate_id=loss.associate_id,
            discount_kurus=loss.discount_kurus,
            offline_at=loss.offline_at,
            arrived_at=loss.arrived_at,
            reason=loss.reason,
        )
        for loss, code in rows
    ]
