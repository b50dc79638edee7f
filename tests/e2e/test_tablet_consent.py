"""Asking a customer for consent on the tablet, in a real browser against the demo API: the
customer found by phone is masked; the panel shows the consent text and sends a code to the
phone on file; a wrong code says how many tries are left; the right one opens the customer.
A customer who just showed their app's QR code consents with that scan."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from app.server.db import Database, make_engine
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import by_id, close, log_in, open_app, shot, submit, type_into
from tests.server import ApiProcess


def test_a_searched_customer_consents_by_reading_back_a_code(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    phone = factories.unique("+905553")
    db = Database(make_engine(demo_world.database_url))
    try:
        customer = factories.customer(db, phone=phone)  # Zeynep Demir, no consent
        visitor = factories.customer(db)  # no consent either, nothing on file
        identity = factories.identity_code(db, visitor)
    finally:
        db.dispose()
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-associate")
        type_into(page, "Müşteri ara (telefon, e-posta, sadakat no)", phone)
        submit(page, "Müşteri ara (telefon, e-posta, sadakat no)")
        by_id(page, f"result-{customer}").click()
        by_id(page, "consent-panel").wait_for()
        assert "açık rıza" in by_id(page, "consent-text").inner_text()
        send = by_id(page, "consent-send-sms")
        assert phone[-2:] in send.inner_text() and phone[3:9] not in send.inner_text()
        assert send.bounding_box()["height"] >= 48
        shot(page, screenshot_dir / "tablet-consent-ask.png")
        send.click()
        page.get_by_text(re.compile("Kod gönderildi")).wait_for()
        assert demo_world.api.sms_outbox is not None
        [text] = [
            line["text"]
            for line in map(json.loads, demo_world.api.sms_outbox.read_text().splitlines())
            if line["to"] == phone
        ]
        [code] = re.findall(r"\b[0-9]{6}\b", text)
        shot(page, screenshot_dir / "tablet-consent.png")

        field = "Müşterinin söylediği kod (6 hane)"
        type_into(page, field, f"{(int(code) + 1) % 10**6:06d}")
        by_id(page, "consent-confirm").click()
        by_id(page, "consent-tries-left").wait_for()
        assert "4 deneme" in by_id(page, "consent-tries-left").inner_text()

        type_into(page, field, code)
        by_id(page, "consent-confirm").click()
        by_id(page, "customer-name").wait_for()
        assert by_id(page, "customer-name").inner_text() == "Zeynep Demir"
        page.get_by_text("Onaylı müşteri").wait_for()

        # A customer who shows their app's QR code: that scan is the proof.
        by_id(page, "back").click()
        type_into(page, "QR veya barkodu okutun ya da kodu yazın", identity)
        submit(page, "QR veya barkodu okutun ya da kodu yazın")
        by_id(page, "consent-visit").wait_for()
        page.get_by_text("QR ile tanımlandı").wait_for()
        by_id(page, "record-consent").click()
        page.get_by_text("Onay kaydedildi.").wait_for()
        page.get_by_text("Onaylı müşteri").wait_for()
        assert by_id(page, "consent-visit").count() == 0
    finally:
        close(page)
