"""Exchanges (app/domain/exchanges.py): the difference and which way it goes, what the new order
goes through once settled, what is not an exchange; and the exchange's wire contract."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.contracts.exchanges import ExchangeCreate
from app.domain import exchanges as x
from app.domain.exchanges import Direction, ReplacementSource
from app.domain.orders import OrderStatus as S
from app.domain.returns import RefundMethod

PROPERTY = settings(max_examples=200, deadline=None, database=None)
kurus = st.integers(min_value=0, max_value=10**9)


@pytest.mark.parametrize(
    ("new", "returned", "direction", "amount"),
    [
        (79_990, 49_990, Direction.CHARGE, 30_000),
        (49_990, 79_990, Direction.REFUND, 30_000),
        (49_990, 49_990, Direction.NONE, 0),
        # Bought at 10 % off: the same shelf price costs the coupon's share again.
        (49_990, 44_991, Direction.CHARGE, 4_999),
        (0, 0, Direction.NONE, 0),
    ],
)
def test_the_difference_is_the_new_total_less_the_value_returned(
    new: int, returned: int, direction: Direction, amount: int
) -> None:
    d = x.difference(new, returned)
    assert (d.kurus, d.direction, d.amount) == (new - returned, direction, amount)


@PROPERTY
@given(new=kurus, returned=kurus)
def test_what_moves_closes_the_gap_exactly_and_never_runs_backwards(
    new: int, returned: int
) -> None:
    d = x.difference(new, returned)
    assert d.amount >= 0
    paid = d.amount if d.direction == Direction.CHARGE else 0
    refunded = d.amount if d.direction == Direction.REFUND else 0
    assert returned + paid - refunded == new
    assert (d.direction == Direction.NONE) == (new == returned)


def test_totals_are_never_negative() -> None:
    with pytest.raises(ValueError):
        x.difference(-1, 0)
    with pytest.raises(ValueError):
        x.difference(0, -1)


def test_from_the_shelf_is_paid_and_handed_over_an_order_is_paid_then_goes_its_way() -> None:
    assert x.statuses_after(ReplacementSource.FROM_SHELF) == (S.PAID, S.COLLECTED)
    assert x.statuses_after("order") == (S.PAID,)


def test_nothing_in_exchange_is_a_return_not_an_exchange() -> None:
    assert x.check([]) == x.Refusal.NO_REPLACEMENT
    assert x.check([object()]) is None


# --- the contract ------------------------------------------------------------------------------


def _body(**over: Any) -> dict[str, Any]:
    return {
        "lines": [{"order_line_id": 1, "quantity": 1, "reason": "wrong_size"}],
        "replacements": [{"sku": "RY-1-LAC-M", "quantity": 1}],
        "source": "from_shelf",
        **over,
    }


def test_a_shelf_exchange_reads_with_its_defaults() -> None:
    body = ExchangeCreate.model_validate(_body())
    assert body.source == ReplacementSource.FROM_SHELF and body.fulfilment is None
    assert body.refund_method == RefundMethod.ORIGINAL_PAYMENT
    assert body.lines[0].condition == "sellable"
    # An empty list reads: the service refuses it in words that point to a return.
    assert ExchangeCreate.model_validate(_body(replacements=[])).replacements == []


@pytest.mark.parametrize(
    "over",
    [
        {"fulfilment": {"type": "click_collect"}},  # the shelf takes no fulfilment
        {"source": "order"},  # an order needs one
        {"source": "order", "fulfilment": {"type": "reserve_in_store"}},
        {"replacements": [{"sku": "RY-1-LAC-M", "quantity": 1}] * 2},
        {"lines": [{"order_line_id": 1, "quantity": 1, "reason": "other"}] * 2},
        {"replacements": [{"sku": "RY-1-LAC-M", "quantity": 0}]},
        {"source": "elsewhere"},
        {"surprise": True},
    ],
)
def test_bodies_that_are_not_an_exchange_are_refused(over: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ExchangeCreate.model_validate(_body(**over))


def test_an_ordered_exchange_is_sent_home_or_collected() -> None:
    home = {"type": "ship_to_home", "address": {"recipient": "A", "line1": "B", "city": "C"}}
    for fulfilment in (home, {"type": "click_collect", "location_id": 3}):
        body = ExchangeCreate.model_validate(_body(source="order", fulfilment=fulfilment))
        assert body.fulfilment is not None and body.fulfilment.type == fulfilment["type"]
