"""Integer kuruş arithmetic: app/domain/money.py."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.money import CURRENCY, allocate, format_try, kdv_included, percent_of

PROPERTY = settings(max_examples=120, deadline=None, database=None)


def test_currency_is_lira() -> None:
    assert CURRENCY == "TRY"


@pytest.mark.parametrize(
    ("gross", "rate", "kdv"),
    [
        (110, 10, 10),
        (120, 20, 20),
        (101, 1, 1),
        (11000, 10, 1000),
        (12000, 20, 2000),
        (0, 20, 0),
        (100, 0, 0),
        (1, 20, 0),  # 0.1666… rounds down
        (3, 20, 1),  # 0.5 exactly rounds up
        (2, 20, 0),  # 0.333…
        (21, 10, 2),  # 1.909…
        (33, 10, 3),  # 3.0
        (99_999, 20, 16_667),  # 16666.5 rounds up
        (1, 100, 1),  # 0.5 rounds up
    ],
)
def test_kdv_included(gross: int, rate: int, kdv: int) -> None:
    assert kdv_included(gross, rate) == kdv


def test_kdv_half_up_boundary() -> None:
    # gross * rate / (100 + rate) lands exactly on n + 1/2: always rounded up.
    assert kdv_included(9, 20) == 2
    assert kdv_included(15, 20) == 3
    assert kdv_included(27, 20) == 5  # 4.5 -> 5


@pytest.mark.parametrize(("gross", "rate"), [(-1, 20), (-110, 10), (100, -1), (-5, -5)])
def test_kdv_negative_input_raises(gross: int, rate: int) -> None:
    with pytest.raises(ValueError):
        kdv_included(gross, rate)


@given(st.integers(0, 10**12), st.integers(0, 100))
@PROPERTY
def test_kdv_is_exact_value_rounded_half_up(gross: int, rate: int) -> None:
    exact = Fraction(gross * rate, 100 + rate)
    kdv = kdv_included(gross, rate)
    assert exact - Fraction(1, 2) < kdv <= exact + Fraction(1, 2)
    assert 0 <= kdv <= gross
    # net + kdv reproduces the shelf price: nothing is lost or invented.
    assert (gross - kdv) + kdv == gross


@pytest.mark.parametrize(
    ("amount", "bp", "result"),
    [
        (10_000, 1000, 1000),  # 10%
        (12_345, 1000, 1235),  # 1234.5 -> 1235
        (12_344, 1000, 1234),  # 1234.4
        (1, 5000, 1),  # 0.5 -> 1
        (1, 4999, 0),
        (0, 1000, 0),
        (5000, 0, 0),
        (5000, 10_000, 5000),  # 100%
        (5000, 20_000, 10_000),  # 200%: not capped here
        (99, 1, 0),
        (5000, 1, 1),  # 0.5 -> 1
    ],
)
def test_percent_of(amount: int, bp: int, result: int) -> None:
    assert percent_of(amount, bp) == result


@given(st.integers(0, 10**12), st.integers(0, 10_000))
@PROPERTY
def test_percent_of_rounds_half_up(amount: int, bp: int) -> None:
    exact = Fraction(amount * bp, 10_000)
    got = percent_of(amount, bp)
    assert exact - Fraction(1, 2) < got <= exact + Fraction(1, 2)
    assert 0 <= got <= amount


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [
        (100, [1, 1], [50, 50]),
        (100, [1, 1, 1], [34, 33, 33]),  # ties go to the earlier line
        (101, [1, 1], [51, 50]),
        (10, [3, 7], [3, 7]),
        (10, [0, 5], [0, 10]),
        (10, [5, 0], [10, 0]),
        (7, [2, 0, 1], [5, 0, 2]),  # 4.67 / 0 / 2.33: the larger remainder gets the unit
        (0, [1, 2, 3], [0, 0, 0]),
        (50, [0, 0], [0, 0]),
        (50, [], []),
        (1, [1, 1, 1], [1, 0, 0]),
        (2, [1, 1, 1], [1, 1, 0]),
        (1000, [999, 1], [999, 1]),
    ],
)
def test_allocate(total: int, weights: list[int], shares: list[int]) -> None:
    assert allocate(total, weights) == shares


def test_allocate_negative_total_raises() -> None:
    with pytest.raises(ValueError):
        allocate(-1, [1, 2])


@given(
    st.integers(0, 10**10),
    st.lists(st.integers(0, 10**7), min_size=1, max_size=30),
)
@PROPERTY
def test_allocate_properties(total: int, weights: list[int]) -> None:
    shares = allocate(total, weights)
    assert len(shares) == len(weights)
    weight_sum = sum(weights)
    if weight_sum == 0:
        assert shares == [0] * len(weights)
        return
    assert sum(shares) == total
    for share, weight in zip(shares, weights, strict=True):
        exact = Fraction(total * weight, weight_sum)
        assert abs(share - exact) < 1
        assert share >= 0
        if weight == 0:
            assert share == 0


@given(st.integers(0, 10**8), st.lists(st.integers(1, 1000), min_size=1, max_size=10))
@PROPERTY
def test_allocate_is_monotonic_in_weight(total: int, weights: list[int]) -> None:
    # A line with a bigger weight never gets a smaller share than a lighter line.
    shares = allocate(total, weights)
    for i in range(len(weights)):
        for j in range(len(weights)):
            if weights[i] > weights[j]:
                assert shares[i] >= shares[j]


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (123_450, "1.234,50 TL"),
        (0, "0,00 TL"),
        (1, "0,01 TL"),
        (10, "0,10 TL"),
        (99, "0,99 TL"),
        (100, "1,00 TL"),
        (99_999, "999,99 TL"),
        (100_000, "1.000,00 TL"),
        (123_456_789, "1.234.567,89 TL"),
        (100_000_000_000, "1.000.000.000,00 TL"),
        (-123_450, "-1.234,50 TL"),
        (-1, "-0,01 TL"),
        (-100_000, "-1.000,00 TL"),
    ],
)
def test_format_try(amount: int, text: str) -> None:
    assert format_try(amount) == text


@given(st.integers(-(10**15), 10**15))
@PROPERTY
def test_format_try_reads_back(amount: int) -> None:
    text = format_try(amount)
    assert text.endswith(" TL")
    number = text.removesuffix(" TL")
    lira, _, kurus = number.partition(",")
    assert len(kurus) == 2
    groups = lira.lstrip("-").split(".")
    assert all(len(g) == 3 for g in groups[1:])
    assert 1 <= len(groups[0]) <= 3
    assert int(lira.replace(".", "")) * 100 + (-1 if amount < 0 else 1) * int(kurus) == amount
