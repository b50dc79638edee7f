"""The tablet in the hands of a rushed, careless or hostile user, in a real browser: for each
role, a seeded random walk of taps, double and rapid taps, and hostile text in every field
(5,000 characters, emoji, right-to-left text, control characters, SQL and format strings, an
identity code at the till, a coupon at the home scan), while the API drops out for a few
actions at a time. Nothing may break: no "Error running app" screen, no failure caught by the
app's error boundary (the app logs each one with its trace), and afterwards the app still does
a normal thing. A failure names the seed and the last actions, so it can be replayed:

    REYON_MONKEY_SEED=<seed> REYON_MONKEY_ACTIONS=<n> pytest tests/e2e/test_tablet_robustness.py
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from app.server.catalog.models import Variant
from app.server.db import Database, make_engine
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import (
    by_id,
    close,
    first_sync_done,
    frames,
    log_in,
    open_app,
    submit,
    type_into,
)
from tests.faults.proxy import FaultyProxy
from tests.server import HANG_S, start_tablet

SCAN = {
    "tr": "QR veya barkodu okutun ya da kodu yazın",
    "en": "Scan a QR code or barcode, or type the code",
}
SCAN_EITHER = "^(" + "|".join(re.escape(label) for label in SCAN.values()) + ")"
# What the screen says, for a failure message: CI keeps no screenshot.
VISIBLE_TEXTS = """() => [...document.querySelectorAll('flt-semantics')]
    .map(e => e.getAttribute('aria-label') || e.getAttribute('flt-semantics-identifier')
        || (e.childElementCount ? '' : e.textContent))
    .filter(Boolean).slice(0, 60).join(' | ')"""
SEED = int(os.environ.get("REYON_MONKEY_SEED", "20261204"))
ACTIONS = int(os.environ.get("REYON_MONKEY_ACTIONS", "150"))  # per role
ROLES = ("demo-associate", "demo-cashier", "demo-manager")
# Taps the walk leaves alone: they end the walk itself (this tablet's own enrolment, the
# demo people it logs in as), not a failure of the app.
SPARED = re.compile(r"^(log-out|revoke-.*|deactivate-.*)$")
# What the tablet's log says when something went wrong that the user should never cause.
BROKEN = re.compile(r"Traceback|Error running app|failed to build|tablet action .* failed")
RUNNING = re.compile(r"^.*(?:start|end) \S+, (\d+) running$", re.MULTILINE)
CLICKABLE = 'flt-semantics[role="button"], flt-semantics[flt-tappable], [flt-semantics-identifier]'


def hostile_texts(identity: str, coupon: str, sku: str) -> list[str]:
    return [
        "A" * 5_000,
        "👗🧥👠 elbise 👜" * 40,
        "مرحبا بالعالم שלום עולם",  # right-to-left
        "\u202egömlek\u202c\x00\x07\x1b[31m\t\r",  # a reversal mark and control characters
        "'; DROP TABLE orders; --",
        "%s %n {0} {lang} {{}} \\x00",  # format strings: never formatted as a template
        "   ",
        "9" * 80,
        "RY1I" + "x" * 200,  # looks like an identity code, forged
        identity,  # a real identity code: at the till too
        coupon,  # a real coupon: at the home scan too
        sku,
        "gömlek",
        "İĞÜŞÖÇ ığüşöç",
    ]


class Walk:
    """One role's random walk, with the record to replay it."""

    def __init__(self, page: Any, proxy: FaultyProxy, rng: random.Random, texts: list[str]):
        self.page, self.proxy, self.rng, self.texts = page, proxy, rng, texts
        self.done: list[str] = []

    def _places(self, selector: str) -> list[dict[str, Any]]:
        """Where on the screen each control is (its centre) and what it is called, leaving
        out the spared ones and anything inside them."""
        found: list[dict[str, Any]] = self.page.evaluate(
            """([selector, spared]) => {
                const keep = new RegExp(spared);
                const out = [];
                for (const e of document.querySelectorAll(selector)) {
                    let spare = false;
                    for (let a = e; a; a = a.parentElement) {
                        const id = a.getAttribute && a.getAttribute('flt-semantics-identifier');
                        if (id && keep.test(id)) { spare = true; break; }
                    }
                    const r = e.getBoundingClientRect();
                    const inside = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
                        && r.top < innerHeight && r.left < innerWidth;
                    if (spare || !inside) continue;
                    const name = e.getAttribute('flt-semantics-identifier')
                        || e.getAttribute('aria-label') || e.textContent.slice(0, 30);
                    const x = Math.min(Math.max(r.left + r.width / 2, 1), innerWidth - 1);
                    const y = Math.min(Math.max(r.top + r.height / 2, 1), innerHeight - 1);
                    out.push({x, y, name});
                }
                return out;
            }""",
            [selector, SPARED.pattern],
        )
        return found

    def _tap(self, times: int) -> None:
        places = self._places(CLICKABLE)
        if not places:
            self.done.append("tap: nothing to tap")
            return
        at = self.rng.choice(places)
        self.done.append(f"tap x{times}: {at['name']!r}")
        # Where the control was, as a finger would: if a redraw moved it, the tap lands on
        # whatever is there now.
        for _ in range(times):
            self.page.mouse.click(at["x"], at["y"])

    def _type(self) -> None:
        places = self._places('flt-semantics[role="textbox"], input, textarea')
        if not places:
            self.done.append("type: no field")
            return
        at = self.rng.choice(places)
        text = self.rng.choice(self.texts)
        self.done.append(f"type into {at['name']!r}: {text[:24]!r} ({len(text)} chars), Enter")
        self.page.mouse.click(at["x"], at["y"])
        frames(self.page, 3)  # Flutter makes its <input> a frame or two after the tap
        focused = self.page.evaluate(
            "() => ['INPUT', 'TEXTAREA'].includes(document.activeElement?.tagName)"
        )
        if not focused:
            self.done.append("  (the field did not take the focus)")
            return
        self.page.keyboard.insert_text(text)
        self.page.keyboard.press("Enter")

    def _outage(self) -> None:
        on = not self.proxy.faults.outage
        self.done.append("the API drops out" if on else "the API is back")
        self.proxy.set_outage(on)

    def step(self) -> None:
        actions: list[tuple[Callable[[], None], int]] = [
            (lambda: self._tap(1), 50),
            (lambda: self._tap(2), 8),  # a double tap
            (lambda: self._tap(6), 6),  # an impatient finger
            (self._type, 25),
            (self._outage, 5),
            (lambda: self._go("nav-home"), 6),
        ]
        choice = self.rng.choices([a for a, _ in actions], weights=[w for _, w in actions])[0]
        choice()
        frames(self.page, 2)

    def _go(self, identifier: str) -> bool:
        """Tap the control with this identifier, if it is on screen; whether it was."""
        self.done.append(f"go {identifier}")
        places = [p for p in self._places(CLICKABLE) if p["name"] == identifier]
        if places:
            self.page.mouse.click(places[0]["x"], places[0]["y"])
        else:
            self.done.append("  (not there)")
        return bool(places)

    def crashed(self) -> bool:
        return self.page.get_by_text("Error running app").count() > 0


@pytest.mark.parametrize("demo_world", ["sqlite"], indirect=True)
def test_random_taps_hostile_input_and_a_flaky_api_never_break_the_tablet(
    demo_world: DemoWorld, browser: Any, tmp_path: Path
) -> None:
    db = Database(make_engine(demo_world.database_url))
    try:
        identity = factories.identity_code(db, 1)
        coupon = factories.coupon_payload(db, factories.coupon(db, kind="amount", value=5_000))
        with db.session() as session:
            sku = session.execute(select(Variant.sku).limit(1)).scalar_one()
    finally:
        db.dispose()
    port = urlparse(demo_world.url).port
    assert port is not None
    proxy = FaultyProxy(target_port=port, seed=SEED)
    app = start_tablet(proxy.url, log_dir=tmp_path, device=demo_world.tablet)
    rng = random.Random(SEED)
    texts = hostile_texts(identity, coupon, sku)
    try:
        for role in ROLES:
            proxy.set_outage(False)
            page = open_app(browser, app.url)
            # What the browser itself reported: a blank page after a date was picked in the
            # manager's report (seen once, on 2026-12-06, not yet explained) leaves no other trace.
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(f"pageerror: {exc}"))
            page.on(
                "console",
                lambda m, errors=errors: (
                    errors.append(f"console {m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            walk = Walk(page, proxy, rng, texts)
            try:
                log_in(page, role)
                if role == ROLES[0]:
                    first_sync_done(tmp_path / "tablet-cache", app)
                for n in range(ACTIONS):
                    walk.step()
                    assert not walk.crashed(), _replay(role, n, walk)
                    broken = BROKEN.findall(app.log.read_text(errors="replace"))
                    assert not broken, _replay(role, n, walk, app.log.read_text()[-6000:])
                # Still usable: the network back, any dialog closed, home, and a product
                # opened by its code.
                proxy.set_outage(False)
                # Spelled as shown: the browser matches the pattern, and JavaScript's
                # ignore-case does not take "iptal" for "İptal".
                cancel = page.get_by_role("button", name=re.compile("^(Cancel|İptal)$"))
                if cancel.count():  # a date picker's way out
                    cancel.first.click()
                    cancel.first.wait_for(state="detached")
                step = "a dialog closing"
                try:
                    for dialog_close in ("camera-close", "large-order-no"):
                        # As the user would: the dialog's own way out, then wait for it to go
                        # (the camera's dialog stays until the browser answered its calls).
                        if walk._go(dialog_close):
                            by_id(page, dialog_close).wait_for(state="detached")
                    step = "the home button"
                    by_id(page, "nav-home").wait_for()
                    # The tablet handles taps one at a time, in the order sent, and draws at the
                    # end of each: a slow one still running (a "back" that went home through
                    # the flaky API) would draw home after this test took its redraw for the
                    # tap below, and the tap's own redraw would then draw over the code typed
                    # next (seen on CI). So: nothing running, then a redraw asked by the top
                    # bar's home button, then nothing running again.
                    step = "the tablet handling the walk's last taps"
                    _wait_for(lambda: _running(app) == 0, app)
                    mark = len(app.log.read_text(errors="replace"))
                    assert walk._go("nav-home"), "the home button went before it was tapped"
                    # Going home reads the "Today" card, then draws the scene anew: a code
                    # typed into the scan field already on screen (the walk may end at home)
                    # before that draw arrives is drawn over, as it would be for a user.
                    step = "the home scene drawn after the tap"
                    _wait_for(lambda mark=mark: _went_home(app, mark) and _running(app) == 0, app)
                    step = "the home scene's scan field"
                    # The scan field heads the home scene in either language, whatever the
                    # walk left below it (a consent panel, results) that may push other
                    # texts out of sight, where Flutter leaves them out of the page.
                    field = page.get_by_role("textbox", name=re.compile(SCAN_EITHER))
                    field.wait_for()
                    english = page.get_by_role("textbox", name=SCAN["en"]).count() > 0
                    step = "typing a product code into it"
                    type_into(page, SCAN["en" if english else "tr"], sku)
                    submit(page, SCAN["en" if english else "tr"])
                    step = "the product scene"
                    by_id(page, "product-name").wait_for()
                except Exception as exc:
                    page.screenshot(path=str(tmp_path / f"stuck-{role}.png"))
                    seen = page.evaluate(VISIBLE_TEXTS)
                    raise AssertionError(
                        _replay(role, ACTIONS - 1, walk)
                        + f"\nafterwards, stuck at {step}: {type(exc).__name__}: "
                        + f"{str(exc)[:300]}\non screen: {seen}"
                        + "\nthe browser said:\n"
                        + "\n".join(e[:500] for e in errors[-20:])
                        + "\nthe tablet's last redraws and actions:\n"
                        + "\n".join(app.log.read_text(errors="replace").splitlines()[-40:])
                    ) from None
            finally:
                close(page)
    finally:
        app.stop()
        proxy.close()


def _went_home(app: Any, mark: int) -> bool:
    """Whether the tablet has drawn the home scene since `mark` (a place in its log: the
    redraws and actions `--trace-redraws` writes) because the top bar's home button was
    tapped (its handler is a lambda in app.py; a scene's own "back" goes home from its view)."""
    log = app.log.read_text(errors="replace")[mark:]
    return re.search(r"redraw home by app\.serve > app\.<lambda> > .*go_home", log) is not None


def _running(app: Any) -> int:
    """How many tablet actions are running now, by the last start or end in its log."""
    counts = RUNNING.findall(app.log.read_text(errors="replace"))
    return int(counts[-1]) if counts else 0


def _wait_for(condition: Callable[[], bool], app: Any) -> None:
    deadline = time.monotonic() + HANG_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened:\n{app.log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.05)


def _replay(role: str, n: int, walk: Walk, log: str = "") -> str:
    last = "\n".join(walk.done[-25:])
    return (
        f"the tablet broke as {role} at action {n + 1} "
        f"(REYON_MONKEY_SEED={SEED} REYON_MONKEY_ACTIONS={ACTIONS});"
        f" last actions:\n{last}\n{log}"
    )
