"""Scene 14 in a real browser against the demo API (issue 15): the worker's follow-up tasks are
made on the demo data (and one by hand, due today, through the API), the demo associate logs in
and sees them on the home scene's "Today" card, opens the tasks, marks one done and sees it leave
the list (the API has it done); then the client book: a tier filter keeps only that tier, and a
row opens that client on the customer scene. Turkish and English, landscape and portrait."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect
from sqlalchemy import select

from app.server.catalog.models import Variant
from app.server.clienteling.generate import generate_tasks
from app.server.customers.models import Cart, CartLine
from app.server.db import Database, make_engine, utcnow
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import HANG_MS, PORTRAIT, by_id, close, log_in, open_app, said, shot
from tests.server import HANG_S, ApiProcess

NOTE = "E2E: ask how the fit feels"
DAY = timedelta(days=1)


def _api(world: DemoWorld) -> httpx.Client:
    token = world.token("demo-associate")
    return httpx.Client(
        base_url=world.url, headers={"Authorization": f"Bearer {token}"}, timeout=HANG_S
    )


def _left_a_cart(world: DemoWorld) -> int:
    """A new consenting client who filled a cart on the website two days ago and left it (what
    the web shop writes), with no order since, so the worker's next round has an abandoned cart
    to follow up. A new one: the demo's own clients have orders from the other browser tests
    placed after any cart made here."""
    db = Database(make_engine(world.database_url))
    try:
        customer_id = factories.customer(db, consent=True)
        with db.write() as s:
            variant = s.execute(select(Variant.id).order_by(Variant.id).limit(1)).scalar_one()
            cart = Cart(customer_id=customer_id, channel="web", updated_at=utcnow() - 2 * DAY)
            s.add(cart)
            s.flush()
            assert cart.id is not None
            s.add(CartLine(cart_id=cart.id, variant_id=variant, quantity=1))
    finally:
        db.dispose()
    return customer_id


def _tasks_of_the_day(
    world: DemoWorld, api: httpx.Client
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """What `reyon worker` makes on the demo data, with a cart left online by a client the
    manager gave the demo associate, and one task by hand due today for the associate's first
    client (which clients those are depends on the seed: asked, not assumed). Returns (that
    client's row, the task made by hand, the abandoned cart's task)."""
    book = api.get("/v1/client-book", params={"limit": 200})
    assert book.status_code == 200, book.text
    assert book.json()["items"], "the demo associate has no clients in the seed"
    client = book.json()["items"][0]
    left = _left_a_cart(world)
    with httpx.Client(base_url=world.url, timeout=HANG_S) as manager:
        token = world.token("demo-manager")
        r = manager.post(
            "/v1/client-book/assign",
            json={"customer_id": left, "associate_id": book.json()["associate_id"]},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        )
        assert r.status_code == 200, r.text
    db = Database(make_engine(world.database_url))
    try:
        generate_tasks(db, now=utcnow())
    finally:
        db.dispose()
    made = api.get("/v1/tasks", params={"scope": "today"}).json()
    today = made["today"]
    carts = [t for t in made["items"]
             if t["kind"] == "abandoned_cart" and t["customer_id"] == left]  # fmt: skip
    assert carts, f"no abandoned-cart task for client {left}: {made['items']}"
    r = api.post(
        "/v1/tasks",
        json={"customer_id": client["id"], "due_on": today, "note": NOTE},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code == 201, r.text
    # Two more, for the following days: the "all open" tab has something to show.
    for later, other in zip((1, 7), book.json()["items"][1:3], strict=False):
        due = (date.fromisoformat(today) + timedelta(days=later)).isoformat()
        more = api.post(
            "/v1/tasks",
            json={"customer_id": other["id"], "due_on": due, "note": "E2E"},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert more.status_code == 201, more.text
    return client, r.json(), carts[0]


def test_todays_tasks_then_the_client_book(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    api = _api(demo_world)
    client, task, cart_task = _tasks_of_the_day(demo_world, api)
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-associate")
        # The first sync's end redraws the scene: a tap meanwhile would be lost.
        handle = by_id(page, "net-status").element_handle()
        page.wait_for_function("e => e.textContent.includes('Çevrimiçi')", arg=handle)

        # Home: the Today card, with the task made by hand among today's.
        by_id(page, "today-card").wait_for()
        open_today = api.get("/v1/tasks", params={"scope": "today"}).json()["items"]
        expect(by_id(page, "today-count")).to_have_text(str(len(open_today)), timeout=HANG_MS)
        shot(page, screenshot_dir / "tablet-home-today.png")

        # The tasks: the one made by hand is done with an impatient double tap.
        by_id(page, "nav-tasks").click()
        row = by_id(page, f"task-{task['id']}")
        row.wait_for()
        expect(row).to_contain_text(NOTE, timeout=HANG_MS)
        expect(row).to_contain_text("Elle eklenen", timeout=HANG_MS)
        shot(page, screenshot_dir / "tablet-tasks.png")
        done = by_id(page, f"task-{task['id']}-done")
        box = done.bounding_box()
        assert box is not None and box["height"] >= 48
        done.dblclick()
        row.wait_for(state="detached")
        expect(by_id(page, "toast")).to_have_text("Görev tamamlandı.", timeout=HANG_MS)
        still_open = api.get("/v1/tasks", params={"scope": "open"}).json()["items"]
        assert task["id"] not in {x["id"] for x in still_open}
        # The worker's task for the cart the client left online: named so, and done too.
        by_id(page, "toast").wait_for(state="detached")
        row = by_id(page, f"task-{cart_task['id']}")
        expect(row).to_contain_text("Yarım kalan sepet", timeout=HANG_MS)
        expect(row).to_contain_text(cart_task["customer_name"], timeout=HANG_MS)
        by_id(page, f"task-{cart_task['id']}-done").click()
        row.wait_for(state="detached")
        still_open = api.get("/v1/tasks", params={"scope": "open"}).json()["items"]
        assert cart_task["id"] not in {x["id"] for x in still_open}

        # The client book: filtered by the first client's tier, then that client opened.
        by_id(page, "nav-book").click()
        by_id(page, "book-count").wait_for()
        tier = client["tier"]
        same_tier = api.get("/v1/client-book", params={"tier": tier, "limit": 1}).json()["total"]
        by_id(page, f"book-tier-{tier}").click()
        expect(by_id(page, "book-count")).to_contain_text(f"/ {same_tier} ", timeout=HANG_MS)
        shot(page, screenshot_dir / "tablet-client-book.png")
        by_id(page, f"client-{client['id']}").click()
        expect(by_id(page, "customer-name")).to_contain_text(
            f"{client['first_name']} {client['last_name']}", timeout=HANG_MS
        )

        # In English, on a portrait tablet (once the Turkish word of the done task is gone).
        by_id(page, "toast").wait_for(state="detached")
        by_id(page, "language").click()
        # The top bar is made again in the new language: a tap on the old one is lost.
        page.get_by_role("button", name="Türkçe").wait_for()
        page.set_viewport_size(PORTRAIT)
        by_id(page, "nav-book").click()
        expect(by_id(page, "book-count")).to_contain_text("clients", timeout=HANG_MS)
        shot(page, screenshot_dir / "tablet-client-book-en-portrait.png")
        by_id(page, "nav-tasks").click()
        by_id(page, "tasks-scope-open").click()
        expect(by_id(page, "tasks-scope-open")).to_have_text("All open", timeout=HANG_MS)
        page.get_by_text("Follow-up tasks").wait_for()
        shot(page, screenshot_dir / "tablet-tasks-en-portrait.png")
        by_id(page, "nav-home").click()
        by_id(page, "today-card").wait_for()
        expect(said(page, "To do today")).to_be_visible(timeout=HANG_MS)
        shot(page, screenshot_dir / "tablet-home-today-en-portrait.png")
    finally:
        api.close()
        close(page)
