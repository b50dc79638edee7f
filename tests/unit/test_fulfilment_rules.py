"""Preparing and handing over store pickups (app/domain/fulfilment.py): which status may follow
which, what a scan may pick, what a hand-over collects, when a pickup is overdue, and the words
of the customer's notice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import fulfilment as f
from app.domain.fulfilment import (
    PICKUP_HOLD_DAYS,
    HandOverRefusal,
    LineProgress,
    Overdue,
    PickRefusal,
    Step,
)
from app.domain.orders import OrderStatus as S
from app.domain.sourcing import FulfilmentType

PROPERTY = settings(max_examples=200, deadline=None, database=None)
CC, RIS, HOME = "click_collect", "reserve_in_store", "ship_to_home"
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


# --- the status table ---------------------------------------------------------------------------


@pytest.mark.parametrize("fulfilment", [CC, RIS])
def test_a_store_pickup_goes_placed_or_paid_then_ready_then_collected(fulfilment: str) -> None:
    assert f.may_move(fulfilment, S.PLACED, S.READY)
    assert f.may_move(fulfilment, S.PAID, S.READY)
    assert f.may_move(fulfilment, S.READY, S.COLLECTED)
    assert not f.may_move(fulfilment, S.PLACED, S.COLLECTED)  # never without being ready
    assert not f.may_move(fulfilment, S.READY, S.SHIPPED)
    assert not f.may_move(fulfilment, S.PAID, S.SHIPPED)


def test_a_parcel_is_never_ready_nor_collected() -> None:
    for status in S:
        assert not f.may_move(HOME, status, S.READY)
        assert not f.may_move(HOME, status, S.COLLECTED)
    assert f.may_move(HOME, S.PAID, S.SHIPPED) and f.may_move(HOME, S.SHIPPED, S.DELIVERED)


@given(st.sampled_from(list(FulfilmentType)), st.sampled_from(list(S)), st.sampled_from(list(S)))
@PROPERTY
def test_closed_orders_never_move_and_nothing_moves_back_to_placed(
    fulfilment: str, status: S, to: S
) -> None:
    if status in (S.COLLECTED, S.DELIVERED, S.CANCELLED):
        assert not f.may_move(fulfilment, status, to)
    assert not f.may_move(fulfilment, status, S.PLACED)
    assert not f.may_move(fulfilment, status, status)  # a move is a change
    if f.may_move(fulfilment, status, to) and to != S.CANCELLED:
        # Cancelling aside, the statuses only go forward: none returns to where it was.
        assert not f.may_move(fulfilment, to, status)


@pytest.mark.parametrize("fulfilment", [CC, RIS])
def test_which_statuses_may_be_picked_and_handed_over(fulfilment: str) -> None:
    assert [s for s in S if f.may_pick(fulfilment, s)] == [S.PLACED, S.PAID]
    assert [s for s in S if f.may_hand_over(fulfilment, s)] == [S.READY]
    for status in S:
        # What may be picked may become ready; what may be handed over may be collected.
        assert f.may_pick(fulfilment, status) == f.may_move(fulfilment, status, S.READY)
        assert f.may_hand_over(fulfilment, status) == f.may_move(fulfilment, status, S.COLLECTED)
    assert not any(f.may_pick(HOME, s) or f.may_hand_over(HOME, s) for s in S)


# --- picking ----------------------------------------------------------------------------------


def test_picking_counts_up_to_the_quantity_ordered() -> None:
    line = LineProgress(1, quantity=2)
    assert f.pick_refusal(line, 1) is None
    line = f.picked(line, 1)
    assert f.pick_refusal(line, 1) is None
    line = f.picked(line, 1)
    assert line.picked == 2 and line.to_pick == 0
    assert f.pick_refusal(line, 1) == PickRefusal.MORE_THAN_ORDERED
    with pytest.raises(ValueError):
        f.picked(line, 1)


def test_an_item_of_no_line_is_refused() -> None:
    assert f.pick_refusal(None, 1) == PickRefusal.NOT_IN_ORDER
    with pytest.raises(ValueError):
        f.pick_refusal(LineProgress(1, 1), 0)


@given(st.integers(1, 20), st.lists(st.integers(1, 5), max_size=30))
@PROPERTY
def test_whatever_is_scanned_never_more_than_ordered_is_picked(
    quantity: int, scans: list[int]
) -> None:
    line = LineProgress(7, quantity)
    accepted = 0
    for units in scans:
        if f.pick_refusal(line, units) is None:
            line = f.picked(line, units)
            accepted += units
        else:
            assert line.picked + units > quantity
    assert line.picked == accepted <= quantity


def test_the_next_step_follows_the_picks_and_the_status() -> None:
    half = [LineProgress(1, 2, picked=1), LineProgress(2, 1, picked=1)]
    whole = [LineProgress(1, 2, picked=2), LineProgress(2, 1, picked=1)]
    assert f.step_of(CC, S.PLACED, half) == Step.PICK
    assert f.step_of(RIS, S.PAID, whole) == Step.MARK_READY
    assert f.step_of(CC, S.READY, whole) == Step.HAND_OVER
    collected = [LineProgress(1, 2, 2, 2), LineProgress(2, 1, 1, 1)]
    assert f.step_of(CC, S.READY, collected) == Step.DONE
    assert f.step_of(CC, S.COLLECTED, collected) == Step.DONE
    assert f.step_of(HOME, S.PAID, whole) == Step.DONE
    assert not f.all_picked([])  # an order without lines is never ready


# --- handing over -----------------------------------------------------------------------------


def test_by_default_everything_ready_is_handed_over_and_the_order_is_collected() -> None:
    lines = [LineProgress(1, 2, picked=2), LineProgress(2, 1, picked=1)]
    plan = f.hand_over_plan(lines)
    assert plan.refusal is None and plan.units == {1: 2, 2: 1}
    after = f.handed_over(lines, plan)
    assert f.status_after_hand_over(after) == S.COLLECTED
    # Nothing is left the second time.
    assert f.hand_over_plan(after).refusal == HandOverRefusal.NOTHING_LEFT


def test_a_partial_pickup_stays_ready_until_the_rest_is_collected() -> None:
    lines = [LineProgress(1, 2, picked=2), LineProgress(2, 1, picked=1)]
    first = f.hand_over_plan(lines, {1: 1})
    assert first.units == {1: 1}
    lines = f.handed_over(lines, first)
    assert f.status_after_hand_over(lines) == S.READY
    rest = f.hand_over_plan(lines)
    assert rest.units == {1: 1, 2: 1}
    assert f.status_after_hand_over(f.handed_over(lines, rest)) == S.COLLECTED


def test_a_hand_over_never_gives_more_than_is_ready_nor_a_line_of_another_order() -> None:
    lines = [LineProgress(1, 2, picked=2, collected=1), LineProgress(2, 1, picked=1, collected=1)]
    assert f.hand_over_plan(lines, {1: 2}) == f.HandOverPlan(
        refusal=HandOverRefusal.MORE_THAN_READY, line_id=1
    )
    assert f.hand_over_plan(lines, {2: 1}).refusal == HandOverRefusal.NOTHING_LEFT
    assert f.hand_over_plan(lines, {9: 1}) == f.HandOverPlan(
        refusal=HandOverRefusal.NOT_IN_ORDER, line_id=9
    )
    assert f.hand_over_plan(lines, {}).refusal == HandOverRefusal.NOTHING_LEFT
    with pytest.raises(ValueError):
        f.handed_over(lines, f.hand_over_plan(lines, {1: 2}))


_LINE = st.integers(1, 5).flatmap(
    lambda q: st.tuples(st.just(q), st.integers(0, q)).map(lambda t: (t[0], t[1]))
)


@given(
    st.lists(_LINE, min_size=1, max_size=5),
    st.lists(st.dictionaries(st.integers(1, 6), st.integers(1, 5), max_size=3), max_size=8),
)
@PROPERTY
def test_however_the_customer_comes_back_no_unit_is_collected_twice(
    lines_spec: list[tuple[int, int]], visits: list[dict[int, int]]
) -> None:
    lines = [LineProgress(i + 1, q, picked=q) for i, (q, _) in enumerate(lines_spec)]
    status = S.READY
    for wanted in [*visits, None]:  # the last visit takes whatever is left
        if status == S.COLLECTED:
            assert f.hand_over_plan(lines, wanted).refusal is not None
            continue
        plan = f.hand_over_plan(lines, wanted)
        if plan.refusal is None:
            lines = f.handed_over(lines, plan)
            status = f.status_after_hand_over(lines)
        for ln in lines:
            assert 0 <= ln.collected <= ln.picked <= ln.quantity
    # Collected once every unit is; then, and only then.
    assert status == S.COLLECTED
    assert all(ln.collected == ln.quantity for ln in lines)


# --- holds and overdue pickups --------------------------------------------------------------


def test_a_ready_order_waits_until_its_hold_ends() -> None:
    told = NOW + timedelta(hours=5)
    assert f.hold_end(NOW, told) == told  # a reservation keeps the end the customer was told
    assert f.hold_end(NOW, None) == NOW + timedelta(days=PICKUP_HOLD_DAYS)


def test_overdue_pickups() -> None:
    end = NOW + timedelta(days=1)
    assert f.overdue(S.READY, ready_at=NOW, hold_ends=[end], now=NOW) is None
    assert f.overdue(S.READY, ready_at=NOW, hold_ends=[end], now=end) == Overdue.HOLD_EXPIRED
    # The earliest hold decides.
    assert f.overdue(S.READY, ready_at=NOW, hold_ends=[end + timedelta(days=3), end], now=end)
    later = NOW + timedelta(days=PICKUP_HOLD_DAYS)
    assert f.overdue(S.READY, ready_at=NOW, hold_ends=[], now=later) == Overdue.PAST_DUE
    assert f.overdue(S.READY, ready_at=NOW, hold_ends=[], now=later - timedelta(1)) is None
    for status in (S.PLACED, S.PAID, S.COLLECTED, S.CANCELLED):
        assert f.overdue(status, ready_at=NOW, hold_ends=[NOW], now=later) is None
    assert f.deadline(NOW, [end, later]) == end
    assert f.deadline(NOW, []) == later and f.deadline(None, []) is None


@given(st.integers(-2000, 20000), st.lists(st.integers(-2000, 20000), max_size=3))
@PROPERTY
def test_overdue_exactly_from_the_deadline_on(minutes: int, ends: list[int]) -> None:
    now = NOW + timedelta(minutes=minutes)
    hold_ends = [NOW + timedelta(minutes=m) for m in ends]
    due = f.deadline(NOW, hold_ends)
    assert due is not None
    assert (f.overdue(S.READY, ready_at=NOW, hold_ends=hold_ends, now=now) is not None) == (
        now >= due
    )


# --- telling the customer -------------------------------------------------------------------


def _channel(sms: bool, email: bool, *, can_email: bool = True, phone: str | None = "+90532"):
    return f.notice_channel(
        sms_consent=sms,
        phone=phone,
        email_consent=email,
        email="a@example.org",
        can_send=lambda c: c == "sms" or can_email,
    )


def test_the_notice_goes_only_where_the_customer_consented_and_a_sender_can_send() -> None:
    assert _channel(True, True) == "sms"
    assert _channel(False, True) == "email"
    assert _channel(False, True, can_email=False) is None
    assert _channel(True, False, phone=None) is None
    assert _channel(False, False) is None


def test_the_ready_message_names_the_store_the_order_and_the_last_day() -> None:
    day = date(2026, 6, 22)
    tr = f.ready_message("tr", store="Nişantaşı", number="EA12345678", last_day=day)
    en = f.ready_message("en", store="Nişantaşı", number="EA12345678", last_day=day)
    assert "Nişantaşı" in tr and "EA12345678" in tr and "22.06.2026" in tr and "hazır" in tr
    assert "22 June 2026" in en and "ready to collect" in en
    assert f.ready_message("xx", store="S", number="N", last_day=day) == f.ready_message(
        "tr", store="S", number="N", last_day=day
    )
    assert f.ready_subject("en") != f.ready_subject("tr")
