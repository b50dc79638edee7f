"""A new tablet enrolled in the store with the manager's one-time code, in a real browser;
the manager's tablets-and-staff scene, Turkish and English, landscape and portrait."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import PORTRAIT, by_id, close, log_in, open_app, shot, type_into
from tests.server import ApiProcess, start_tablet


def _manager_code(page: Any) -> str:
    log_in(page, "demo-manager")
    by_id(page, "nav-manager").click()
    by_id(page, "team").click()
    by_id(page, "make-code").click()
    code = by_id(page, "enrol-code")
    code.wait_for()
    text = code.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", text), text
    return text


def test_a_new_tablet_enrols_with_the_managers_code(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, tmp_path: Path, screenshot_dir: Path
) -> None:
    manager = open_app(browser, tablet.url)
    fresh_app = start_tablet(demo_world.url, log_dir=tmp_path, device=None)
    fresh = None
    try:
        code = _manager_code(manager)
        manager.get_by_text("Tabletler ve personel", exact=False).first.wait_for()
        shot(manager, screenshot_dir / "tablet-team.png")

        # The new tablet is opened once the manager is done, as two people would: its code
        # field takes the focus as it opens (autofocus), which Flutter gives to a hidden
        # editing input, not the field's own, when the page is not the active one or the
        # accessibility tree is not yet on (open_app switches it on before the first scene).
        fresh = open_app(browser, fresh_app.url, viewport=PORTRAIT)
        # Before enrolment there is no log-in at all: the enrolment scene, in Turkish.
        fresh.get_by_text("Tableti mağazaya kaydet").wait_for()
        type_into(fresh, "Kayıt kodu", "ZZZZ-ZZZZ")
        by_id(fresh, "enrol").click()
        fresh.get_by_text("Kod tanınmadı", exact=False).wait_for()
        type_into(fresh, "Kayıt kodu", "Q" * 32)  # the longest the field takes
        by_id(fresh, "enrol").click()
        fresh.get_by_text("Kod tanınmadı", exact=False).wait_for()
        shot(fresh, screenshot_dir / "tablet-portrait-enrol.png")
        type_into(fresh, "Kayıt kodu", code.replace("-", " "))  # as people copy it
        type_into(fresh, "Tablet adı (isteğe bağlı)", "Kasa 4")
        by_id(fresh, "enrol").click()
        fresh.get_by_role("button", name="Giriş").wait_for()
        log_in(fresh, "demo-associate")

        # The manager sees the new tablet by its name; in English too.
        by_id(manager, "back").click()
        by_id(manager, "team").click()
        manager.get_by_text("Kasa 4", exact=False).wait_for()
        by_id(manager, "language").click()
        manager.get_by_text("Tablets and staff", exact=False).first.wait_for()
        manager.get_by_text("Enrol a tablet", exact=False).first.wait_for()
    finally:
        if fresh is not None:
            close(fresh)
        close(manager)
        fresh_app.stop()
