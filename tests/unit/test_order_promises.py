"""The day an order is promised to the customer (app/domain/orders.py): from where each line
ships, the slowest line decides; closed orders promise nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import orders
from app.domain.orders import (
    OTHER_STORE_DAYS,
    SAME_DAY_CUTOFF,
    WAREHOUSE_DAYS,
    Source,
    expected_on,
    source_of,
)

MONDAY_MORNING = datetime(2026, 6, 15, 10, 30)
MONDAY_EVENING = datetime(2026, 6, 15, 19, 0)
MONDAY = MONDAY_MORNING.date()


def test_home_delivery_from_the_warehouse_takes_two_days() -> None:
    assert expected_on("ship_to_home", [Source.WAREHOUSE], MONDAY_MORNING) == date(2026, 6, 17)
    assert WAREHOUSE_DAYS == 2


def test_home_delivery_from_a_store_takes_three_days_even_from_this_one() -> None:
    for source in (Source.OTHER_STORE, Source.HERE):
        assert expected_on("ship_to_home", [source], MONDAY_MORNING) == date(2026, 6, 18)
    assert OTHER_STORE_DAYS == 3


def test_the_slowest_line_decides() -> None:
    both = [Source.WAREHOUSE, Source.OTHER_STORE]
    assert expected_on("ship_to_home", both, MONDAY_MORNING) == MONDAY + timedelta(days=3)
    collect = [Source.HERE, Source.WAREHOUSE]
    assert expected_on("click_collect", collect, MONDAY_MORNING) == MONDAY + timedelta(days=2)


def test_click_and_collect_from_this_stores_shelf_same_day_before_the_cut_off() -> None:
    assert expected_on("click_collect", [Source.HERE], MONDAY_MORNING) == MONDAY
    assert expected_on("click_collect", [Source.HERE], MONDAY_EVENING) == date(2026, 6, 16)
    at_cut_off = datetime.combine(MONDAY, SAME_DAY_CUTOFF)
    assert expected_on("click_collect", [Source.HERE], at_cut_off) == date(2026, 6, 16)


def test_a_reservation_is_on_the_shelf_at_once() -> None:
    for placed in (MONDAY_MORNING, MONDAY_EVENING):
        assert expected_on("reserve_in_store", [Source.HERE], placed) == MONDAY


def test_a_closed_order_or_one_without_lines_promises_nothing() -> None:
    for status in ("cancelled", "collected", "delivered", "shipped"):
        assert expected_on("ship_to_home", [Source.WAREHOUSE], MONDAY_MORNING, status) is None
    for status in ("placed", "paid", "ready"):
        assert expected_on("ship_to_home", [Source.WAREHOUSE], MONDAY_MORNING, status)
    assert expected_on("ship_to_home", [], MONDAY_MORNING) is None


def test_where_a_line_ships_from_as_the_rule_sees_it() -> None:
    assert source_of("store", 5, 5) == Source.HERE
    assert source_of("store", 5, 6) == Source.OTHER_STORE
    assert source_of("store", 5, None) == Source.OTHER_STORE  # a parcel from a store
    assert source_of("warehouse", 9, 5) == Source.WAREHOUSE


@given(
    fulfilment=st.sampled_from(["ship_to_home", "click_collect", "reserve_in_store"]),
    sources=st.lists(st.sampled_from(list(Source)), min_size=1, max_size=6),
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2100, 1, 1)),
    at=st.times(),
)
def test_never_before_the_day_it_was_placed_nor_more_than_three_days_after(
    fulfilment: str, sources: list[Source], day: date, at: time
) -> None:
    promised = expected_on(fulfilment, sources, datetime.combine(day, at))
    assert promised is not None
    assert day <= promised <= day + timedelta(days=OTHER_STORE_DAYS)


@pytest.mark.parametrize("lang", ["tr", "en"])
def test_the_pay_link_message_names_the_store_order_total_and_link(lang: str) -> None:
    text = orders.pay_link_message(
        lang,
        store="Reyon Kadıköy",
        number="EA-IST01-ABCD2345",
        total="1.299,90 TL",
        url="https://pay.example/p/x",
        hours=24,
    )
    for part in ("Reyon Kadıköy", "EA-IST01-ABCD2345", "1.299,90 TL", "https://pay.example/p/x"):
        assert part in text
    assert orders.pay_link_subject(lang)
    assert ("siparişiniz" in text) == (lang == "tr")
