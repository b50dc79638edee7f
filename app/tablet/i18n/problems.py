"""Words for whatever the API (or the network) refused, in the screen's language.

The API's `detail` is written in English for developers and logs; a Turkish screen must
never show it, nor a raw reason code like `not_owner`. State objects turn every refusal into
a sentence here: from the problem's type and status, the reasons it carries and the few
members worth naming (how long to wait, tries left, which SKU). Pure: no Flet, no HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from app.tablet.i18n.problem_texts import KINDS, REASONS, SCANS, STATUSES, Words
from app.tablet.i18n.strings import STRINGS

_LANGS = ("tr", "en")
_FIELD = re.compile(r"{(\w+)}")
_SKU = re.compile(r"[A-Za-z0-9._-]{1,40}")
# Problem types whose last part is a token refusal reason: identity-token-expired, ...
_TOKEN_KINDS = {"identity-token-": "identity", "coupon-token-": "coupon"}


class ProblemLike(Protocol):
    """What the tablet's ApiProblem carries (status 0: no connection)."""

    status: int
    kind: str
    extra: dict[str, Any]


def _lang(lang: str) -> str:
    return lang if lang in _LANGS else "tr"


def _pick(words: Words, lang: str, values: Mapping[str, object]) -> str:
    """The first template whose placeholders are all known, filled in."""
    for template in words[_lang(lang)]:
        if set(_FIELD.findall(template)) <= values.keys():
            return template.format(**values)
    return _FIELD.sub("", words[_lang(lang)][-1])


def _kind(kind: str | None) -> str:
    """`https://reyon.dev/problems/out-of-stock` or `out-of-stock` -> `out-of-stock`."""
    return (kind or "").strip().rsplit("/", 1)[-1].lower()


def reason_words(lang: str, reason: str) -> str:
    """One sentence for one coupon refusal reason (`not_owner`, `below_minimum`, ...), or a
    general one for a reason this tablet does not know yet."""
    return _pick(REASONS.get(reason, REASONS["refused"]), lang, {})


def scan_words(lang: str, scanned: str | None, reason: str | None) -> str:
    """Why a scanned code was not accepted: `scanned` is the scan's kind (identity, coupon,
    shelf, pay_link, ean13, sku, unknown), `reason` its refusal (expired, replayed,
    bad_signature, unknown_key, wrong_kind, malformed, not_found)."""
    reason = reason or "not_found"
    words = (
        SCANS.get((scanned or "*", reason)) or SCANS.get(("*", reason)) or SCANS[("*", "not_found")]
    )
    return _pick(words, lang, {})


def _values(lang: str, kind: str, extra: Mapping[str, Any]) -> dict[str, object]:
    """The members a sentence may name, checked: numbers as numbers, a SKU only when it looks
    like one, an order status in words. Anything else the API said stays out."""
    values: dict[str, object] = {}
    for name in ("retry_after", "tries_left", "max_days"):
        value = extra.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**6:
            values[name] = value
    sku = extra.get("sku")
    if isinstance(sku, str) and _SKU.fullmatch(sku):
        values["sku"] = sku
    status_now = extra.get("status_now")
    if isinstance(status_now, str) and f"status_{status_now}" in STRINGS["tr"]:
        values["status_now"] = STRINGS[_lang(lang)][f"status_{status_now}"]
    reason = extra.get("reason")
    if kind == "offline-redemption-lost" and isinstance(reason, str):
        values["reason_words"] = reason_words(lang, reason)
    return values


def _status_words(status: int | None) -> Words:
    if status is None:
        return STATUSES[""]
    key = str(status)
    if key in STATUSES:
        return STATUSES[key]
    if 400 <= status < 500:
        return STATUSES["4xx"]
    if status >= 500:
        return STATUSES["5xx"]
    return STATUSES[""]


def problem_words(
    lang: str,
    kind: str | None,
    *,
    reasons: Iterable[str] = (),
    status: int | None = None,
    offline: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """A whole sentence (or two) saying what went wrong and what to do, in `lang` ("tr" or
    "en"; anything else is Turkish).

    `kind` is the problem type's last segment or the whole `type` URL; `reasons` the refusal
    reasons a coupon problem lists (`extra["reasons"]` is read too when not given);
    `status` the HTTP status (0 or `offline=True`: no connection), used when the kind is
    unknown; `extra` the problem's other members."""
    extra = extra or {}
    name = _kind(kind)
    if offline or status == 0 or name == "offline":
        return _pick(KINDS["offline"], lang, {})
    for prefix, scanned in _TOKEN_KINDS.items():
        if name.startswith(prefix):
            return scan_words(lang, scanned, name.removeprefix(prefix).replace("-", "_"))
    words = KINDS.get(name) or _status_words(status)
    sentence = _pick(words, lang, _values(lang, name, extra))
    given = list(reasons) or [r for r in extra.get("reasons", ()) if isinstance(r, str)]
    # The headline already says "used up": repeat no reason it names.
    said = {"coupon-used-up": "used_up", "coupon-customer-limit": "customer_limit_reached"}
    more = [reason_words(lang, r) for r in dict.fromkeys(given) if r != said.get(name)]
    return " ".join([sentence, *dict.fromkeys(more)])


def problem_words_for(lang: str, problem: ProblemLike) -> str:
    """`problem_words` for the tablet's `ApiProblem` (or anything shaped like it)."""
    return problem_words(lang, problem.kind, status=problem.status, extra=problem.extra or {})
