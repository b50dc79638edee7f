"""Reading every word a scene shows in the browser, and telling a Turkish screen that slipped
into English (or the reverse) from one that shows data: a word counts as foreign when it is
in the other language's words of the tablet (app/tablet/i18n) and in none of this language's,
so product, customer and store names, which come from the data, are never counted."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from app.tablet.i18n.strings import STRINGS

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Words both languages use for the same thing, or that are names, not language.
_SHARED = {"reyon", "pin", "kdv", "sms", "qr", "api", "ean", "sku", "web", "online", "demo"}
# A code that reached the screen instead of words: snake_case such as not_owner.
RAW_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(re.sub(r"\{[^}]*\}", " ", text))}


@cache
def only_in(lang: str) -> frozenset[str]:
    """The words the tablet uses in `lang` and never in the other language."""
    other = "en" if lang == "tr" else "tr"
    mine = set().union(*(_words(v) for v in STRINGS[lang].values()))
    theirs = set().union(*(_words(v) for v in STRINGS[other].values()))
    return frozenset(mine - theirs - _SHARED)


def screen_texts(page: Any) -> list[str]:
    """Every text the accessibility tree gives: labels, values, tooltips, field names."""
    texts: list[str] = page.evaluate(
        """() => {
            const out = [];
            for (const e of document.querySelectorAll('flt-semantics, input, textarea')) {
                for (const a of ['aria-label', 'placeholder', 'title', 'aria-description']) {
                    const v = e.getAttribute(a);
                    if (v) out.push(v);
                }
                if (e.value) out.push(e.value);
                for (const c of e.childNodes) {
                    if (c.nodeType === Node.TEXT_NODE && c.textContent.trim()) {
                        out.push(c.textContent.trim());
                    }
                }
            }
            return out;
        }"""
    )
    return texts


def data_words(texts: Any) -> frozenset[str]:
    """The words of what the retailer and its associates wrote (product and store names,
    notes, campaigns): shown as written, in whichever language that was."""
    return frozenset().union(*(_words(str(x)) for x in texts if x))


def foreign_words(page: Any, lang: str, data: frozenset[str] = frozenset()) -> dict[str, str]:
    """{word: the text it was in} for each word of the other language on screen that is not
    a word of the data, and each raw code."""
    other = only_in("en" if lang == "tr" else "tr") - data
    found: dict[str, str] = {}
    for text in screen_texts(page):
        for word in _words(text) & other:
            found.setdefault(word, text[:120])
        for code in RAW_CODE.findall(text):
            found.setdefault(code, text[:120])
    return found
