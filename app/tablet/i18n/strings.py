"""The tablet's words. Keys are English snake_case; every key exists in both languages
(tests/unit/test_tablet_i18n.py checks). tr.py and en.py hold the words most scenes share;
a scene with many words of its own keeps them in words_<scene>.py, both languages side by
side, so whoever changes a scene changes its words in one file."""

from __future__ import annotations

from app.tablet.i18n import (
    words_appointments,
    words_basket,
    words_clienteling,
    words_customer,
    words_look,
    words_prepare,
    words_product,
    words_recommendations,
    words_returns,
    words_store_side,
    words_transfers,
)
from app.tablet.i18n.en import EN
from app.tablet.i18n.tr import TR

_SCENES = (
    words_appointments,
    words_basket,
    words_clienteling,
    words_customer,
    words_look,
    words_prepare,
    words_product,
    words_recommendations,
    words_returns,
    words_store_side,
    words_transfers,
)


def _merged(base: dict[str, str], lang: str) -> dict[str, str]:
    words = dict(base)
    for scene in _SCENES:
        extra: dict[str, str] = getattr(scene, lang.upper())
        twice = words.keys() & extra.keys()
        if twice:  # one key, one meaning: a scene may not quietly reword another's key
            raise RuntimeError(f"{scene.__name__} redefines {sorted(twice)}")
        words.update(extra)
    return words


STRINGS: dict[str, dict[str, str]] = {"tr": _merged(TR, "tr"), "en": _merged(EN, "en")}
