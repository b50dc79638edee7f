"""The store side on the tablet (issue 14), drawn from the in-memory gateway's demo world: the
customer scene's pickups waiting, returns and transfers made for the customer; the manager's
pickups ready on time and returns by reason. The Flet views are built as the app builds them and
their controls read back, so the test sees what the associate sees."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import flet as ft
import pytest

from app.contracts.customers import CustomerView
from app.contracts.reports import ReturnReasonFigures
from app.tablet.gateway.memory import MemoryGateway
from app.tablet.gateway.memory_store_side import ReadyPickup, ReturnTaken
from app.tablet.i18n import t as t_
from app.tablet.state.tablet import Tablet
from app.tablet.views import customer, manager
from app.tablet.views.common import TOUCH
from tests.unit.conftest import TODAY, demo_tablet


def _children(c: object) -> list[object]:
    found: list[object] = []
    for name in ("content", "controls"):
        value = getattr(c, name, None)
        if isinstance(value, ft.Control):
            found.append(value)
        elif isinstance(value, list):
            found.extend(v for v in value if isinstance(v, ft.Control))
    return found


def walk(c: object) -> Iterator[object]:
    yield c
    for child in _children(c):
        yield from walk(child)


def tagged(root: ft.Control) -> dict[str, ft.Control]:
    """Identifier -> the control it marks, as the browser tests find them."""
    return {
        c.identifier: c.content  # type: ignore[misc]
        for c in walk(root)
        if isinstance(c, ft.Semantics) and c.identifier and c.content is not None
    }


def texts(c: object) -> list[str]:
    return [str(x.value) for x in walk(c) if isinstance(x, ft.Text) and x.value]


def log_in(t: Tablet, code: str, pin: str) -> None:
    t.login.store_code, t.login.associate_code = "IST01", code
    for digit in pin:
        t.login.press_digit(digit)
    t.login.log_in()


@pytest.fixture
def gw() -> MemoryGateway:
    return MemoryGateway.demo()


def test_the_customer_scene_shows_pickups_returns_and_transfers(gw: MemoryGateway) -> None:
    t = demo_tablet(gw, "tr")
    log_in(t, "ayse", "1234")
    t.customer.open(1)
    marks = tagged(customer.build(t))
    assert {"section-pickups", "section-returns", "section-transfers"} <= marks.keys()
    pickup = marks["pickup-501"]
    assert {"RY-501", "Toplanacak", "IST01 · 3 ürün"} <= set(texts(pickup))
    back = texts(marks["return-801"])
    assert {"W-2026-000701", "Siparişin bir kısmı", "809,91 TL"} <= set(back)
    assert any("IST01 · 1 ürün · Mağaza kredisi" in x for x in back)
    moved = texts(marks["transfer-602"])
    assert {"IST02 → IST01", "Gönderildi"} <= set(moved)
    assert any(x.endswith("1 ürün · 0 geldi") for x in moved)
    # A pickup and a return open their order: whole rows, touch targets.
    for row in (pickup, marks["return-801"]):
        assert isinstance(row, ft.Container) and row.on_click is not None
        assert row.height is not None and row.height >= TOUCH
    opened: list[int] = []
    t.order.open = opened.append  # type: ignore[method-assign]
    pickup.on_click(None)  # type: ignore[union-attr,call-arg,arg-type]
    marks["return-801"].on_click(None)  # type: ignore[attr-defined]
    assert opened == [501, 701]


def test_the_sections_speak_english_and_show_the_latest_first(gw: MemoryGateway) -> None:
    now = datetime.now(UTC)
    view = gw.customers[1]
    first = view.returns[0]
    view.returns = [
        first.model_copy(update={"id": 900 + i, "created_at": now - timedelta(days=i)})
        for i in range(6)
    ]
    t = demo_tablet(gw, "en")
    log_in(t, "ayse", "1234")
    t.customer.open(1)
    marks = tagged(customer.build(t))
    assert "Waiting to be collected" in texts(marks["section-pickups"])
    assert [k for k in marks if k.startswith("return-9")] == [f"return-{900 + i}" for i in range(4)]
    assert "returns-all" in marks
    t.customer.show_all("returns")
    marks = tagged(customer.build(t))
    assert len([k for k in marks if k.startswith("return-9")]) == 6
    assert "Part of the order" in texts(marks["return-900"])


def test_an_empty_list_says_so_and_a_view_cached_before_them_still_opens(
    gw: MemoryGateway,
) -> None:
    view = gw.customers[1]
    view.transfers = []
    old = view.model_dump(mode="json", exclude={"pickups_waiting", "returns", "transfers"})
    cached = CustomerView.model_validate(old)
    assert (cached.pickups_waiting, cached.returns, cached.transfers) == ([], [], [])
    t = demo_tablet(gw, "tr")
    log_in(t, "ayse", "1234")
    t.customer.open(1)
    marks = tagged(customer.build(t))
    assert texts(marks["section-transfers"]) == ["Müşteri için transferler", t_("tr", "empty")]


def test_the_manager_sees_pickups_on_time_and_returns_by_reason(gw: MemoryGateway) -> None:
    day = TODAY
    gw.ready_pickups = (
        ReadyPickup(1, day, day),
        ReadyPickup(1, day, day + timedelta(days=1)),
        ReadyPickup(1, day, day - timedelta(days=1)),  # late
        ReadyPickup(1, day - timedelta(days=1), day - timedelta(days=1)),  # the day before
        ReadyPickup(2, day, day),  # IST02's
    )
    gw.returns_taken = (
        ReturnTaken(1, day, (
            ReturnReasonFigures(reason="wrong_size", units=2, refund_kurus=179980),
            ReturnReasonFigures(reason="damaged", units=1, refund_kurus=39990),
        )),
        ReturnTaken(1, day, (ReturnReasonFigures(reason="wrong_size", units=1, refund_kurus=89990),)),
        ReturnTaken(2, day, (ReturnReasonFigures(reason="other", units=9, refund_kurus=1),)),
    )  # fmt: skip
    t = demo_tablet(gw, "tr")
    log_in(t, "mert", "3456")
    t.manager.show()
    r = t.manager.report
    assert r is not None and (r.pickups_ready, r.pickups_on_time) == (3, 2)
    assert r.pickups_on_time_share == 0.6667
    assert [(x.reason, x.units, x.refund_kurus) for x in r.returns_by_reason] == [
        ("wrong_size", 3, 269970),
        ("damaged", 1, 39990),
    ]
    marks = tagged(manager.build(t))
    assert texts(marks["kpi-pickups-on-time"]) == [
        "Zamanında hazır",
        "67%",
        "2/3 gel-al siparişi söz verilen günde",
    ]
    assert texts(marks["kpi-returns"]) == [
        "Bu mağazada iade edilen ürün",
        "4",
        "İade: 2 · 3.099,60 TL",
    ]
    assert texts(marks["chart-return-reasons"]) == [
        "Beden uymadı: 3 ürün · 2.699,70 TL; Kusurlu / hasarlı: 1 ürün · 399,90 TL"
    ]

    # A day with none of them: a dash, not a made-up 0%, and the chart says there is nothing.
    t.manager.report_day(day - timedelta(days=3))
    marks = tagged(manager.build(t))
    assert texts(marks["kpi-pickups-on-time"])[1] == "–"
    assert texts(marks["chart-return-reasons"]) == ["Bu dönemde kayıt yok."]
