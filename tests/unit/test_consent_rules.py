"""The consent texts and the code message (app/domain/consent.py)."""

from __future__ import annotations

from app.domain import consent


def test_every_text_version_has_both_languages() -> None:
    assert consent.known_version(consent.TEXT_VERSION)
    assert not consent.known_version("") and not consent.known_version("1999-01")
    for version, texts in consent.TEXTS.items():
        assert set(texts) == {"tr", "en"} and all(len(t) > 100 for t in texts.values()), version
    assert "açık rıza" in consent.consent_text("tr")
    assert "explicit consent" in consent.consent_text("en")
    assert consent.consent_text("de") == consent.consent_text("tr")  # unknown: Turkish


def test_the_code_message_names_the_store_the_code_and_its_lifetime() -> None:
    tr = consent.code_message("tr", store="Nişantaşı", code="012345")
    en = consent.code_message("en", store="Nişantaşı", code="012345")
    for text in (tr, en):
        assert "Nişantaşı" in text and "012345" in text and "10" in text
        assert len(text) < 320  # two SMS segments at most, even with Turkish letters
    assert "dakika" in tr and "minutes" in en
    assert consent.code_subject("en") != consent.code_subject("tr")


def test_tries_left() -> None:
    assert [consent.tries_left(n) for n in range(7)] == [5, 4, 3, 2, 1, 0, 0]
