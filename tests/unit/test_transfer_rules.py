"""Transfers between stores (app/domain/transfers.py): which status may follow which, how scans
are tallied, what a send and a receipt may count, the differences found on arrival, and the
request bodies' own checks (app/contracts/transfers.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.contracts.transfers import ReceiveRequest, SendRequest, TransferCreate
from app.domain import transfers as t
from app.domain.transfers import Difference, LineCount, LineRefusal
from app.domain.transfers import TransferStatus as S

PROPERTY = settings(max_examples=200, deadline=None, database=None)


# --- the status table ---------------------------------------------------------------------------


def test_a_transfer_is_requested_then_sent_then_received() -> None:
    assert t.may_move(S.REQUESTED, S.SENT)
    assert t.may_move(S.SENT, S.RECEIVED) and t.may_move(S.SENT, S.PARTLY_RECEIVED)
    assert not t.may_move(S.REQUESTED, S.RECEIVED)  # never without being sent


def test_only_a_transfer_not_sent_yet_may_be_cancelled_or_refused() -> None:
    assert t.may_move(S.REQUESTED, S.CANCELLED) and t.may_move(S.REQUESTED, S.REFUSED)
    assert not t.may_move(S.SENT, S.CANCELLED) and not t.may_move(S.SENT, S.REFUSED)


@given(st.sampled_from(list(S)), st.sampled_from(list(S)))
@PROPERTY
def test_closed_transfers_never_move_and_nothing_goes_back(status: S, to: S) -> None:
    if status in t.CLOSED:
        assert not t.may_move(status, to)
        assert t.next_statuses(status) == frozenset()
    assert not t.may_move(status, S.REQUESTED)
    assert not t.may_move(status, status)  # a move is a change
    if t.may_move(status, to):
        assert not t.may_move(to, status)


def test_every_status_is_open_or_closed() -> None:
    open_ = {s for s in S if t.next_statuses(s)}
    assert open_ == {S.REQUESTED, S.SENT}
    assert open_ | t.CLOSED == set(S) and not open_ & t.CLOSED
    assert t.RECEIVED <= t.CLOSED


# --- tallying scans -----------------------------------------------------------------------------

CODES = {"8690000000017": 1, "RY-1-S": 1, "8690000000024": 2, "RY-1-M": 2}


def test_scans_of_an_item_by_barcode_or_sku_count_on_its_line() -> None:
    tally = t.tally([("8690000000017", 1), ("RY-1-S", 1), ("RY-1-M", 3), ("RY-1-S", 0)], CODES)
    assert tally.unknown is None
    assert tally.units == {1: 2, 2: 3}


def test_one_scan_of_an_item_of_no_line_spoils_the_tally() -> None:
    tally = t.tally([("RY-1-S", 1), ("RY-9-XL", 1), ("RY-8-L", 1)], CODES)
    assert tally.unknown == "RY-9-XL" and tally.units == {}


def test_a_negative_count_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        t.tally([("RY-1-S", -1)], CODES)


@given(st.lists(st.tuples(st.sampled_from(sorted(CODES)), st.integers(0, 20)), max_size=30))
@PROPERTY
def test_a_tally_counts_every_unit_once(scans: list[tuple[str, int]]) -> None:
    tally = t.tally(scans, CODES)
    assert sum(tally.units.values()) == sum(count for _, count in scans)
    assert all(units > 0 for units in tally.units.values())


# --- sending ------------------------------------------------------------------------------------

LINES = [LineCount(1, 3), LineCount(2, 1)]


def test_without_a_count_everything_asked_for_is_sent() -> None:
    plan = t.send_plan(LINES)
    assert plan.refusal is None and plan.units == {1: 3, 2: 1}


def test_a_line_not_counted_into_the_box_sends_nothing() -> None:
    plan = t.send_plan(LINES, {1: 2})
    assert plan.units == {1: 2, 2: 0}
    after = t.sent(LINES, plan)
    assert [(ln.sent, ln.not_sent) for ln in after] == [(2, 1), (0, 1)]


def test_sending_more_than_asked_for_is_refused_on_its_line() -> None:
    plan = t.send_plan(LINES, {1: 3, 2: 2})
    assert (plan.refusal, plan.line_id) == (LineRefusal.MORE_THAN_REQUESTED, 2)
    assert t.send_plan(LINES, {7: 1}).refusal == LineRefusal.NOT_IN_TRANSFER
    with pytest.raises(ValueError):
        t.sent(LINES, plan)


# --- receiving ----------------------------------------------------------------------------------

SENT = [LineCount(1, 3, sent=3), LineCount(2, 2, sent=1)]


def test_everything_asked_for_arriving_sound_is_received() -> None:
    lines = [LineCount(1, 3, sent=3), LineCount(2, 1, sent=1)]
    plan = t.receive_plan(lines, {1: 3, 2: 1}, {})
    after = t.received(lines, plan)
    assert t.status_after_receipt(after) == S.RECEIVED
    assert all(t.differences(ln) == {} for ln in after)


def test_what_did_not_arrive_sound_is_recorded_as_a_difference() -> None:
    plan = t.receive_plan(SENT, {1: 1}, {1: 1})
    assert plan.refusal is None
    first, second = t.received(SENT, plan)
    assert t.differences(first) == {Difference.SHORT: 1, Difference.DAMAGED: 1}
    # Asked for 2, 1 sent, nothing scanned: one never left the sender, one went missing.
    assert t.differences(second) == {Difference.NOT_SENT: 1, Difference.SHORT: 1}
    assert t.status_after_receipt([first, second]) == S.PARTLY_RECEIVED


def test_receiving_more_than_was_sent_is_refused_sound_and_damaged_together() -> None:
    assert t.receive_plan(SENT, {1: 4}, {}).refusal == LineRefusal.MORE_THAN_SENT
    plan = t.receive_plan(SENT, {2: 1}, {2: 1})
    assert (plan.refusal, plan.line_id) == (LineRefusal.MORE_THAN_SENT, 2)
    assert t.receive_plan(SENT, {}, {9: 1}).refusal == LineRefusal.NOT_IN_TRANSFER
    with pytest.raises(ValueError):
        t.received(SENT, plan)


def test_a_line_that_was_never_sent_receives_nothing() -> None:
    lines = [LineCount(1, 2, sent=0)]
    assert t.receive_plan(lines, {1: 1}, {}).refusal == LineRefusal.MORE_THAN_SENT


@st.composite
def journeys(draw: st.DrawFn) -> tuple[list[LineCount], dict[int, int], dict[int, int]]:
    """Lines as sent, and a receipt that counts no more than was sent on each."""
    lines, sound, damaged = [], {}, {}
    for line_id in range(1, draw(st.integers(1, 6)) + 1):
        requested = draw(st.integers(1, 99))
        sent = draw(st.integers(0, requested))
        ok = draw(st.integers(0, sent))
        bad = draw(st.integers(0, sent - ok))
        lines.append(LineCount(line_id, requested, sent))
        sound[line_id], damaged[line_id] = ok, bad
    return lines, sound, damaged


@given(journeys())
@PROPERTY
def test_every_unit_asked_for_is_received_or_explained(
    journey: tuple[list[LineCount], dict[int, int], dict[int, int]],
) -> None:
    lines, sound, damaged = journey
    plan = t.receive_plan(lines, sound, damaged)
    assert plan.refusal is None
    after = t.received(lines, plan)
    for line in after:
        found = t.differences(line)
        assert line.received + sum(found.values()) == line.requested
        assert all(units > 0 for units in found.values())
    whole = all(not t.differences(line) for line in after)
    assert (t.status_after_receipt(after) == S.RECEIVED) == whole


@given(journeys(), st.integers(1, 5))
@PROPERTY
def test_one_unit_too_many_anywhere_refuses_the_whole_receipt(
    journey: tuple[list[LineCount], dict[int, int], dict[int, int]], extra: int
) -> None:
    lines, sound, damaged = journey
    line = lines[extra % len(lines)]
    sound = {**sound, line.line_id: line.sent - damaged[line.line_id] + extra}
    plan = t.receive_plan(lines, sound, damaged)
    assert plan.refusal == LineRefusal.MORE_THAN_SENT


# --- the request bodies -------------------------------------------------------------------------


def _create(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "from_location_id": 2,
        "reason": "shelf",
        "lines": [{"sku": "RY-1-S", "quantity": 2}],
    }
    return {**body, **changes}


def test_a_request_names_its_customer_exactly_when_it_is_for_one() -> None:
    TransferCreate.model_validate(_create())
    TransferCreate.model_validate(_create(reason="customer", customer_id=7))
    with pytest.raises(ValidationError, match="names the customer"):
        TransferCreate.model_validate(_create(reason="customer"))
    with pytest.raises(ValidationError, match="names no customer"):
        TransferCreate.model_validate(_create(customer_id=7))


def test_a_request_names_each_sku_once_and_asks_for_at_least_one_unit() -> None:
    twice = [{"sku": "RY-1-S", "quantity": 1}, {"sku": "RY-1-S", "quantity": 1}]
    with pytest.raises(ValidationError, match="once"):
        TransferCreate.model_validate(_create(lines=twice))
    with pytest.raises(ValidationError):
        TransferCreate.model_validate(_create(lines=[{"sku": "RY-1-S", "quantity": 0}]))
    with pytest.raises(ValidationError):
        TransferCreate.model_validate(_create(lines=[]))


def test_the_sender_counts_units_but_never_damage() -> None:
    assert SendRequest.model_validate({"scans": ["RY-1-S"]}).scans == ["RY-1-S"]
    with pytest.raises(ValidationError, match="receiver"):
        SendRequest.model_validate({"lines": [{"barcode": "RY-1-S", "damaged": 1}]})
    with pytest.raises(ValidationError, match="at least one unit"):
        SendRequest.model_validate({})


def test_a_receipt_counts_at_least_one_unit_sound_or_damaged() -> None:
    ReceiveRequest.model_validate({"damaged": ["RY-1-S"]})
    ReceiveRequest.model_validate({"lines": [{"barcode": "RY-1-S", "damaged": 2}]})
    with pytest.raises(ValidationError, match="at least one unit"):
        ReceiveRequest.model_validate({"lines": [{"barcode": "RY-1-S"}]})
