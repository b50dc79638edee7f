"""Coupons at a till with no network (issue 5): allowed only within the limit the store's
manager set (count and discount per till per local day; zero by default: no offline
redemption), only for a coupon whose signed QR this tablet can check itself, and only after the
cashier has seen the risk: the server settles it when the network returns, and if the coupon
was used up elsewhere meanwhile, the loss goes to the manager."""

from __future__ import annotations

import time
from dataclasses import dataclass

from app.contracts.promotions import OfflineCouponPolicy
from app.domain.money import percent_of
from app.qr.coupon import verify_coupon
from app.qr.envelope import TokenError


@dataclass(frozen=True)
class OfflineOffer:
    """What the cashier is shown before redeeming offline."""

    campaign: str
    discount_kurus: int
    used_count: int  # already redeemed offline at this till today
    used_value_kurus: int
    max_count: int
    max_value_kurus: int


def offline_offer(
    *,
    payload: str,
    public_keys: dict[str, bytes],
    policy: OfflineCouponPolicy | None,
    basket_total_kurus: int | None,
    used: tuple[int, int],
    now: float | None = None,
) -> tuple[OfflineOffer | None, str]:
    """The offer, or None and the i18n key of why not."""
    if (
        policy is None
        or policy.max_count_per_till_day <= 0
        or policy.max_value_kurus_per_till_day <= 0
    ):  # both limits set, or no offline redemption: the server's rule too
        return None, "offline_no_policy"
    if not payload.upper().startswith("RY1C"):
        return None, "offline_printed_code"  # a printed code can only be checked online
    if basket_total_kurus is None:
        return None, "offline_unknown_items"
    try:
        coupon = verify_coupon(payload, public_keys, now=now if now is not None else time.time())
    except TokenError as exc:
        return None, "offline_expired" if exc.reason == "expired" else "offline_bad_coupon"
    discount = (
        min(basket_total_kurus, percent_of(basket_total_kurus, coupon.value))
        if coupon.kind == "percent"
        else min(basket_total_kurus, coupon.value)
    )
    count, value = used
    if count + 1 > policy.max_count_per_till_day:
        return None, "offline_limit_count"
    if value + discount > policy.max_value_kurus_per_till_day:
        return None, "offline_limit_value"
    return (
        OfflineOffer(
            campaign=coupon.campaign,
            discount_kurus=discount,
            used_count=count,
            used_value_kurus=value,
            max_count=policy.max_count_per_till_day,
            max_value_kurus=policy.max_value_kurus_per_till_day,
        ),
        "",
    )
