"""HMAC-signed compact tokens (the API's bearer tokens): app/qr/signing.py."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import string
from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from app.qr.signing import TokenError, sign, verify

# Two kinds of bearer-style token, to check that one is never accepted as the other.
IDENTITY_KIND = "id1"
COUPON_KIND = "cp1"

PROPERTY = settings(max_examples=200, deadline=None, database=None)

KEY = b"unit-test-key-0123456789abcdef!!"
OTHER_KEY = b"another-key-0123456789abcdef!!!!"
NOW = 1_800_000_000.0
FUTURE = 1_900_000_000
REASONS = {"malformed", "wrong_kind", "bad_signature", "expired"}
B64URL = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(kind: str, body: str, key: bytes = KEY) -> str:
    """A token with any body, correctly signed: the format written out independently."""
    mac = hmac.new(key, f"{kind}.{body}".encode(), hashlib.sha256).digest()
    return f"{kind}.{body}.{b64(mac)}"


def forge_claims(kind: str, claims: Any, key: bytes = KEY) -> str:
    return forge(kind, b64(json.dumps(claims).encode()), key)


def reason_of(token: str, kind: str = IDENTITY_KIND, key: bytes = KEY, now: float = NOW) -> str:
    with pytest.raises(TokenError) as caught:
        verify(token, kind, key, now=now)
    return caught.value.reason


# --- signing.sign / verify ------------------------------------------------------------------


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"c": 1, "exp": FUTURE},
        {"k": "HOSGELDIN10", "exp": FUTURE, "n": "ab12"},
        {"name": "Ayşe Yılmaz İğneci", "emoji": "🛍", "nested": {"a": [1, 2, None, True]}},
        {"exp": FUTURE + 0.5},
    ],
)
def test_round_trip(claims: dict[str, Any]) -> None:
    token = sign("id1", claims, KEY)
    assert verify(token, "id1", KEY, now=NOW) == claims


def test_token_shape_and_format() -> None:
    token = sign("id1", {"c": 5, "exp": FUTURE}, KEY)
    kind, body, sig = token.split(".")
    assert kind == "id1"
    assert json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))) == {
        "c": 5,
        "exp": FUTURE,
    }
    assert "=" not in token
    assert set(body + sig) <= set(B64URL)
    assert len(sig) == 43  # SHA-256, unpadded base64url
    # independent re-implementation gives the same token
    assert token == forge(kind, body)


def test_signing_is_deterministic_and_key_order_independent() -> None:
    assert sign("k", {"a": 1, "b": 2}, KEY) == sign("k", {"b": 2, "a": 1}, KEY)


def test_wrong_key_is_bad_signature() -> None:
    token = sign("id1", {"c": 1, "exp": FUTURE}, KEY)
    assert reason_of(token, key=OTHER_KEY) == "bad_signature"
    assert reason_of(token, key=b"") == "bad_signature"


def test_wrong_kind() -> None:
    token = sign("cp1", {"k": "X", "exp": FUTURE}, KEY)
    assert reason_of(token, kind="id1") == "wrong_kind"


def test_kind_is_signed_so_relabelling_fails() -> None:
    token = sign("cp1", {"c": 1, "exp": FUTURE}, KEY)
    relabelled = "id1" + token.removeprefix("cp1")
    assert reason_of(relabelled, kind="id1") == "bad_signature"


def test_tampered_body_is_bad_signature() -> None:
    token = sign("id1", {"c": 1, "exp": FUTURE}, KEY)
    kind, _, sig = token.split(".")
    other_body = b64(json.dumps({"c": 2, "exp": FUTURE}).encode())
    assert reason_of(f"{kind}.{other_body}.{sig}") == "bad_signature"


@pytest.mark.parametrize(
    ("exp", "now", "ok"),
    [
        (FUTURE, NOW, True),
        (NOW + 0.001, NOW, True),
        (int(NOW) + 1, NOW, True),
        (NOW, NOW, False),  # exp is exclusive
        (NOW - 1, NOW, False),
        (0, NOW, False),
        (-5, NOW, False),
    ],
)
def test_expiry(exp: float, now: float, ok: bool) -> None:
    token = sign("id1", {"exp": exp}, KEY)
    if ok:
        assert verify(token, "id1", KEY, now=now) == {"exp": exp}
    else:
        assert reason_of(token, now=now) == "expired"


@pytest.mark.parametrize("exp", ["soon", [FUTURE], {"t": FUTURE}, True, False])
def test_non_numeric_exp_is_refused(exp: Any) -> None:
    token = sign("id1", {"exp": exp}, KEY)
    assert reason_of(token) == "expired"


def test_no_exp_means_no_expiry_check_in_verify() -> None:
    token = sign("id1", {"c": 1}, KEY)
    assert verify(token, "id1", KEY, now=NOW) == {"c": 1}


@pytest.mark.parametrize(
    "token",
    [
        "",
        ".",
        "..",
        "...",
        "id1",
        "id1.abc",
        "id1.abc.def.ghi",
        "id1..def",
        ".abc.def",
        "id1.abc.",
        "id1.abc.A",  # 1 char of base64 can never be decoded
        "id1.abc.AAAAA",  # 5 chars: same
        "id1.abc.ÿÿÿÿ",  # non-ASCII signature
        "id1.abc.çğış",
        "id1.abc." + "A" * 5000,  # over the size limit
    ],
)
def test_malformed(token: str) -> None:
    assert reason_of(token) == "malformed"


@pytest.mark.parametrize(
    "body",
    [
        "!!!!",  # not base64
        "abc",  # decodes to garbage bytes, not UTF-8 JSON
        "A",  # undecodable length
        b64(b"\xff\xfe\x00"),  # invalid UTF-8
        b64(b"not json"),
        b64(b"[1, 2, 3]"),  # JSON, but not an object
        b64(b'"a string"'),
        b64(b"null"),
        b64(b"42"),
        b64(b"{"),
    ],
)
def test_correctly_signed_junk_body_is_malformed(body: str) -> None:
    assert reason_of(forge("id1", body)) == "malformed"


def test_oversized_but_validly_signed_token_is_malformed() -> None:
    token = sign("id1", {"pad": "x" * 4000, "exp": FUTURE}, KEY)
    assert len(token) > 4096
    assert reason_of(token) == "malformed"


def test_token_error_carries_reason() -> None:
    err = TokenError("expired")
    assert err.reason == "expired"
    assert isinstance(err, ValueError)
    assert str(err) == "expired"


# --- robustness: nothing but TokenError, and no mutation forges different claims -----------


def _only_token_errors(token: str) -> None:
    for call in (lambda: verify(token, IDENTITY_KIND, KEY, now=NOW),):
        try:
            call()
        except TokenError as exc:
            assert exc.reason in REASONS


token_like = st.builds(
    lambda kind, body, sig, sep: sep.join([kind, body, sig]),
    st.sampled_from([IDENTITY_KIND, COUPON_KIND, "x", ""]),
    st.text(alphabet=B64URL + "=+/!", max_size=30),
    st.text(alphabet=B64URL + "=+/!", max_size=50),
    st.sampled_from([".", "..", ""]),
)


@given(st.one_of(st.text(max_size=80), token_like))
@example("id1.abc.AAAA")
@example("id1." + "A" * 5000 + ".AAAA")
@PROPERTY
def test_arbitrary_text_raises_only_token_error(text: str) -> None:
    _only_token_errors(text)


IDENTITY_CLAIMS = {"c": 4242, "exp": FUTURE, "n": "0badf00d"}
VALID = sign(IDENTITY_KIND, IDENTITY_CLAIMS, KEY)


def _mutation_never_forges(mutated: str) -> None:
    assume(mutated != VALID)
    try:
        claims = verify(mutated, IDENTITY_KIND, KEY, now=NOW)
    except TokenError as exc:
        assert exc.reason in REASONS
    else:
        # Only a differently-encoded *signature* could ever still verify: kind and body are
        # untouched and the claims are the very same.
        assert claims == IDENTITY_CLAIMS
        assert mutated.split(".")[:2] == VALID.split(".")[:2]
    _only_token_errors(mutated)


@given(
    st.integers(0, len(VALID) - 1),
    st.one_of(st.sampled_from(B64URL + ".=+/!~ \n"), st.characters()),
)
@PROPERTY
def test_flipping_one_character_never_forges(position: int, char: str) -> None:
    _mutation_never_forges(VALID[:position] + char + VALID[position + 1 :])


@given(st.integers(0, len(VALID) - 1))
@PROPERTY
def test_truncating_never_verifies(cut: int) -> None:
    with pytest.raises(TokenError):
        verify(VALID[:cut], IDENTITY_KIND, KEY, now=NOW)
    _only_token_errors(VALID[:cut])


@given(st.integers(0, len(VALID)), st.text(min_size=1, max_size=4))
@PROPERTY
def test_inserting_characters_never_forges(position: int, extra: str) -> None:
    _mutation_never_forges(VALID[:position] + extra + VALID[position:])


@given(st.integers(0, len(VALID) - 1))
@PROPERTY
def test_deleting_one_character_never_verifies(position: int) -> None:
    with pytest.raises(TokenError):
        verify(VALID[:position] + VALID[position + 1 :], IDENTITY_KIND, KEY, now=NOW)


# --- regressions: bugs found by these tests and fixed --------------------------------------

# verify() encodes the body with str.encode() outside its try block, so a lone surrogate in the
# token (reachable: FastAPI parses JSON bodies with json.loads, which accepts "\ud800") escapes
# as UnicodeEncodeError instead of TokenError -> a 500 from POST /v1/customers/identify.
SURROGATE_TOKENS = ["id1.\ud800.AAAA", "id1.ab\udcffc.AAAA", "cp1.\ud800.AAAA"]


@pytest.mark.parametrize("token", SURROGATE_TOKENS)
def test_lone_surrogate_is_a_token_error(token: str) -> None:
    kind = token.split(".")[0]
    with pytest.raises(TokenError):
        verify(token, kind, KEY, now=NOW)


# The signature is decoded with the lenient base64.urlsafe_b64decode, which ignores the two
# spare bits of the last character, accepts "+" and "/" for "-" and "_", skips characters
# outside the alphabet and tolerates stray "=". So one token has endless valid spellings.
# Nothing here forges new claims, but the token string is not canonical: anything keyed on it
# (replay or revocation lists, rate limits, log correlation, a future one-time QR) is bypassed.


def _token_with_sig_containing(chars: str) -> tuple[str, str, str]:
    for n in range(1000):
        token = sign(IDENTITY_KIND, {"c": 7, "exp": FUTURE, "n": str(n)}, KEY)
        kind, body, sig = token.split(".")
        if any(c in sig[:-1] for c in chars):
            return kind, body, sig
    raise AssertionError("no such token")  # pragma: no cover


def _equivalent_last_chars(sig: str) -> list[str]:
    value = B64URL.index(sig[-1])
    return [B64URL[v] for v in range(64) if v >> 2 == value >> 2 and v != value]


def _signature_variants() -> list[str]:
    kind, body, sig = _token_with_sig_containing("-_")
    variants = [sig[:-1] + c for c in _equivalent_last_chars(sig)]
    variants.append(sig.replace("-", "+").replace("_", "/"))
    variants += [sig + "=", sig + "==", "==" + sig, sig + "!!", sig[:5] + "!!" + sig[5:]]
    return [f"{kind}.{body}.{v}" for v in variants]


@pytest.mark.parametrize("token", _signature_variants())
def test_only_the_canonical_signature_verifies(token: str) -> None:
    with pytest.raises(TokenError):
        verify(token, IDENTITY_KIND, KEY, now=NOW)
