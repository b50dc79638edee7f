"""Appointments in a real browser against the demo API (issue 15): the demo associate opens one
of their clients from the client book, books them an alteration fitting for tomorrow from the
free times, meets a time another tablet took a moment
before (refused in words, the time gone from the choices), cancels an appointment after being
asked, and finds the scene from the home card in English on a portrait tablet. The API is
asked what was booked; nothing is taken on the screen's word."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import expect

from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import (
    HANG_MS,
    PORTRAIT,
    by_id,
    choose,
    close,
    log_in,
    open_app,
    said,
    shot,
)
from tests.server import HANG_S, ApiProcess

ZONE = ZoneInfo("Europe/Istanbul")  # the demo stores' zone
TAKEN_TR = "Danışmanın o saatte başka bir randevusu var"


def _api(world: DemoWorld, who: str) -> httpx.Client:
    token = world.token(who)
    return httpx.Client(
        base_url=world.url, headers={"Authorization": f"Bearer {token}"}, timeout=HANG_S
    )


def _booked(api: httpx.Client, day: date, customer_id: int) -> list[dict[str, Any]]:
    r = api.get("/v1/appointments", params={"day": day.isoformat()})
    assert r.status_code == 200, r.text
    return [a for a in r.json()["items"] if a["customer_id"] == customer_id]


def _chip_time(identifier: str, day: date) -> datetime:
    hhmm = identifier.removeprefix("appointment-at-")
    return datetime.combine(day, datetime.min.time(), ZONE).replace(
        hour=int(hhmm[:2]), minute=int(hhmm[2:])
    )


def test_book_a_client_refuse_a_taken_time_and_cancel(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    api = _api(demo_world, "demo-associate")
    book = api.get("/v1/client-book", params={"limit": 1}).json()
    client = book["items"][0]
    me = book["associate_id"]
    name = f"{client['first_name']} {client['last_name']}"
    today = datetime.now(ZONE).date()
    tomorrow = today + timedelta(days=1)
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-associate")
        # The first sync's end redraws the scene: a tap meanwhile would be lost.
        handle = by_id(page, "net-status").element_handle()
        page.wait_for_function("e => e.textContent.includes('Çevrimiçi')", arg=handle)

        # The client, from the client book; "Book appointment" opens today's calendar.
        by_id(page, "nav-book").click()
        by_id(page, f"client-{client['id']}").click()
        expect(by_id(page, "customer-name")).to_contain_text(name, timeout=HANG_MS)
        by_id(page, "appointment-book").click()
        expect(said(page, f"{name} için randevu")).to_be_visible(timeout=HANG_MS)
        by_id(page, "appointment-day-after").click()
        expect(by_id(page, "appointment-day")).to_contain_text(
            f"{tomorrow:%d.%m.%Y}", timeout=HANG_MS
        )
        by_id(page, "appointment-kind-alteration").click()
        # The times for 30 minutes are drawn (the last ends at 21:00): a tap before would land
        # on a choice of the kind before, replaced.
        by_id(page, "appointment-at-2030").wait_for()
        chips = page.locator('[flt-semantics-identifier^="appointment-at-"]')
        chips.first.wait_for()
        first = chips.first.get_attribute("flt-semantics-identifier")
        assert first is not None
        at = _chip_time(first, tomorrow)
        choose(page, first)
        shot(page, screenshot_dir / "tablet-appointment-booking.png")
        by_id(page, "appointment-save").click()
        expect(by_id(page, "toast")).to_contain_text(f"{name} için randevu", timeout=HANG_MS)
        booked = _booked(api, tomorrow, client["id"])
        assert [(a["kind"], a["associate_id"]) for a in booked] == [("alteration", me)], booked
        assert datetime.fromisoformat(booked[0]["starts_at"]) == at
        card = by_id(page, f"appointment-{booked[0]['id']}")
        expect(card).to_contain_text(at.strftime("%H:%M"), timeout=HANG_MS)

        # Another tablet takes the next free time while this one is choosing it.
        by_id(page, "toast").wait_for(state="detached")
        expect(by_id(page, "appointment-panel")).to_have_count(0, timeout=HANG_MS)
        by_id(page, "nav-book").click()
        by_id(page, f"client-{client['id']}").click()
        by_id(page, "appointment-book").click()
        by_id(page, "appointment-day-after").click()
        expect(by_id(page, "appointment-day")).to_contain_text(
            f"{tomorrow:%d.%m.%Y}", timeout=HANG_MS
        )
        by_id(page, "appointment-kind-pickup").click()
        by_id(page, "appointment-at-2045").wait_for()  # the times for 15 minutes
        nxt = chips.first.get_attribute("flt-semantics-identifier")
        assert nxt is not None and nxt != first
        choose(page, nxt)
        other = api.post(
            "/v1/appointments",
            json={
                "customer_id": client["id"],
                "kind": "pickup",
                "starts_at": _chip_time(nxt, tomorrow).isoformat(),
            },
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert other.status_code == 201, other.text
        by_id(page, "appointment-save").click()
        expect(by_id(page, "notice")).to_contain_text(TAKEN_TR, timeout=HANG_MS)
        expect(by_id(page, nxt)).to_have_count(0, timeout=HANG_MS)
        assert len(_booked(api, tomorrow, client["id"])) == 2

        # The first one cancelled, after the tablet asked.
        by_id(page, f"appointment-{booked[0]['id']}-cancel").click()
        by_id(page, f"appointment-{booked[0]['id']}-cancel-yes").click()
        card.wait_for(state="detached")
        assert [a["id"] for a in _booked(api, tomorrow, client["id"])] == [other.json()["id"]]

        # In English, on a portrait tablet: from the home card's button to today's calendar.
        by_id(page, "language").click()
        page.get_by_role("button", name="Türkçe").wait_for()
        page.set_viewport_size(PORTRAIT)
        by_id(page, "nav-home").click()
        expect(said(page, "Today's appointments")).to_be_visible(timeout=HANG_MS)
        by_id(page, "today-appointments").click()
        expect(by_id(page, "appointment-day")).to_contain_text(
            f"Today {today:%d.%m.%Y}", timeout=HANG_MS
        )
        by_id(page, "appointment-day-after").click()
        expect(by_id(page, "appointment-day")).to_contain_text(
            f"{tomorrow:%d.%m.%Y}", timeout=HANG_MS
        )
        expect(by_id(page, f"appointment-{other.json()['id']}")).to_contain_text(
            "Pickup", timeout=HANG_MS
        )
        shot(page, screenshot_dir / "tablet-appointments-en-portrait.png")
    finally:
        api.close()
        close(page)
