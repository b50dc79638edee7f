"""The tablet's words. Keys are English snake_case; every key exists in both languages
(tests/unit/test_tablet_i18n.py checks)."""

from __future__ import annotations

from app.tablet.i18n.en import EN
from app.tablet.i18n.tr import TR

STRINGS: dict[str, dict[str, str]] = {"tr": TR, "en": EN}
