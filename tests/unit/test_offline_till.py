"""Offline coupons at a till: only within the store's limit, only a QR the tablet can verify
itself, the discount worked out as the server would, the risk figures for the cashier."""

from __future__ import annotations

import time

from app.contracts.promotions import OfflineCouponPolicy
from app.qr.coupon import CouponCode, make_coupon, new_public_id
from app.qr.keys import KeyRing
from app.tablet.state.offline_till import offline_offer

RING = KeyRing({"A": b"offline-till-test-secret-0123456789"}, "A")
KEYS = RING.coupon_public_keys


def policy(count: int = 3, value: int = 50_000) -> OfflineCouponPolicy:
    return OfflineCouponPolicy(
        location_id=1,
        max_count_per_till_day=count,
        max_value_kurus_per_till_day=value,
        updated_at=None,
        updated_by=None,
    )


def coupon(kind: str = "percent", value: int = 1000, expires_in: int = 3600) -> str:
    return make_coupon(
        RING,
        CouponCode(
            public_id=new_public_id(),
            campaign="Kasım",
            kind=kind,
            value=value,
            expires_at=int(time.time()) + expires_in,
        ),
    )


def offer(payload: str, **kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {
        "payload": payload,
        "public_keys": KEYS,
        "policy": policy(),
        "basket_total_kurus": 100_000,
        "used": (0, 0),
    }
    args.update(kw)
    return offline_offer(**args)  # type: ignore[arg-type]


def test_within_the_limit_the_cashier_sees_the_discount_and_the_days_use() -> None:
    got, why = offer(coupon(), used=(1, 5_000))
    assert why == "" and got is not None
    assert got.discount_kurus == 10_000  # 10 % of 1.000,00 TL
    assert (got.used_count, got.max_count, got.used_value_kurus) == (1, 3, 5_000)
    amount, _ = offer(coupon("amount", 150_000), policy=policy(3, 200_000))
    assert amount is not None and amount.discount_kurus == 100_000  # never more than the sale


def test_no_limit_set_means_no_offline_redemption() -> None:
    assert offer(coupon(), policy=policy(0, 0)) == (None, "offline_no_policy")
    assert offer(coupon(), policy=None) == (None, "offline_no_policy")


def test_the_limits_count_and_value_per_till_day() -> None:
    assert offer(coupon(), used=(3, 0)) == (None, "offline_limit_count")
    assert offer(coupon(), used=(1, 45_000)) == (None, "offline_limit_value")


def test_only_a_genuine_unexpired_qr_is_taken_offline() -> None:
    assert offer("HOSGELDIN10") == (None, "offline_printed_code")
    assert offer(coupon(expires_in=-10)) == (None, "offline_expired")
    forged = make_coupon(
        KeyRing({"A": b"someone-elses-key-material-000000"}, "A"),
        CouponCode(new_public_id(), "x", "percent", 5000, int(time.time()) + 60),
    )
    assert offer(forged) == (None, "offline_bad_coupon")
    assert offer(coupon(), basket_total_kurus=None) == (None, "offline_unknown_items")
