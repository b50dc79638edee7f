"""Driving the tablet app in Chromium: open it, find controls by their stable identifiers,
type into Flutter's text fields, log in."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

TABLET = {"width": 1280, "height": 800}
# Every wait is for a condition (a scene, a text, a value); this bounds them, and only a real
# hang reaches it, however busy the machine.
HANG_MS = 300_000
SETTLE_TRIES = 60
PORTRAIT = {"width": 800, "height": 1280}


def open_app(
    browser: Any, url: str, *, viewport: dict[str, int] = TABLET, requests: list[str] | None = None
) -> Any:
    """`requests`, when given, collects the address of every request the page makes."""
    context = browser.new_context(viewport=viewport, locale="tr-TR", permissions=["camera"])
    context.set_default_timeout(HANG_MS)
    if requests is not None:
        context.on("request", lambda r: requests.append(r.url))
    context.add_init_script(_SEMANTICS_ON)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#loading", state="detached")
    page.wait_for_selector("flt-semantics", state="attached")
    return page


# Flutter's accessibility tree (roles, names and identifiers for selectors) is switched on by a
# click on its placeholder, given here in the page itself as soon as the engine makes the
# placeholder, before the app can draw a scene. Switched on from the test after the page had
# loaded, it raced the first scene: a field that took the focus as it was drawn (the enrolment
# code's autofocus) was given to a hidden editing input, and a click on the field's own input
# then never focused it (reproduced every time with the click five seconds late).
_SEMANTICS_ON = """
new MutationObserver((_, observer) => {
    const placeholder = document.querySelector("flt-semantics-placeholder");
    if (placeholder) {
        observer.disconnect();
        placeholder.click();
    }
}).observe(document, {childList: true, subtree: true});
"""


def type_into(page: Any, label: str, text: str) -> None:
    """Click first: Flutter creates the real <input> for a field when it gains focus. Then wait
    until it has the focus (text filled in before that is shown but never reaches the app),
    fill, and wait until the input holds exactly the text before going on."""
    # Several pages share one browser (a manager's tablet and a new one): Flutter blurs a
    # field as soon as it gets the focus in a page that is not the active one.
    page.bring_to_front()
    box = page.get_by_role("textbox", name=label)
    # A field that has just arrived with its scene (going home from another scene) takes a
    # tap only once Flutter has drawn the frames that made it: a tap in the same frame is
    # lost, and the field then never gets the focus.
    box.wait_for()
    frames(page, 2)
    box.click()
    # The locator again, not a handle taken before: the field's element may be rebuilt.
    expect(box).to_be_focused(timeout=HANG_MS)
    # The browser focuses the <input> at once; Flutter takes the tap into its field over the
    # next frames and then writes its own text into the input. Text filled before that is
    # written over (a code once typed became the field's old value again).
    frames(page, 2)
    box.fill(text)
    # The field as it is now, not the element filled: a redraw may have made it again (a
    # handle on the old one then waits forever), and the new one must hold the text too.
    expect(box).to_have_value(text, timeout=HANG_MS)


def submit(page: Any, label: str) -> None:
    """Press Enter in the field and wait until the scene it asked for has replaced the one it
    was typed in (the field's element leaves the page): the next code typed meanwhile would
    go into a field about to be replaced, and be lost with it."""
    field = page.get_by_role("textbox", name=label).element_handle()
    page.keyboard.press("Enter")
    page.wait_for_function("e => !e.isConnected", arg=field, timeout=HANG_MS)


def choose(page: Any, identifier: str) -> None:
    """Tap a chip and wait until the page shows it chosen: the tap redraws the scene, and a
    tap on another control before that redraw arrives lands on the control it replaces, and
    is lost (a save tapped right after choosing a time never reached the app)."""
    by_id(page, identifier).click()
    # Flutter puts the checked state on the chip's node or on one inside it.
    chosen = 'xpath=descendant-or-self::*[@aria-checked="true"]'
    by_id(page, identifier).locator(chosen).first.wait_for()
    frames(page, 2)


def by_id(page: Any, identifier: str) -> Any:
    return page.locator(f'[flt-semantics-identifier="{identifier}"]')


def said(page: Any, words: str) -> Any:
    """Words on screen, whether Flutter reads them out as a text of their own or merged into
    their card's label (which it does for a card without buttons of its own)."""
    quoted = words.replace('"', '\\"')
    return page.locator(f'[aria-label*="{quoted}"], flt-semantics:text("{quoted}")').first


def enter_pin(page: Any, pin: str) -> None:
    """One digit at a time, each taken by the app (the dots say how many) before the next:
    a tap that lands while the pad is redrawn is lost."""
    digits = by_id(page, "pin-dots")
    taken = re.compile(r"PIN: (\d+) (hane|digits)")
    start = taken.search(digits.inner_text())
    done = int(start.group(1)) if start else 0
    for digit in pin:
        by_id(page, f"pin-{digit}").click()
        done += 1
        page.wait_for_function(
            "([e, n]) => new RegExp('PIN: ' + n + ' ').test(e.textContent)",
            arg=[digits.element_handle(), done],
        )


def log_in(page: Any, associate: str, pin: str = "1234", store: str = "IST01") -> None:
    """Store, associate, PIN, each confirmed by the screen before the next; then the home
    scene or, if the app answered with a message instead, that message in the failure."""
    type_into(page, "Mağaza kodu", store)
    type_into(page, "Personel kodu", associate)
    enter_pin(page, pin)
    page.get_by_role("button", name="Giriş").click()
    home = page.get_by_text("Son müşteriler")
    refused = page.get_by_text(_LOGIN_MESSAGES)
    home.or_(refused).first.wait_for()
    if not home.is_visible():
        raise AssertionError(f"log-in refused: {refused.first.inner_text()}")


# What the log-in scene says instead of going home (app/tablet/i18n/tr.py).
_LOGIN_MESSAGES = re.compile(
    "PIN hatalı|kilitlendi|Sunucuya ulaşılamıyor|personel kodu ve PIN|kayıtlı değil|Çok fazla"
)


def close(page: Any) -> None:
    page.context.close()


def frames(page: Any, n: int = 2) -> None:
    """Wait for the browser to draw `n` more frames."""
    page.evaluate(
        """n => new Promise(done => {
            const step = left => left ? requestAnimationFrame(() => step(left - 1)) : done();
            step(n);
        })""",
        n,
    )


def settled(target: Any, page: Any) -> bytes:
    """A screenshot of `target` (a page or a locator) once what is painted has stopped
    changing: Flutter paints a frame or two after the accessibility tree (what the selectors
    see) changed, and bars or images grow in over a few more."""
    last = target.screenshot()
    # Counted in frames, not seconds: something that never stops moving (a progress bar)
    # gives up after this many and keeps the last picture.
    for _ in range(SETTLE_TRIES):
        frames(page)
        now = target.screenshot()
        if now == last:
            return bytes(now)
        last = now
    return bytes(last)


def shot(page: Any, path: Any) -> None:
    """A screenshot of what is painted, once it has settled."""
    Path(path).write_bytes(settled(page, page))


def first_sync_done(cache_dir: Path, app: Any) -> None:
    """Wait until the tablet's first sync has filled its offline cache (`cache_dir`, the
    tablet's --data-dir). While a first sync of the demo's 105,000 stock rows runs on a loaded
    machine the tablet answers slowly and a tap or a field's focus can be lost (a scan typed
    then waited minutes for its product scene; the scan field of the recommendations walk
    never took the focus): the first sync's own problem to solve (issue 16), not one a walk
    about something else should stumble on at random. (A log-in or a tap on "sync now"
    during a first sync waited for all of it, and the sync held the app's other threads up to
    0.2-0.4 s at a time: no longer, see Offline.sync and cache/pull.py's _no_collection.)"""
    deadline = time.monotonic() + HANG_MS / 1000
    while time.monotonic() < deadline:
        for db in cache_dir.glob("*.db"):
            with (
                contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn,
                contextlib.suppress(sqlite3.Error),  # the table may not exist yet
            ):
                row = conn.execute(
                    "SELECT value FROM sync_state WHERE name = 'snapshot.done'"
                ).fetchone()
                if row is not None and row[0] == "1":
                    return
        time.sleep(0.2)  # between looks at a condition, not a wait for it
    raise AssertionError(f"the tablet's first sync never finished:\n{app.log.read_text()[-3000:]}")
