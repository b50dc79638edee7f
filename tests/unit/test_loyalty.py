"""Loyalty points by tier: app/domain/loyalty.py."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.loyalty import Tier, points_earned

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
