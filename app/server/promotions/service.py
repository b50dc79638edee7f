"""Coupons: check against a basket, claim exactly once (till, website, endless aisle), void."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, bindparam, func, or_, select, update
from sqlmodel import Session, col

from app.contracts.promotions import (
    Basket,
    CouponOut,
    CouponRef,
    CouponValidation,
    RedemptionCreate,
    RedemptionOut,
)
from app.domain import coupons as rules
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound, UsedUp
from app.qr import coupon as coupon_qr
from app.qr.envelope import TokenError, kind_of
from app.qr.keys import KeyRing
from app.server.catalog.service import variants_by_sku
from app.server.db import insert_id, utcnow
from app.server.deps import Principal
from app.server.promotions.models import Coupon, Redemption
from app.server.sync import changelog


def terms(c: Coupon) -> rules.CouponTerms:
    return rules.CouponTerms(
        kind=rules.CouponKind(c.kind),
        value=c.value,
        min_basket_kurus=c.min_basket_kurus,
        valid_from=c.valid_from,
        valid_until=c.valid_until,
        channels=frozenset(rules.Channel(ch) for ch in c.channels.split(",") if ch),
        max_redemptions=c.max_redemptions,
        per_customer_limit=c.per_customer_limit,
        owner_customer_id=c.customer_id,
    )


def coupon_out(c: Coupon) -> CouponOut:
    return CouponOut(
        code=c.code,
        campaign=c.campaign,
        kind=c.kind,
        value=c.value,
        min_basket_kurus=c.min_basket_kurus,
        valid_from=c.valid_from,
        valid_until=c.valid_until,
        channels=[ch for ch in c.channels.split(",") if ch],
        max_redemptions=c.max_redemptions,
        per_customer_limit=c.per_customer_limit,
        redeemed_count=c.redeemed_count,
        customer_id=c.customer_id,
    )


def resolve(
    session: Session, ref: CouponRef | str, ring: KeyRing, *, at: datetime | None = None
) -> Coupon:
    """A coupon from its printed code or the signed QR code from the customer's app; `at`: the
    time its code's expiry is checked against (an offline sale's), default now."""
    if isinstance(ref, str):
        code, token = (None, ref) if kind_of(ref) == coupon_qr.KIND else (ref, None)
    else:
        code, token = ref.code, ref.token
    if token is not None:
        claim = read_coupon_code(token, ring, at=at)
        coupon = session.execute(
            select(Coupon).where(col(Coupon.public_id) == claim.public_id)
        ).scalar_one_or_none()
        if coupon is None:
            raise NotFound("Coupon", claim.public_id)
        return coupon
    coupon = session.execute(
        select(Coupon).where(col(Coupon.code) == (code or "").strip().upper())
    ).scalar_one_or_none()
    if coupon is None:
        raise NotFound("Coupon", code)
    return coupon


def read_coupon_code(
    token: str, ring: KeyRing, *, at: datetime | None = None
) -> coupon_qr.CouponCode:
    try:
        return coupon_qr.verify_coupon(
            token, ring.coupon_public_keys, now=None if at is None else at.timestamp()
        )
    except TokenError as exc:
        raise Invalid(
            f"coupon-token-{exc.reason.replace('_', '-')}",
            "This code is not a valid coupon",
            {
                "expired": "The coupon code has expired.",
                "bad_signature": "The coupon code is not genuine.",
                "unknown_key": "The coupon was signed with a key this server does not hold.",
                "wrong_kind": "This is not a coupon code.",
            }.get(exc.reason, "The code is damaged or not a Reyon code."),
            reason=exc.reason,
        ) from None


def coupon_code(ring: KeyRing, coupon: Coupon) -> str:
    """The QR payload the brand app shows for this coupon."""
    if coupon.public_id is None:
        raise ValueError(f"coupon {coupon.id} has no public id")
    return coupon_qr.make_coupon(
        ring,
        coupon_qr.CouponCode(
            public_id=coupon.public_id,
            campaign=coupon.campaign,
            kind=coupon.kind,
            value=coupon.value,
            expires_at=int(coupon.valid_until.timestamp()),
            customer_id=coupon.customer_id,
        ),
    )


def basket_total(session: Session, basket: Basket) -> int:
    """Priced by the server from the catalogue: a till never tells us what things cost."""
    found = variants_by_sku(session, [line.sku for line in basket.lines])
    missing = [line.sku for line in basket.lines if line.sku not in found]
    if missing:
        raise Invalid(
            "unknown-sku",
            "Unknown SKU in basket",
            f"Unknown: {', '.join(missing[:5])}",
            skus=missing,
        )
    return sum(found[line.sku][0].price_kurus * line.quantity for line in basket.lines)


def customer_use_count(session: Session, coupon_id: int, customer_id: int | None) -> int:
    if customer_id is None:
        return 0
    return int(
        session.execute(
            select(func.count())
            .select_from(Redemption)
            .where(
                col(Redemption.coupon_id) == coupon_id,
                col(Redemption.customer_id) == customer_id,
                col(Redemption.status) != "voided",
            )
        ).scalar_one()
    )


def decide(
    session: Session,
    coupon: Coupon,
    *,
    total: int,
    channel: rules.Channel,
    customer_id: int | None,
    at: datetime | None = None,
) -> rules.CouponDecision:
    """`at`: when the validity window is checked (an offline sale's time), default now."""
    return rules.evaluate(
        terms(coupon),
        basket_total_kurus=total,
        now=at or utcnow(),
        channel=channel,
        customer_id=customer_id,
        redeemed_count=coupon.redeemed_count,
        customer_redeemed_count=customer_use_count(session, coupon.id, customer_id),  # type: ignore[arg-type]
    )


def validate(
    *, db_session: Session, body: CouponRef, basket: Basket, ring: KeyRing
) -> CouponValidation:
    coupon = resolve(db_session, body, ring)
    total = basket_total(db_session, basket)
    decision = decide(
        db_session, coupon, total=total, channel=basket.channel, customer_id=basket.customer_id
    )
    return CouponValidation(
        coupon=coupon_out(coupon),
        applies=decision.applies,
        basket_total_kurus=total,
        discount_kurus=decision.discount_kurus,
        reasons=[r.value for r in decision.refusals],
    )


def claim(
    session: Session,
    coupon: Coupon,
    *,
    total: int,
    channel: rules.Channel,
    customer_id: int | None,
    status: str,
    principal: Principal | None,
    order_id: int | None = None,
    location_id: int | None = None,
    till_id: str | None = None,
    sale_ref: str | None = None,
    at: datetime | None = None,
    offline_at: datetime | None = None,
) -> Redemption:
    """Check the coupon and take one use of it, atomically, inside the caller's transaction.

    The conditional UPDATE is the single point of truth for "used up": the database applies it
    to the coupon row one transaction at a time (PostgreSQL's row lock, SQLite's write lock),
    so of 50 tills claiming the last use, one gets a row back. Holding that row lock, the
    per-customer count below cannot race either."""
    decision = decide(session, coupon, total=total, channel=channel, customer_id=customer_id, at=at)
    if not decision.applies:
        reasons = [r.value for r in decision.refusals]
        used_up = rules.Refusal.USED_UP in decision.refusals
        if used_up:
            raise UsedUp(
                "coupon-used-up", "Coupon already used up", ", ".join(reasons), reasons=reasons
            )
        raise Invalid(
            "coupon-not-applicable", "Coupon does not apply", ", ".join(reasons), reasons=reasons
        )
    claimed = session.execute(
        update(Coupon)
        .where(
            col(Coupon.id) == coupon.id,
            or_(
                col(Coupon.max_redemptions).is_(None),
                col(Coupon.redeemed_count) < col(Coupon.max_redemptions),
            ),
        )
        .values(redeemed_count=col(Coupon.redeemed_count) + 1)
        .returning(col(Coupon.redeemed_count))
    ).first()
    if claimed is None:
        raise UsedUp("coupon-used-up", "Coupon already used up", "used_up", reasons=["used_up"])
    if (
        coupon.per_customer_limit is not None
        and customer_use_count(session, coupon.id, customer_id) >= coupon.per_customer_limit  # type: ignore[arg-type]
    ):
        raise UsedUp(
            "coupon-customer-limit",
            "The customer has used this coupon up",
            "customer_limit_reached",
            reasons=["customer_limit_reached"],
        )
    redemption = Redemption(
        coupon_id=coupon.id,  # type: ignore[arg-type]
        customer_id=customer_id,
        order_id=order_id,
        channel=channel,
        location_id=location_id,
        till_id=till_id,
        sale_ref=sale_ref,
        associate_id=principal.associate_id if principal else None,
        status=status,
        discount_kurus=decision.discount_kurus,
        basket_total_kurus=total,
        offline_at=offline_at,
    )
    redemption.id = insert_id(session, Redemption, redemption.model_dump(exclude={"id"}))
    changelog.record(
        session,
        "coupon",
        coupon.code,
        customer_id=coupon.customer_id,
        payload={"redeemed_count": claimed[0]},
    )
    return redemption


def redemption_out(r: Redemption, code: str) -> RedemptionOut:
    return RedemptionOut(
        id=r.id,
        coupon_code=code,
        status=r.status,
        customer_id=r.customer_id,
        order_id=r.order_id,
        location_id=r.location_id,
        till_id=r.till_id,
        sale_ref=r.sale_ref,
        associate_id=r.associate_id,
        discount_kurus=r.discount_kurus,
        basket_total_kurus=r.basket_total_kurus,
        created_at=r.created_at,
        voided_at=r.voided_at,
    )


def own_store_only(principal: Principal, location_id: int) -> None:
    if location_id != principal.store_id:
        raise Forbidden("wrong-store", "Not your store", "Redemptions are made for your own store.")


def redeem(
    *, db_session: Session, principal: Principal, body: RedemptionCreate, ring: KeyRing
) -> RedemptionOut:
    """Online; a till's offline redemption goes to offline.settle."""
    own_store_only(principal, body.location_id)
    coupon = resolve(db_session, body, ring)
    total = basket_total(db_session, body.basket)
    redemption = claim(
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
    )
    return redemption_out(redemption, coupon.code)


def _local_date(dt: datetime, tz: str) -> object:
    return dt.astimezone(ZoneInfo(tz)).date()


def void(
    *, db_session: Session, principal: Principal, redemption_id: int, timezone: str
) -> RedemptionOut:
    r = db_session.get(Redemption, redemption_id)
    if r is None or r.location_id != principal.store_id:
        # Another store's sale is not this store's to void; answered as a missing one, so
        # redemption ids elsewhere are not revealed either.
        raise NotFound("Redemption", redemption_id)
    if not principal.at_least("manager"):
        own = r.associate_id == principal.associate_id
        same_day = _local_date(r.created_at, timezone) == _local_date(utcnow(), timezone)
        if not (own and same_day):
            raise Forbidden(
                "void-not-allowed",
                "Only a manager can void this",
                "Cashiers void their own redemptions on the same day.",
            )
    if r.order_id is not None:
        raise Conflict(
            "void-via-order", "Cancel the order instead", "This coupon belongs to an order."
        )
    code = db_session.get(Coupon, r.coupon_id).code  # type: ignore[union-attr]
    if not release_redemption(db_session, r.id, principal.associate_id):  # type: ignore[arg-type]
        raise Conflict("already-voided", "Already voided")
    db_session.refresh(r)
    return redemption_out(r, code)


def release_redemption(session: Session, redemption_id: int, by: int | None) -> bool:
    """Void one redemption and give its use back to the coupon, once."""
    voided = session.execute(
        update(Redemption)
        .where(col(Redemption.id) == redemption_id, col(Redemption.status) != "voided")
        .values(status="voided", voided_at=utcnow(), voided_by=by)
        .returning(col(Redemption.coupon_id))
    ).first()
    if voided is None:
        return False
    row = session.execute(
        update(Coupon)
        .where(col(Coupon.id) == voided[0])
        .values(redeemed_count=col(Coupon.redeemed_count) - 1)
        .returning(col(Coupon.code), col(Coupon.customer_id), col(Coupon.redeemed_count))
    ).one()
    changelog.record(
        session, "coupon", row[0], customer_id=row[1], payload={"redeemed_count": row[2]}
    )
    return True


_NOW: BindParameter[datetime] = bindparam("now")
_WALLET = (
    select(Coupon)
    .where(
        or_(
            col(Coupon.customer_id) == bindparam("customer_id"),
            col(Coupon.customer_id).is_(None),
        ),
        col(Coupon.valid_from) <= _NOW,
        col(Coupon.valid_until) > _NOW,
        col(Coupon.public_id).is_not(None),
        or_(
            col(Coupon.max_redemptions).is_(None),
            col(Coupon.redeemed_count) < col(Coupon.max_redemptions),
        ),
    )
    .order_by(col(Coupon.customer_id).is_(None), col(Coupon.valid_until), col(Coupon.id))
    .limit(bindparam("limit"))
)  # built once: every single customer view and the brand app's wallet ask


def wallet_coupons(session: Session, customer_id: int, *, limit: int = 50) -> list[Coupon]:
    """The coupons a customer can use now, as the brand app's wallet shows them: their own
    and the open campaigns', valid today, with a code that can be shown (a public id), not
    used up; their own first, then the soonest to run out. The tablet's customer view, the
    brand app and the demo wallet all show this one set."""
    return list(
        session.execute(
            _WALLET, {"customer_id": customer_id, "now": utcnow(), "limit": limit}
        ).scalars()
    )


def coupons_held(session: Session, customer_id: int) -> list[CouponOut]:
    return [coupon_out(c) for c in wallet_coupons(session, customer_id)]
