"""Returns (app/domain/returns.py): which orders may come back and until when, what of each line,
what it refunds and how many points it takes back, cut so that parts never add up to more than
the whole; the return's wire contract; and the test payment provider's refunds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.contracts.returns import ReturnCreate
from app.domain import returns as r
from app.domain.channels import Channel
from app.domain.orders import OrderStatus as S
from app.domain.returns import Condition, LineBought, LineRefusal, RefundMethod, StockPlace
from app.server.storefront import payments

PROPERTY = settings(max_examples=200, deadline=None, database=None)
TZ = "Europe/Istanbul"


# --- which orders, until when -------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.COLLECTED, S.DELIVERED])
def test_orders_in_the_customers_hands_may_be_returned(status: S) -> None:
    assert r.may_return(status)


@pytest.mark.parametrize("status", [S.PLACED, S.PAID, S.READY, S.SHIPPED, S.CANCELLED])
def test_orders_not_yet_received_or_cancelled_may_not(status: S) -> None:
    assert not r.may_return(status)


def test_received_is_when_the_order_became_collected_or_delivered() -> None:
    t = datetime(2026, 3, 1, 9, tzinfo=UTC)
    history = [
        (S.PLACED, t),
        (S.PAID, t + timedelta(hours=1)),
        (S.READY, t + timedelta(days=1)),
        (S.COLLECTED, t + timedelta(days=5)),
        (S.COLLECTED, t + timedelta(days=9)),  # "returned in full": no new window
    ]
    assert r.received_at(history) == t + timedelta(days=5)
    assert r.received_at(history[:3]) is None


def test_the_window_counts_local_days_after_receipt_and_includes_the_last_one() -> None:
    # Collected at 23:30 in Istanbul on 1 March (20:30 UTC): day one of the window is 1 March.
    received = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)
    assert r.last_day(Channel.ENDLESS_AISLE, received, TZ) == date(2026, 3, 31)
    last_evening = datetime(2026, 3, 31, 20, 59, tzinfo=UTC)  # 23:59 local on the last day
    assert r.window_open(Channel.ENDLESS_AISLE, received, last_evening, TZ)
    assert not r.window_open(
        Channel.ENDLESS_AISLE, received, last_evening + timedelta(minutes=2), TZ
    )
    assert r.last_day(Channel.STORE, received, TZ) == date(2026, 3, 16)


def test_distance_sales_always_leave_the_laws_fourteen_days() -> None:
    for channel in (Channel.WEB, Channel.APP, Channel.ENDLESS_AISLE):
        assert r.RETURN_DAYS[channel] >= 14
    assert set(r.RETURN_DAYS) == set(Channel)  # every channel has a window


# --- lines and money ----------------------------------------------------------------------------


def test_lines_within_what_was_bought_and_not_yet_returned() -> None:
    lines = {1: LineBought(1, 3, 1, 30_000), 2: LineBought(2, 1, 1, 9_990)}
    assert r.check_lines(lines, {1: 2}) is None
    assert r.check_lines(lines, {1: 3}) == r.Refused(LineRefusal.TOO_MANY, 1, 2)
    assert r.check_lines(lines, {2: 1}) == r.Refused(LineRefusal.TOO_MANY, 2, 0)
    assert r.check_lines(lines, {9: 1}) == r.Refused(LineRefusal.NOT_IN_ORDER, 9)
    assert not r.fully_returned(lines.values())
    assert r.fully_returned([LineBought(1, 3, 3, 30_000), LineBought(2, 1, 1, 9_990)])
    assert not r.fully_returned([])


def test_a_coupon_discount_comes_back_in_proportion() -> None:
    # Three units at 100,00 TL with a 30,01 TL coupon share: 269,99 TL paid for the line.
    line = LineBought(1, 3, 0, 26_999)
    assert r.refund_for(line, 1) == 8_999  # not the shelf price
    assert r.refund_for(LineBought(1, 3, 1, 26_999), 1) == 9_000
    assert r.refund_for(LineBought(1, 3, 2, 26_999), 1) == 9_000  # the last unit squares it
    assert r.refund_for(line, 3) == 26_999
    with pytest.raises(ValueError):
        r.refund_for(LineBought(1, 3, 2, 26_999), 2)


@PROPERTY
@given(
    quantity=st.integers(1, 99),
    total=st.integers(0, 10**9),
    cuts=st.lists(st.integers(1, 99), min_size=1, max_size=20),
)
def test_returning_a_line_in_any_parts_refunds_exactly_what_was_paid(
    quantity: int, total: int, cuts: list[int]
) -> None:
    returned, refunded = 0, 0
    for cut in cuts:
        units = min(cut, quantity - returned)
        if units == 0:
            break
        part = r.refund_for(LineBought(1, quantity, returned, total), units)
        assert part >= 0
        returned, refunded = returned + units, refunded + part
        assert refunded <= total
    if returned == quantity:
        assert refunded == total


@PROPERTY
@given(
    earned=st.integers(0, 10**6),
    total=st.integers(1, 10**9),
    parts=st.lists(st.integers(0, 10**9), min_size=1, max_size=20),
)
def test_points_go_back_in_proportion_and_never_more_than_earned(
    earned: int, total: int, parts: list[int]
) -> None:
    refunded, taken = 0, 0
    for part in parts:
        part = min(part, total - refunded)
        taken += r.points_to_reverse(earned, total, refunded, part)
        refunded += part
        assert 0 <= taken <= earned
    if refunded == total:
        assert taken == earned


def test_points_for_half_the_money() -> None:
    assert r.points_to_reverse(99, 99_980, 0, 49_990) == 49
    assert r.points_to_reverse(99, 99_980, 49_990, 49_990) == 50
    assert r.points_to_reverse(0, 99_980, 0, 49_990) == 0
    assert r.points_to_reverse(99, 0, 0, 0) == 0


def test_the_condition_decides_where_the_unit_goes() -> None:
    assert r.stock_place(Condition.SELLABLE) == StockPlace.ON_HAND
    assert r.stock_place(Condition.DAMAGED) == StockPlace.DAMAGED


# --- the contract -------------------------------------------------------------------------------


def test_the_documented_example_is_valid() -> None:
    example = ReturnCreate.model_config["json_schema_extra"]["examples"][0]  # type: ignore[index]
    parsed = ReturnCreate.model_validate(example)
    assert parsed.refund_method == RefundMethod.ORIGINAL_PAYMENT
    assert parsed.lines[0].condition == Condition.SELLABLE


@pytest.mark.parametrize(
    "change",
    [
        {"lines": []},
        {"lines": [{"order_line_id": 1, "quantity": 0, "reason": "other"}]},
        {"lines": [{"order_line_id": 1, "quantity": 1, "reason": "because"}]},
        {"lines": [{"order_line_id": 1, "quantity": True, "reason": "other"}]},
        {
            "lines": [
                {"order_line_id": 1, "quantity": 1, "reason": "other"},
                {"order_line_id": 1, "quantity": 1, "reason": "damaged"},
            ]
        },
        {"refund_method": "cash"},
        {"refund_kurus": 100},
    ],
)
def test_bad_returns_are_refused_by_the_contract(change: dict[str, object]) -> None:
    body: dict[str, object] = {
        "lines": [{"order_line_id": 1, "quantity": 1, "reason": "wrong_size"}],
        **change,
    }
    with pytest.raises(ValidationError):
        ReturnCreate.model_validate(body)


# --- the test payment provider ------------------------------------------------------------------


def test_the_test_provider_refunds_once_per_reference() -> None:
    provider = payments.TestProvider()
    first = provider.refund(payment_ref="pay_1", amount_kurus=4_999, currency="TRY", reference="a")
    assert first.ok and first.refund_ref.startswith("test_refund_")
    again = provider.refund(payment_ref="pay_1", amount_kurus=4_999, currency="TRY", reference="a")
    assert again == first  # a retry is the same refund, not a second one
    assert provider.refunded("pay_1") == 4_999
    other = provider.refund(payment_ref="pay_1", amount_kurus=100, currency="TRY", reference="b")
    assert other.ok and other.refund_ref != first.refund_ref
    assert provider.refunded("pay_1") == 5_099
    reused = provider.refund(payment_ref="pay_1", amount_kurus=1, currency="TRY", reference="a")
    assert not reused.ok and provider.refunded("pay_1") == 5_099
    assert not provider.refund(payment_ref="p", amount_kurus=0, currency="TRY", reference="c").ok
