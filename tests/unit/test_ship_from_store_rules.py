"""A parcel sent home from a store (app/domain/fulfilment.py): its steps pick, pack, ship, done;
what refuses a pack or a ship; when the order is shipped; the customer's notice; and the test
carrier (app/server/orders/carriers.py), which books a parcel once per reference."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import fulfilment as f
from app.domain.fulfilment import LineProgress, ParcelRefusal, ShipmentStatus, Step
from app.domain.orders import OrderStatus as S
from app.server.orders.carriers import CarrierRefused, Parcel, TestCarrier

PACKED, SHIPPED = ShipmentStatus.PACKED, ShipmentStatus.SHIPPED
HOME = {"recipient": "Ayşe Yılmaz", "line1": "Bağdat Cad. 12", "city": "İstanbul"}


def _lines(*counts: tuple[int, int]) -> list[LineProgress]:
    return [LineProgress(i + 1, quantity, picked) for i, (quantity, picked) in enumerate(counts)]


def test_a_parcel_is_picked_then_packed_then_shipped() -> None:
    assert f.parcel_step(S.PAID, _lines((2, 0), (1, 1)), None) == Step.PICK
    assert f.parcel_step(S.PAID, _lines((2, 1)), None) == Step.PICK
    assert f.parcel_step(S.PAID, _lines((2, 2), (1, 1)), None) == Step.PACK
    assert f.parcel_step(S.PAID, _lines((2, 2)), PACKED) == Step.SHIP
    assert f.parcel_step(S.PAID, _lines((2, 2)), SHIPPED) == Step.DONE  # a split order's
    assert f.parcel_step(S.SHIPPED, _lines((2, 2)), SHIPPED) == Step.DONE


@pytest.mark.parametrize("status", [S.PLACED, S.CANCELLED, S.DELIVERED])
def test_an_unpaid_or_closed_parcel_has_nothing_to_do(status: S) -> None:
    assert f.parcel_step(status, _lines((1, 0)), None) == Step.DONE
    assert f.pack_refusal(status, _lines((1, 1)), None) == ParcelRefusal.NOT_PAID
    assert f.ship_refusal(status, PACKED) == ParcelRefusal.NOT_PAID


def test_only_paid_parcels_and_placed_or_paid_pickups_are_picked() -> None:
    assert f.pickable("ship_to_home") == (S.PAID,)
    assert f.pickable("click_collect") == f.pickable("reserve_in_store") == f.PICKABLE
    # The pickup rules are unchanged: a parcel is still never picked as a pickup.
    assert not f.may_pick("ship_to_home", S.PAID)
    assert f.step_of("ship_to_home", S.PAID, _lines((1, 0))) == Step.DONE


def test_a_pack_needs_every_unit_picked_and_happens_once() -> None:
    assert f.pack_refusal(S.PAID, _lines((2, 1)), None) == ParcelRefusal.NOT_ALL_PICKED
    assert f.pack_refusal(S.PAID, [], None) == ParcelRefusal.NOT_ALL_PICKED  # nothing here
    assert f.pack_refusal(S.PAID, _lines((2, 2)), None) is None
    assert f.pack_refusal(S.PAID, _lines((2, 2)), PACKED) == ParcelRefusal.ALREADY_PACKED
    assert f.pack_refusal(S.SHIPPED, _lines((2, 2)), SHIPPED) == ParcelRefusal.ALREADY_SHIPPED


def test_a_ship_needs_the_parcel_packed_and_happens_once() -> None:
    assert f.ship_refusal(S.PAID, None) == ParcelRefusal.NOT_PACKED
    assert f.ship_refusal(S.PAID, PACKED) is None
    assert f.ship_refusal(S.PAID, SHIPPED) == ParcelRefusal.ALREADY_SHIPPED
    assert f.ship_refusal(S.SHIPPED, SHIPPED) == ParcelRefusal.ALREADY_SHIPPED


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.booleans()), min_size=1, max_size=6))
def test_the_order_is_shipped_only_once_every_line_has_left(lines: list[tuple[int, bool]]) -> None:
    progress = [
        LineProgress(i, quantity, quantity, quantity if gone else 0)
        for i, (quantity, gone) in enumerate(lines)
    ]
    expected = S.SHIPPED if all(gone for _, gone in lines) else S.PAID
    assert f.status_after_shipping(progress) == expected


def test_the_shipped_message_names_the_carrier_and_tracking_number() -> None:
    tr = f.shipped_message("tr", store="Kadıköy", number="RY-1", carrier="test", tracking="TST1")
    en = f.shipped_message("en", store="Kadıköy", number="RY-1", carrier="test", tracking="TST1")
    for text in (tr, en):
        assert "RY-1" in text and "TST1" in text and "Kadıköy" in text
    assert "Takip no" in tr and "Tracking number" in en
    assert f.shipped_subject("tr") != f.shipped_subject("en")


def test_the_test_carrier_books_once_per_reference_and_remembers() -> None:
    carrier = TestCarrier()
    parcel = Parcel("RY-1", "IST01", dict(HOME), parcels=2, weight_grams=900)
    first = carrier.book(parcel, reference="reyon-shipment-7")
    again = carrier.book(parcel, reference="reyon-shipment-7")
    other = carrier.book(parcel, reference="reyon-shipment-8")
    assert first == again and first.carrier == "test"
    assert first.tracking_number.startswith("TST") and first.label_url
    assert other.tracking_number != first.tracking_number
    # Deterministic: another carrier process gives the same parcel the same number.
    assert TestCarrier().book(parcel, reference="reyon-shipment-7") == first
    assert set(carrier.booked()) == {"reyon-shipment-7", "reyon-shipment-8"}
    with pytest.raises(CarrierRefused):
        carrier.book(Parcel("RY-2", "IST01", {}), reference="reyon-shipment-9")
