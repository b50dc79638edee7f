"""Request validation in the wire contracts: app/contracts (orders, promotions)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.contracts.orders import Address, Fulfilment, OrderCreate, OrderLineIn
from app.contracts.promotions import CouponRef, CouponValidateRequest, RedemptionCreate

PROPERTY = settings(max_examples=75, deadline=None, database=None)

ADDRESS: dict[str, Any] = {
    "recipient": "Ayşe Yılmaz",
    "line1": "Bağdat Cad. No: 12 D: 3",
    "district": "Kadıköy",
    "city": "İstanbul",
    "postal_code": "34710",
}

ORDER: dict[str, Any] = {
    "customer_id": 1,
    "lines": [{"sku": "RY-10001-GRI-STD", "quantity": 1}],
    "fulfilment": {"type": "ship_to_home", "address": ADDRESS},
}


def order(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(ORDER)
    body.update(changes)
    return body


def errors_of(model: Any, data: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return str(caught.value)


# --- OrderCreate ----------------------------------------------------------------------------


def test_the_documented_example_is_valid() -> None:
    example = OrderCreate.model_config["json_schema_extra"]["examples"][0]  # type: ignore[index]
    parsed = OrderCreate.model_validate(example)
    assert parsed.fulfilment.address is not None
    assert parsed.fulfilment.address.city == "İstanbul"


def test_valid_order() -> None:
    parsed = OrderCreate.model_validate(ORDER)
    assert parsed.lines == [OrderLineIn(sku="RY-10001-GRI-STD", quantity=1)]
    assert parsed.coupon is None


def test_duplicate_skus_refused() -> None:
    body = order(
        lines=[
            {"sku": "RY-1", "quantity": 1},
            {"sku": "RY-2", "quantity": 2},
            {"sku": "RY-1", "quantity": 3},
        ]
    )
    assert "each sku may appear on one line only" in errors_of(OrderCreate, body)


def test_distinct_skus_accepted_even_if_case_differs() -> None:
    body = order(lines=[{"sku": "ry-1", "quantity": 1}, {"sku": "RY-1", "quantity": 1}])
    assert len(OrderCreate.model_validate(body).lines) == 2


@pytest.mark.parametrize("quantity", [1, 2, 50, 99])
def test_quantity_in_bounds(quantity: int) -> None:
    body = order(lines=[{"sku": "A", "quantity": quantity}])
    assert OrderCreate.model_validate(body).lines[0].quantity == quantity


@pytest.mark.parametrize("quantity", [0, -1, 100, 10**6, 1.5, "many", None])
def test_quantity_out_of_bounds(quantity: Any) -> None:
    errors_of(OrderCreate, order(lines=[{"sku": "A", "quantity": quantity}]))


@pytest.mark.parametrize("sku", ["", "A B", "a/b", "ş", "x" * 41, "a%"])
def test_bad_sku(sku: str) -> None:
    errors_of(OrderCreate, order(lines=[{"sku": sku, "quantity": 1}]))


def test_line_count_bounds() -> None:
    errors_of(OrderCreate, order(lines=[]))
    many = [{"sku": f"S{i}", "quantity": 1} for i in range(51)]
    errors_of(OrderCreate, order(lines=many))
    assert len(OrderCreate.model_validate(order(lines=many[:50])).lines) == 50


@pytest.mark.parametrize("customer_id", [0, -1, 2**31])
def test_customer_id_bounds(customer_id: int) -> None:
    errors_of(OrderCreate, order(customer_id=customer_id))


def test_ship_to_home_with_saved_address() -> None:
    parsed = OrderCreate.model_validate(
        order(fulfilment={"type": "ship_to_home", "address_id": 12})
    )
    assert parsed.fulfilment.address_id == 12
    assert parsed.fulfilment.address is None


def test_ship_to_home_needs_an_address() -> None:
    message = errors_of(OrderCreate, order(fulfilment={"type": "ship_to_home"}))
    assert "ship_to_home needs an address or an address_id" in message
    errors_of(
        OrderCreate, order(fulfilment={"type": "ship_to_home", "address": None, "address_id": None})
    )


def test_ship_to_home_takes_address_or_address_id_not_both() -> None:
    message = errors_of(
        OrderCreate,
        order(fulfilment={"type": "ship_to_home", "address": ADDRESS, "address_id": 3}),
    )
    assert "not both" in message


@pytest.mark.parametrize("kind", ["click_collect", "reserve_in_store"])
def test_other_fulfilment_types_take_no_address(kind: str) -> None:
    assert OrderCreate.model_validate(order(fulfilment={"type": kind})).fulfilment.type == kind
    with_store = OrderCreate.model_validate(order(fulfilment={"type": kind, "location_id": 4}))
    assert with_store.fulfilment.location_id == 4
    assert "takes no address" in errors_of(
        OrderCreate, order(fulfilment={"type": kind, "address": ADDRESS})
    )
    assert "takes no address" in errors_of(
        OrderCreate, order(fulfilment={"type": kind, "address_id": 5})
    )


@pytest.mark.parametrize("kind", ["", "home", "SHIP_TO_HOME", None, 1])
def test_unknown_fulfilment_type(kind: Any) -> None:
    errors_of(Fulfilment, {"type": kind, "address_id": 1})


@pytest.mark.parametrize(
    ("where", "body"),
    [
        ("order", order(note="leave at the door")),
        ("line", order(lines=[{"sku": "A", "quantity": 1, "price_kurus": 1}])),
        ("fulfilment", order(fulfilment={"type": "click_collect", "express": True})),
        ("address", order(fulfilment={"type": "ship_to_home", "address": {**ADDRESS, "x": 1}})),
    ],
)
def test_extra_fields_forbidden_everywhere(where: str, body: dict[str, Any]) -> None:
    assert "extra" in errors_of(OrderCreate, body).lower(), where


def test_address_fields() -> None:
    parsed = Address.model_validate({**ADDRESS, "recipient": "  Ayşe  ", "city": " İzmir "})
    assert parsed.recipient == "Ayşe"
    assert parsed.city == "İzmir"
    assert Address.model_validate({"recipient": "A", "line1": "B", "city": "C"}).district == ""
    for bad in (
        {**ADDRESS, "recipient": "   "},
        {**ADDRESS, "city": ""},
        {**ADDRESS, "postal_code": "34 710"},
        {**ADDRESS, "postal_code": "12345678901"},
        {**ADDRESS, "phone": "0" * 21},
        {key: value for key, value in ADDRESS.items() if key != "line1"},
    ):
        errors_of(Address, bad)


def test_coupon_on_order() -> None:
    assert OrderCreate.model_validate(order(coupon="HOSGELDIN10")).coupon == "HOSGELDIN10"
    errors_of(OrderCreate, order(coupon=""))
    errors_of(OrderCreate, order(coupon="x" * 2049))


@given(
    st.lists(
        st.sampled_from(["A", "B", "C", "D", "RY-1", "RY-2"]),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.integers(-5, 120), min_size=8, max_size=8),
)
@PROPERTY
def test_order_accepted_iff_skus_unique_and_quantities_in_range(
    skus: list[str], quantities: list[int]
) -> None:
    lines = [{"sku": s, "quantity": q} for s, q in zip(skus, quantities, strict=False)]
    expected_ok = len(set(skus)) == len(skus) and all(1 <= line["quantity"] <= 99 for line in lines)
    try:
        OrderCreate.model_validate(order(lines=lines))
    except ValidationError:
        assert not expected_ok
    else:
        assert expected_ok


# --- CouponRef ------------------------------------------------------------------------------


def test_coupon_ref_by_code_or_token() -> None:
    assert CouponRef.model_validate({"code": "HOSGELDIN10"}).code == "HOSGELDIN10"
    assert CouponRef.model_validate({"token": "cp1.abc.def"}).token == "cp1.abc.def"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"code": None},
        {"token": None},
        {"code": None, "token": None},
        {"code": "HOSGELDIN10", "token": "cp1.abc.def"},
    ],
)
def test_coupon_ref_needs_exactly_one(data: dict[str, Any]) -> None:
    assert "exactly one of code or token" in errors_of(CouponRef, data)


@pytest.mark.parametrize(
    "data",
    [
        {"code": ""},
        {"token": ""},
        {"code": "x" * 41},
        {"token": "x" * 2049},
        {"code": "A", "extra": 1},
        {"code": 5},
    ],
)
def test_coupon_ref_field_rules(data: dict[str, Any]) -> None:
    errors_of(CouponRef, data)


def test_coupon_ref_rule_applies_to_subclasses() -> None:
    basket = {"lines": [{"sku": "RY-1", "quantity": 1}]}
    assert CouponValidateRequest.model_validate({"code": "X", "basket": basket}).code == "X"
    errors_of(CouponValidateRequest, {"basket": basket})
    errors_of(CouponValidateRequest, {"code": "X", "token": "t", "basket": basket})
    redemption = {
        "location_id": 1,
        "till_id": "KASA-1",
        "sale_ref": "IST01-2026-000123",
        "basket": basket,
    }
    assert RedemptionCreate.model_validate({**redemption, "token": "cp1.a.b"}).token == "cp1.a.b"
    errors_of(RedemptionCreate, redemption)
    errors_of(RedemptionCreate, {**redemption, "code": "X", "token": "cp1.a.b"})


@pytest.mark.parametrize("model", [CouponValidateRequest, RedemptionCreate])
def test_documented_coupon_examples_are_valid(model: Any) -> None:
    example = model.model_config["json_schema_extra"]["examples"][0]
    model.model_validate(example)
