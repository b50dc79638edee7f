"""Coupon rules: app/domain/coupons.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.coupons import (
    Channel,
    CouponDecision,
    CouponKind,
    CouponTerms,
    Refusal,
    discount_for,
    evaluate,
)

PROPERTY = settings(max_examples=120, deadline=None, database=None)

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2026, 2, 1, tzinfo=UTC)
NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)

TERMS = CouponTerms(
    kind=CouponKind.PERCENT,
    value=1000,  # 10%
    min_basket_kurus=10_000,
    valid_from=START,
    valid_until=END,
    channels=frozenset({Channel.STORE, Channel.ENDLESS_AISLE}),
    max_redemptions=100,
    per_customer_limit=1,
    owner_customer_id=None,
)

GOOD: dict[str, Any] = {
    "basket_total_kurus": 50_000,
    "now": NOW,
    "channel": Channel.STORE,
    "customer_id": 7,
    "redeemed_count": 3,
    "customer_redeemed_count": 0,
}


def check(terms: CouponTerms = TERMS, **overrides: Any) -> CouponDecision:
    return evaluate(terms, **{**GOOD, **overrides})


def test_good_coupon_applies() -> None:
    decision = check()
    assert decision.applies
    assert decision.refusals == ()
    assert decision.discount_kurus == 5000


@pytest.mark.parametrize(
    ("terms_changes", "overrides", "reason"),
    [
        ({}, {"basket_total_kurus": 0}, Refusal.EMPTY_BASKET),
        ({}, {"now": START - timedelta(seconds=1)}, Refusal.NOT_YET_VALID),
        ({}, {"now": END}, Refusal.EXPIRED),
        ({}, {"now": END + timedelta(days=3)}, Refusal.EXPIRED),
        ({}, {"channel": Channel.WEB}, Refusal.WRONG_CHANNEL),
        ({}, {"channel": Channel.APP}, Refusal.WRONG_CHANNEL),
        ({}, {"basket_total_kurus": 9_999}, Refusal.BELOW_MINIMUM),
        ({}, {"redeemed_count": 100}, Refusal.USED_UP),
        ({}, {"redeemed_count": 250}, Refusal.USED_UP),
        ({}, {"customer_redeemed_count": 1}, Refusal.CUSTOMER_LIMIT),
        ({"owner_customer_id": 8}, {}, Refusal.NOT_OWNER),
        ({"owner_customer_id": None, "per_customer_limit": None}, {"customer_id": None}, None),
        ({}, {"customer_id": None}, Refusal.CUSTOMER_REQUIRED),
    ],
)
def test_each_refusal_alone(
    terms_changes: dict[str, Any], overrides: dict[str, Any], reason: Refusal | None
) -> None:
    if overrides.get("basket_total_kurus") == 0:
        terms_changes = {**terms_changes, "min_basket_kurus": 0}
    decision = check(replace(TERMS, **terms_changes), **overrides)
    if reason is None:
        assert decision.applies
        return
    assert decision.refusals == (reason,)
    assert not decision.applies
    assert decision.discount_kurus == 0


def test_boundaries_that_still_apply() -> None:
    assert check(now=START).applies  # valid_from is inclusive
    assert check(now=END - timedelta(microseconds=1)).applies  # valid_until is exclusive
    assert check(basket_total_kurus=10_000).applies  # the minimum itself is enough
    assert check(redeemed_count=99).applies
    assert check(replace(TERMS, per_customer_limit=2), customer_redeemed_count=1).applies


def test_owner_coupon_for_its_owner() -> None:
    owned = replace(TERMS, owner_customer_id=7)
    assert check(owned).applies
    assert check(owned, customer_id=None).refusals == (
        Refusal.NOT_OWNER,
        Refusal.CUSTOMER_REQUIRED,
    )


def test_unlimited_coupon_ignores_counts() -> None:
    open_terms = replace(TERMS, max_redemptions=None, per_customer_limit=None)
    decision = check(open_terms, redeemed_count=10**9, customer_redeemed_count=10**9)
    assert decision.applies
    decision = check(open_terms, customer_id=None)
    assert decision.applies


def test_customer_limit_not_reported_without_a_customer() -> None:
    decision = check(customer_id=None, customer_redeemed_count=5)
    assert decision.refusals == (Refusal.CUSTOMER_REQUIRED,)


def test_zero_max_redemptions_is_used_up_at_once() -> None:
    assert check(replace(TERMS, max_redemptions=0), redeemed_count=0).refusals == (Refusal.USED_UP,)


def test_many_refusals_at_once_in_a_stable_order() -> None:
    terms = replace(TERMS, owner_customer_id=99)
    decision = check(
        terms,
        basket_total_kurus=0,
        now=END + timedelta(days=1),
        channel=Channel.WEB,
        customer_id=None,
        redeemed_count=100,
    )
    assert decision.refusals == (
        Refusal.EMPTY_BASKET,
        Refusal.EXPIRED,
        Refusal.WRONG_CHANNEL,
        Refusal.BELOW_MINIMUM,
        Refusal.USED_UP,
        Refusal.NOT_OWNER,
        Refusal.CUSTOMER_REQUIRED,
    )
    assert decision.discount_kurus == 0
    assert not decision.applies


def test_not_yet_valid_with_customer_limit() -> None:
    decision = check(now=START - timedelta(days=1), customer_redeemed_count=1)
    assert decision.refusals == (Refusal.NOT_YET_VALID, Refusal.CUSTOMER_LIMIT)


def test_negative_basket_is_empty() -> None:
    terms = replace(TERMS, min_basket_kurus=0)
    decision = check(terms, basket_total_kurus=-500)
    assert Refusal.EMPTY_BASKET in decision.refusals
    assert decision.discount_kurus == 0


def test_refusal_values_are_the_wire_reasons() -> None:
    assert Refusal.CUSTOMER_LIMIT == "customer_limit_reached"
    assert {r.value for r in Refusal} == {
        "not_yet_valid",
        "expired",
        "wrong_channel",
        "below_minimum",
        "used_up",
        "customer_limit_reached",
        "not_owner",
        "customer_required",
        "empty_basket",
    }


@pytest.mark.parametrize(
    ("kind", "value", "basket", "discount"),
    [
        (CouponKind.PERCENT, 1000, 50_000, 5000),
        (CouponKind.PERCENT, 1500, 12_345, 1852),  # 1851.75 -> 1852
        (CouponKind.PERCENT, 10_000, 12_345, 12_345),  # 100%
        (CouponKind.PERCENT, 25_000, 12_345, 12_345),  # 250% is capped at the basket
        (CouponKind.PERCENT, 0, 12_345, 0),
        (CouponKind.AMOUNT, 5000, 50_000, 5000),
        (CouponKind.AMOUNT, 50_000, 50_000, 50_000),
        (CouponKind.AMOUNT, 80_000, 50_000, 50_000),  # never more than the basket
        (CouponKind.AMOUNT, 0, 50_000, 0),
    ],
)
def test_discount(kind: CouponKind, value: int, basket: int, discount: int) -> None:
    terms = replace(TERMS, kind=kind, value=value, min_basket_kurus=0)
    assert discount_for(terms, basket) == discount
    assert check(terms, basket_total_kurus=basket).discount_kurus == discount


@given(
    st.sampled_from(list(CouponKind)),
    st.integers(0, 10**7),
    st.integers(-1000, 10**9),
    st.integers(0, 10**6),
    st.sampled_from(list(Channel)),
    st.none() | st.integers(1, 5),
    st.integers(0, 200),
    st.integers(0, 3),
    st.datetimes(
        min_value=datetime(2025, 12, 1), max_value=datetime(2026, 3, 1), timezones=st.just(UTC)
    ),
)
@PROPERTY
def test_discount_never_exceeds_basket_and_is_zero_when_refused(
    kind: CouponKind,
    value: int,
    basket: int,
    minimum: int,
    channel: Channel,
    customer_id: int | None,
    redeemed: int,
    customer_redeemed: int,
    now: datetime,
) -> None:
    terms = replace(TERMS, kind=kind, value=value, min_basket_kurus=minimum)
    decision = evaluate(
        terms,
        basket_total_kurus=basket,
        now=now,
        channel=channel,
        customer_id=customer_id,
        redeemed_count=redeemed,
        customer_redeemed_count=customer_redeemed,
    )
    assert len(decision.refusals) == len(set(decision.refusals))
    assert decision.applies == (not decision.refusals)
    if decision.refusals:
        assert decision.discount_kurus == 0
    else:
        assert basket > 0
        assert 0 <= decision.discount_kurus <= basket
        if kind is CouponKind.AMOUNT:
            assert decision.discount_kurus == min(value, basket)
