"""Every tablet string exists in Turkish and English, and every key the code uses exists."""

from __future__ import annotations

import re
from pathlib import Path

from app.tablet.i18n import money, t
from app.tablet.i18n.strings import STRINGS

TABLET = Path(__file__).resolve().parents[2] / "app" / "tablet"


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert STRINGS["tr"].keys() == STRINGS["en"].keys()
    for key in STRINGS["tr"]:
        fields = [set(re.findall(r"{(\w+)}", STRINGS[lang][key])) for lang in ("tr", "en")]
        assert fields[0] == fields[1], key


def test_every_literal_key_used_by_the_app_exists() -> None:
    used = set()
    for path in TABLET.rglob("*.py"):
        used |= set(re.findall(r"\bt\(\s*lang,\s*\"(\w+)\"\s*[,)]", path.read_text()))
        used |= set(re.findall(r"Notice\(\s*\"(\w+)\"", path.read_text()))
    assert used, "the pattern found nothing: it no longer matches the code"
    assert used <= STRINGS["tr"].keys(), used - STRINGS["tr"].keys()


def test_formatting() -> None:
    assert money(123450) == "1.234,50 TL"
    assert t("en", "points", points=12) == "12 points"
    assert t("xx", "log_in") == "Giriş"  # unknown language: Turkish
