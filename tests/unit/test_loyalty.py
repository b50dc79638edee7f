"""Loyalty points by tier, and when an order has earned them: app/domain/loyalty.py."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.domain.loyalty import SPENDABLE, EarnAt, EntryKind, Tier, earns_at, points_earned
from app.domain.orders import OrderStatus
from app.settings import ApiSettings

PROPERTY = settings(max_examples=100, deadline=None, database=None)

TIER_ORDER = [Tier.CLASSIC, Tier.SILVER, Tier.GOLD, Tier.PLATINUM]


@pytest.mark.parametrize(
    ("paid", "tier", "points"),
    [
        # 1 point per 10 TL (1000 kuruş) for classic, 1.2 silver, 1.5 gold, 2 platinum.
        (1000, Tier.CLASSIC, 1),
        (1000, Tier.SILVER, 1),  # 1.2 -> 1
        (1000, Tier.GOLD, 1),  # 1.5 -> 1
        (1000, Tier.PLATINUM, 2),
        (100_000, Tier.CLASSIC, 100),  # 1000 TL
        (100_000, Tier.SILVER, 120),
        (100_000, Tier.GOLD, 150),
        (100_000, Tier.PLATINUM, 200),
        (999, Tier.CLASSIC, 0),  # 9,99 TL: not yet a point
        (999, Tier.PLATINUM, 1),  # 1.998 -> 1
        (500, Tier.PLATINUM, 1),
        (499, Tier.PLATINUM, 0),
        (1_999, Tier.CLASSIC, 1),  # always rounded down
        (12_345, Tier.GOLD, 18),  # 18.5175
        (0, Tier.PLATINUM, 0),
        (-5000, Tier.GOLD, 0),  # refunds earn nothing here
    ],
)
def test_points_earned(paid: int, tier: Tier, points: int) -> None:
    assert points_earned(paid, tier) == points


def test_tier_values() -> None:
    assert [t.value for t in TIER_ORDER] == ["classic", "silver", "gold", "platinum"]
    assert Tier("gold") is Tier.GOLD


def test_points_from_plain_string_tier() -> None:
    # StrEnum lookup means a tier read from the database as text works too.
    assert points_earned(100_000, "gold") == 150  # type: ignore[arg-type]


@given(st.integers(-(10**6), 10**10))
@PROPERTY
def test_higher_tiers_never_earn_less(paid: int) -> None:
    points = [points_earned(paid, t) for t in TIER_ORDER]
    assert points == sorted(points)
    assert all(p >= 0 for p in points)


@given(st.integers(0, 10**10), st.integers(0, 10**10), st.sampled_from(TIER_ORDER))
@PROPERTY
def test_points_are_monotonic_and_never_gained_by_splitting(a: int, b: int, tier: Tier) -> None:
    assert points_earned(a + b, tier) >= max(points_earned(a, tier), points_earned(b, tier))
    # Paying in two parts never earns more than paying at once (rounding down each time).
    assert points_earned(a, tier) + points_earned(b, tier) <= points_earned(a + b, tier)


@given(st.integers(0, 10**10), st.sampled_from(TIER_ORDER))
@PROPERTY
def test_points_match_the_rate(paid: int, tier: Tier) -> None:
    rate = {
        Tier.CLASSIC: Fraction(1),
        Tier.SILVER: Fraction(6, 5),
        Tier.GOLD: Fraction(3, 2),
        Tier.PLATINUM: Fraction(2),
    }[tier]
    exact = Fraction(paid, 1000) * rate  # points per 10 TL
    assert points_earned(paid, tier) == math.floor(exact)


# --- when the points are earned (points follow money, not intentions) -------------------------

# The two ways an order goes, each status after the one before it.
PICKUP_PATH = ["placed", "paid", "ready", "collected"]
SHIPPING_PATH = ["placed", "paid", "shipped", "delivered"]


@pytest.mark.parametrize(
    ("rule", "earning"),
    [
        (EarnAt.PAID, {"paid", "ready", "shipped", "collected", "delivered"}),
        # Collected and delivered are the same moment for the two fulfilments: the goods are in
        # the customer's hands. Paid, ready and shipped are not yet that.
        (EarnAt.COLLECTED, {"collected", "delivered"}),
        (EarnAt.DELIVERED, {"collected", "delivered"}),
    ],
)
def test_which_statuses_earn_under_each_rule(rule: EarnAt, earning: set[str]) -> None:
    for status in OrderStatus:
        assert earns_at(rule, status) is (status in earning), (rule, status)


def test_a_placed_or_cancelled_order_or_an_unknown_status_never_earns() -> None:
    for rule in EarnAt:
        assert not earns_at(rule, "placed")
        assert not earns_at(rule, "cancelled")
        assert not earns_at(rule, "returned")
        assert not earns_at(rule, "")


def test_the_default_rule_is_paid_and_the_setting_takes_only_the_three() -> None:
    assert ApiSettings(_env_file=None).loyalty_earn_at is EarnAt.PAID
    chosen = ApiSettings(_env_file=None, loyalty_earn_at=" Collected ")
    assert chosen.loyalty_earn_at is EarnAt.COLLECTED
    blank = ApiSettings(_env_file=None, loyalty_earn_at="")
    assert blank.loyalty_earn_at is EarnAt.PAID  # an empty REYON_LOYALTY_EARN_AT: the default
    for wrong in ("shipped", "placed", "ready", "never"):
        with pytest.raises(ValidationError):
            ApiSettings(_env_file=None, loyalty_earn_at=wrong)


@given(st.sampled_from(list(EarnAt)), st.sampled_from([PICKUP_PATH, SHIPPING_PATH]))
@PROPERTY
def test_once_earned_an_order_stays_earned_as_it_goes_on(rule: EarnAt, path: list[str]) -> None:
    earned = [earns_at(rule, status) for status in path]
    assert earned == sorted(earned)  # False ... False, True ... True
    assert earned[-1]  # every rule earns by the end of either path
    assert not earned[0]  # and none at placing


@given(st.sampled_from(list(OrderStatus)))
@PROPERTY
def test_a_later_rule_never_earns_where_an_earlier_one_does_not(status: OrderStatus) -> None:
    assert earns_at(EarnAt.COLLECTED, status) <= earns_at(EarnAt.PAID, status)
    assert earns_at(EarnAt.DELIVERED, status) <= earns_at(EarnAt.PAID, status)


def test_pending_kinds_are_not_spendable() -> None:
    assert {k.value for k in SPENDABLE} == {"earn", "burn", "reversal", "adjust"}
    not_spendable = set(EntryKind) - SPENDABLE
    assert {k.value for k in not_spendable} == {"pending", "settled", "dropped"}
    assert all(len(k.value) <= 16 for k in EntryKind)  # LoyaltyEntry.kind is VARCHAR(16)
