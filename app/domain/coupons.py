"""Whether a coupon applies to a basket, and what it gives. No I/O: the caller supplies counts.

Single use is not decided here: the server claims a use with an atomic conditional update in
the same transaction as the sale, so this check is advisory until that claim succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.channels import Channel
from app.domain.money import percent_of


class CouponKind(StrEnum):
    PERCENT = "percent"  # value in basis points: 1000 = 10%
    AMOUNT = "amount"  # value in kuruş


class Refusal(StrEnum):
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    WRONG_CHANNEL = "wrong_channel"
    BELOW_MINIMUM = "below_minimum"
    USED_UP = "used_up"
    CUSTOMER_LIMIT = "customer_limit_reached"
    NOT_OWNER = "not_owner"
    CUSTOMER_REQUIRED = "customer_required"
    EMPTY_BASKET = "empty_basket"


@dataclass(frozen=True, slots=True)
class CouponTerms:
    kind: CouponKind
    value: int
    min_basket_kurus: int
    valid_from: datetime
    valid_until: datetime
    channels: frozenset[Channel]
    max_redemptions: int | None
    per_customer_limit: int | None
    owner_customer_id: int | None


@dataclass(frozen=True, slots=True)
class CouponDecision:
    discount_kurus: int
    refusals: tuple[Refusal, ...]

    @property
    def applies(self) -> bool:
        return not self.refusals


def discount_for(terms: CouponTerms, basket_total_kurus: int) -> int:
    if terms.kind is CouponKind.PERCENT:
        return min(basket_total_kurus, percent_of(basket_total_kurus, terms.value))
    return min(basket_total_kurus, terms.value)


def evaluate(
    terms: CouponTerms,
    *,
    basket_total_kurus: int,
    now: datetime,
    channel: Channel,
    customer_id: int | None,
    redeemed_count: int,
    customer_redeemed_count: int,
) -> CouponDecision:
    refusals: list[Refusal] = []
    if basket_total_kurus <= 0:
        refusals.append(Refusal.EMPTY_BASKET)
    if now < terms.valid_from:
        refusals.append(Refusal.NOT_YET_VALID)
    if now >= terms.valid_until:
        refusals.append(Refusal.EXPIRED)
    if channel not in terms.channels:
        refusals.append(Refusal.WRONG_CHANNEL)
    if basket_total_kurus < terms.min_basket_kurus:
        refusals.append(Refusal.BELOW_MINIMUM)
    if terms.max_redemptions is not None and redeemed_count >= terms.max_redemptions:
        refusals.append(Refusal.USED_UP)
    if terms.owner_customer_id is not None and customer_id != terms.owner_customer_id:
        refusals.append(Refusal.NOT_OWNER)
    if terms.per_customer_limit is not None:
        if customer_id is None:
            refusals.append(Refusal.CUSTOMER_REQUIRED)
        elif customer_redeemed_count >= terms.per_customer_limit:
            refusals.append(Refusal.CUSTOMER_LIMIT)
    discount = 0 if refusals else discount_for(terms, basket_total_kurus)
    return CouponDecision(discount_kurus=discount, refusals=tuple(refusals))
