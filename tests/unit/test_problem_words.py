"""Every problem the API can answer with, every coupon refusal and every scan refusal has words
in Turkish and English, and the API's English `detail` never reaches a Turkish screen.

The problem types are read from the server's source, not listed here: a new type without
words fails this test."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from app.contracts.scan import Refusal, ScanKind
from app.domain.coupons import Refusal as CouponRefusal
from app.qr.envelope import Reason
from app.tablet.i18n import chars_left, sizes_text
from app.tablet.i18n.problem_texts import KINDS, REASONS, SCANS, STATUSES
from app.tablet.i18n.problems import problem_words, reason_words, scan_words

ROOT = Path(__file__).resolve().parents[2]
# The API and the domain errors its services raise; seed data is not a problem.
SOURCES = [
    *(p for p in (ROOT / "app" / "server").rglob("*.py") if "seed" not in p.parts),
    *(ROOT / "app" / "domain").glob("*.py"),
]
KIND = r"[a-z]+(?:-[a-z]+)*"
# Problems are raised as a call whose arguments start with the type, then a title in words,
# sometimes after a status: `ApiError(409, "out-of-stock", "Not enough stock", ...)`,
# `Conflict("already-voided", "Already voided")`, `super().__init__("out-of-stock", ...)`,
# `"coupon-used-up" if used_up else "coupon-not-applicable", "Coupon ..." if ...`,
# `f"coupon-token-{exc.reason...}"`, and the mapping `{400: ("bad-request", "Bad request")}`.
_RAISED = re.compile(
    r"\(\s*(?:\d{3}(?:\s+if\s+[^,]+?\s+else\s+\d{3})?\s*,\s*)?"
    r"(f?\"[a-z][^\"]*\"(?:\s+if\s+[\w.]+\s+else\s+\"[^\"]*\")?)\s*,\s*f?\"[A-Z{]"
)
# Domain errors that name their type: `kind = "out-of-stock"`, `kind="out-of-stock"`.
_NAMED = re.compile(r"\bkind\s*(?::[^=\n]+)?=\s*\"(" + KIND + r"-" + KIND + r")\"")
_LITERAL = re.compile(r"f?\"([^\"]*)\"")
_TOKEN_REASONS = [r.replace("_", "-") for r in get_args(Reason)]


def _server_kinds() -> dict[str, set[str]]:
    """Each problem type the server source can emit -> the English text near it (its title
    and detail, as far as they are literals)."""
    found: dict[str, set[str]] = {}
    for path in SOURCES:
        source = path.read_text()
        for match in _RAISED.finditer(source):
            texts = {
                t
                for t in _LITERAL.findall(source[match.end() - 2 : match.end() + 500])
                if len(t) > 8
            }
            for literal in _LITERAL.findall(match.group(1)):
                if "{" in literal:  # f"coupon-token-{exc.reason...}": one per token reason
                    prefix = literal.split("{", 1)[0]
                    kinds = [prefix + r for r in _TOKEN_REASONS]
                else:
                    kinds = [literal]
                for kind in kinds:
                    if re.fullmatch(KIND, kind):
                        found.setdefault(kind, set()).update(texts)
        for kind in _NAMED.findall(source):
            found.setdefault(kind, set())
    return found


SERVER_KINDS = _server_kinds()


def test_the_source_scan_still_finds_the_problem_types() -> None:
    # If the server's way of raising problems changes shape, teach the patterns above.
    assert len(SERVER_KINDS) >= 40, sorted(SERVER_KINDS)
    for kind in ("out-of-stock", "not-found", "validation", "coupon-not-applicable",
                 "identity-token-expired", "coupon-token-bad-signature", "bad-request",
                 "messaging-unavailable", "offline-redemption-lost", "too-many-requests"):  # fmt: skip
        assert kind in SERVER_KINDS, kind
    # The scan found English to compare with, for most of them.
    assert sum(1 for texts in SERVER_KINDS.values() if texts) >= 30


@pytest.mark.parametrize("kind", sorted(SERVER_KINDS))
def test_every_server_problem_type_has_words_in_both_languages(kind: str) -> None:
    english_api = {t.strip() for t in SERVER_KINDS[kind]}
    tr = problem_words("tr", kind)
    en = problem_words("en", kind)
    assert tr and en and tr != en
    assert tr not in english_api and en not in english_api
    for text in english_api:
        if len(text) >= 12:
            assert text not in tr, (kind, text)
    # Words for the type itself, not the generic fallback of its status.
    generic = {problem_words("tr", None, status=s) for s in (400, 404, 409, 422, 500, None)}
    assert tr not in generic or kind in {
        "bad-request",
        "not-found",
        "validation",
        "internal-error",
        "unauthorized",
        "forbidden",
        "too-many-requests",
        "database-unavailable",
    }


def test_every_entry_has_both_languages_and_they_differ() -> None:
    for table in (KINDS, REASONS, SCANS, STATUSES):
        for key, words in table.items():
            assert set(words) == {"tr", "en"}, key
            for lang in ("tr", "en"):
                assert words[lang] and all(t.strip() for t in words[lang]), (key, lang)
            assert words["tr"] != words["en"], key
            fields = [set(re.findall(r"{(\w+)}", t)) for t in (*words["tr"], *words["en"])]
            assert fields[0] == set(re.findall(r"{(\w+)}", words["en"][0])), key


def test_every_coupon_refusal_reason_has_words() -> None:
    offline = (ROOT / "app/server/promotions/offline.py").read_text()
    loss_reasons = set(re.findall(r"=\s*\"(offline_[a-z_]+)\"", offline))
    assert loss_reasons, "the pattern no longer finds the offline loss reasons"
    for reason in [r.value for r in CouponRefusal] + sorted(loss_reasons):
        assert reason in REASONS, reason
        tr, en = reason_words("tr", reason), reason_words("en", reason)
        assert tr and en and tr != en
        assert "_" not in tr + en  # no raw codes


def test_the_till_no_longer_shows_raw_codes() -> None:
    tr = problem_words("tr", "coupon-not-applicable", reasons=["not_owner", "customer_required"])
    assert "not_owner" not in tr and "customer_required" not in tr
    assert "başka bir müşteriye ait" in tr and "müşteriyi tanıtın" in tr
    # The reasons carried by the problem itself count when none are given.
    same = problem_words("tr", "coupon-not-applicable", extra={"reasons": ["not_owner"]})
    assert "başka bir müşteriye ait" in same
    # "Used up" is not said twice.
    used = problem_words("en", "coupon-used-up", extra={"reasons": ["used_up"]})
    assert used.count("used") == 1


@pytest.mark.parametrize("scanned", get_args(ScanKind))
@pytest.mark.parametrize("reason", [*get_args(Refusal), "not_found"])
def test_every_scan_refusal_has_words(scanned: str, reason: str) -> None:
    tr, en = scan_words("tr", scanned, reason), scan_words("en", scanned, reason)
    assert tr and en and tr != en
    assert "_" not in tr + en  # no raw codes


def test_the_expired_identity_code_reads_in_turkish() -> None:
    tr = problem_words("tr", "https://reyon.dev/problems/identity-token-expired")
    assert "süresi doldu" in tr
    assert "expired" not in tr
    assert "expired" in problem_words("en", "identity-token-expired")


def test_members_named_in_the_sentence_are_checked() -> None:
    assert "30 sn" in problem_words("tr", "too-many-requests", extra={"retry_after": 30})
    assert "{" not in problem_words("tr", "too-many-requests")
    assert "3 deneme" in problem_words("tr", "consent-code-wrong", extra={"tries_left": 3})
    assert "RY-1-LAC-M" in problem_words("tr", "out-of-stock", extra={"sku": "RY-1-LAC-M"})
    hostile = problem_words("tr", "out-of-stock", extra={"sku": "<b>not available at</b>"})
    assert "not available" not in hostile and "{" not in hostile
    assert "Kargoda" in problem_words(
        "tr", "order-not-cancellable", extra={"status_now": "shipped"}
    )
    assert "shipped" not in problem_words(
        "tr", "order-not-cancellable", extra={"status_now": "weird"}
    )
    lost = problem_words("tr", "offline-redemption-lost", extra={"reason": "used_up"})
    assert "Kupon zaten kullanılmış." in lost


def test_unknown_types_fall_back_by_status() -> None:
    by_status = {s: problem_words("tr", "no-such-kind", status=s) for s in (404, 409, 418, 502)}
    assert len(set(by_status.values())) == 4
    assert by_status[418] == problem_words("tr", None, status=400 + 18)
    assert by_status[502] == problem_words("tr", "", status=500)
    for text in by_status.values():
        assert "no-such-kind" not in text
    assert problem_words("tr", "no-such-kind") == problem_words("tr", None)
    assert problem_words("en", "no-such-kind", status=404) == problem_words("en", "not-found")
    offline = problem_words("tr", "anything", offline=True)
    assert offline == problem_words("tr", "offline") == problem_words("tr", "x", status=0)
    assert problem_words("xx", "not-found") == problem_words("tr", "not-found")


def test_sizes_and_counter_in_words() -> None:
    sizes = {"shoe": "38", "top": "M", "bottom": "32"}
    assert sizes_text("tr", sizes) == "Üst: M, Alt: 32, Ayakkabı: 38"
    assert sizes_text("en", sizes) == "Top: M, Bottom: 32, Shoes: 38"
    assert "hat" not in sizes_text("tr", {"hat": "L"})
    assert chars_left("tr", 2000) == "2.000 karakter kaldı"
    assert chars_left("en", 2000) == "2,000 characters left"
    assert chars_left("en", 1) == "1 character left"
