"""Choosing the location that fulfils an order line: app/domain/sourcing.py."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.sourcing import (
    Candidate,
    FulfilmentType,
    LocationKind,
    preference,
    source_candidates,
)

PROPERTY = settings(max_examples=120, deadline=None, database=None)

STORE = LocationKind.STORE
WAREHOUSE = LocationKind.WAREHOUSE

# Location 1 is the selling / pickup store; 9 is the online warehouse.
WORLD = [
    Candidate(location_id=3, kind=STORE, distance_km=12.0, available=5),
    Candidate(location_id=1, kind=STORE, distance_km=0.0, available=5),
    Candidate(location_id=9, kind=WAREHOUSE, distance_km=450.0, available=100),
    Candidate(location_id=2, kind=STORE, distance_km=3.5, available=5),
    Candidate(location_id=4, kind=STORE, distance_km=30.0, available=1),
]


def test_ship_to_home_warehouse_first_then_stores_by_distance() -> None:
    assert source_candidates(WORLD, 1, FulfilmentType.SHIP_TO_HOME, 1) == [9, 1, 2, 3, 4]


def test_ship_to_home_selling_store_has_no_special_rank() -> None:
    # The selling store ranks by its distance like any store, after the warehouse.
    far_seller = [
        Candidate(location_id=1, kind=STORE, distance_km=5.0, available=5),
        Candidate(location_id=2, kind=STORE, distance_km=1.0, available=5),
        Candidate(location_id=9, kind=WAREHOUSE, distance_km=900.0, available=5),
    ]
    assert source_candidates(far_seller, 2, FulfilmentType.SHIP_TO_HOME, 1) == [9, 2, 1]


def test_click_collect_pickup_store_then_warehouse_then_stores_by_distance() -> None:
    assert source_candidates(WORLD, 1, FulfilmentType.CLICK_COLLECT, 1) == [1, 9, 2, 3, 4]


def test_click_collect_pickup_store_without_stock_falls_back() -> None:
    assert source_candidates(WORLD, 6, FulfilmentType.CLICK_COLLECT, 1) == [9]
    world = [*WORLD, Candidate(location_id=8, kind=WAREHOUSE, distance_km=10.0, available=2)]
    assert source_candidates(world, 2, FulfilmentType.CLICK_COLLECT, 4) == [8, 9, 1, 2, 3]


def test_several_warehouses_rank_by_distance() -> None:
    world = [
        Candidate(location_id=20, kind=WAREHOUSE, distance_km=800.0, available=5),
        Candidate(location_id=21, kind=WAREHOUSE, distance_km=90.0, available=5),
        Candidate(location_id=5, kind=STORE, distance_km=1.0, available=5),
    ]
    assert source_candidates(world, 1, FulfilmentType.SHIP_TO_HOME, 5) == [21, 20, 5]
    assert source_candidates(world, 1, FulfilmentType.CLICK_COLLECT, 5) == [5, 21, 20]


def test_equal_distances_break_ties_by_location_id() -> None:
    world = [
        Candidate(location_id=7, kind=STORE, distance_km=2.0, available=1),
        Candidate(location_id=6, kind=STORE, distance_km=2.0, available=1),
    ]
    assert source_candidates(world, 1, FulfilmentType.SHIP_TO_HOME, 1) == [6, 7]


def test_reserve_in_store_only_the_target() -> None:
    assert source_candidates(WORLD, 1, FulfilmentType.RESERVE_IN_STORE, 1) == [1]
    assert source_candidates(WORLD, 1, FulfilmentType.RESERVE_IN_STORE, 2) == [2]


def test_reserve_in_store_target_lacking_stock_gives_nothing() -> None:
    # Plenty elsewhere (warehouse, other stores), but a reservation is only ever the target.
    assert source_candidates(WORLD, 6, FulfilmentType.RESERVE_IN_STORE, 1) == []
    assert source_candidates(WORLD, 1, FulfilmentType.RESERVE_IN_STORE, 42) == []


def test_a_line_is_never_split() -> None:
    # 2 + 2 + 2 would cover 6, but no single location holds 6.
    world = [Candidate(location_id=i, kind=STORE, distance_km=i, available=2) for i in (1, 2, 3)]
    for fulfilment in FulfilmentType:
        assert source_candidates(world, 6, fulfilment, 1) == []


def test_exact_quantity_is_enough() -> None:
    assert source_candidates(WORLD, 5, FulfilmentType.SHIP_TO_HOME, 1) == [9, 1, 2, 3]
    assert source_candidates(WORLD, 100, FulfilmentType.SHIP_TO_HOME, 1) == [9]
    assert source_candidates(WORLD, 101, FulfilmentType.SHIP_TO_HOME, 1) == []


def test_no_candidates() -> None:
    for fulfilment in FulfilmentType:
        assert source_candidates([], 1, fulfilment, 1) == []


@pytest.mark.parametrize("quantity", [0, -1, -100])
@pytest.mark.parametrize("fulfilment", list(FulfilmentType))
def test_non_positive_quantity_raises(quantity: int, fulfilment: FulfilmentType) -> None:
    with pytest.raises(ValueError):
        source_candidates(WORLD, quantity, fulfilment, 1)


def test_input_is_not_modified() -> None:
    world = list(WORLD)
    source_candidates(world, 1, FulfilmentType.CLICK_COLLECT, 1)
    assert world == WORLD


@st.composite
def worlds(draw: st.DrawFn) -> list[Candidate]:
    ids = draw(st.lists(st.integers(1, 60), unique=True, max_size=12))
    return [
        Candidate(
            location_id=i,
            kind=draw(st.sampled_from(list(LocationKind))),
            distance_km=draw(st.floats(0, 2000, allow_nan=False, allow_infinity=False)),
            available=draw(st.integers(-3, 20)),
        )
        for i in ids
    ]


@given(worlds(), st.integers(1, 20), st.sampled_from(list(FulfilmentType)), st.integers(1, 60))
@PROPERTY
def test_result_is_an_ordered_subset_of_able_candidates(
    world: list[Candidate], quantity: int, fulfilment: FulfilmentType, target: int
) -> None:
    result = source_candidates(world, quantity, fulfilment, target)
    by_id = {c.location_id: c for c in world}
    able = {c.location_id for c in world if c.available >= quantity}

    assert len(result) == len(set(result))
    assert set(result) <= able

    if fulfilment is FulfilmentType.RESERVE_IN_STORE:
        assert result == ([target] if target in able else [])
        return

    # Every able candidate is offered: the caller falls through them in order.
    assert set(result) == able

    def tier(location_id: int) -> int:
        if fulfilment is FulfilmentType.CLICK_COLLECT and location_id == target:
            return 0
        return 1 if by_id[location_id].kind is WAREHOUSE else 2

    keys = [(tier(i), by_id[i].distance_km, i) for i in result]
    assert keys == sorted(keys)
    if fulfilment is FulfilmentType.CLICK_COLLECT and target in able:
        assert result[0] == target
    if fulfilment is FulfilmentType.SHIP_TO_HOME:
        kinds = [by_id[i].kind for i in result]
        assert kinds == sorted(kinds, key=lambda k: k is not WAREHOUSE)


@given(worlds(), st.integers(1, 20), st.sampled_from(list(FulfilmentType)), st.integers(1, 60))
@PROPERTY
def test_the_order_worked_out_once_gives_each_lines_choice(
    world: list[Candidate], quantity: int, fulfilment: FulfilmentType, target: int
) -> None:
    """Placing works out the order of every location once (`preference`, whatever the stock)
    and keeps, for a line, those holding its quantity: the same as ranking only those."""
    everywhere = preference(
        [(c.location_id, c.kind, c.distance_km) for c in world], fulfilment, target
    )
    holding = {c.location_id for c in world if c.available >= quantity}
    kept = [loc for loc in everywhere if loc in holding]
    assert kept == source_candidates(world, quantity, fulfilment, target)
