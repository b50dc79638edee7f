"""A look made in the evening waits for the morning in the store's zone (issue 15), and the
WhatsApp link carries the text as one query parameter."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from app.domain.outreach import not_before
from app.server.outreach.views import whatsapp_url

IST = ZoneInfo("Europe/Istanbul")


def test_a_look_made_at_23_waits_for_09_next_morning() -> None:
    made = datetime(2025, 3, 14, 23, 0, tzinfo=IST).astimezone(UTC)
    assert not_before(made, "Europe/Istanbul") == datetime(2025, 3, 15, 9, 0, tzinfo=IST)
    assert not_before(made, "Europe/Istanbul").tzinfo == UTC


def test_a_look_made_after_midnight_waits_for_09_the_same_morning() -> None:
    made = datetime(2025, 3, 15, 2, 30, tzinfo=IST).astimezone(UTC)
    assert not_before(made, "Europe/Istanbul") == datetime(2025, 3, 15, 9, 0, tzinfo=IST)


def test_a_look_made_in_the_day_goes_at_once() -> None:
    made = datetime(2025, 3, 14, 20, 59, tzinfo=IST).astimezone(UTC)
    assert not_before(made, "Europe/Istanbul") == made


def test_whatsapp_url_is_digits_and_one_encoded_text() -> None:
    url = whatsapp_url("+90 532 111 22 33", "Merhaba & hoş geldiniz?\nhttps://x/l/RY1LA?b=1")
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("wa.me", "/905321112233")
    assert parse_qs(parts.query) == {"text": ["Merhaba & hoş geldiniz?\nhttps://x/l/RY1LA?b=1"]}
