"""The pickup code (app/qr/pickup.py): round trip, key rotation, every refusal with its reason,
and property tests that no input crashes the parser and no edit forges another order's code."""

from __future__ import annotations

import contextlib
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.qr import paylink, pickup
from app.qr.envelope import PREFIX, TokenError
from app.qr.images import qr_version
from app.qr.keys import KeyRing

PROPERTY = settings(max_examples=300, deadline=None, database=None)
NOW = 1_800_000_000.0
RING = KeyRing(
    {"A": b"unit-test-secret-0123456789abcdef", "B": b"second-key-0123456789abcdefgh"}, "B"
)
OTHER = KeyRing({"B": b"another-brand-secret-0123456789ab"}, "B")


def reason(payload: str, ring: KeyRing = RING, now: float = NOW) -> str:
    with pytest.raises(TokenError) as caught:
        pickup.verify_pickup_code(ring, payload, now=now)
    return caught.value.reason


def test_round_trip_names_the_order_and_expires() -> None:
    payload, code = pickup.issue_pickup_code(RING, 4242, now=NOW)
    assert payload.startswith(PREFIX + pickup.KIND + "B")
    assert pickup.verify_pickup_code(RING, payload, now=NOW) == code
    assert code.order_id == 4242 and code.expires_at == int(NOW) + pickup.TTL_SECONDS
    # Scanners may hand it over in lower case or with a trailing newline.
    assert pickup.verify_pickup_code(RING, payload.lower() + "\n", now=NOW).order_id == 4242
    assert reason(payload, now=code.expires_at) == "expired"
    # Small enough for a small QR code, all in the alphanumeric set.
    assert set(payload) <= set(string.ascii_uppercase + string.digits)
    assert qr_version(payload) <= 4


def test_codes_made_with_an_old_key_verify_while_it_is_in_the_ring() -> None:
    old = pickup.make_pickup_code(KeyRing(RING.secrets, "A"), 7, now=NOW)
    assert pickup.verify_pickup_code(RING, old, now=NOW).order_id == 7
    assert reason(old, KeyRing({"B": RING.secrets["B"]}, "B")) == "unknown_key"


def test_forged_and_foreign_codes_are_refused() -> None:
    assert reason(pickup.make_pickup_code(OTHER, 7, now=NOW)) == "bad_signature"
    # A pay link for the same order carries the same numbers but is no pickup code.
    pay = paylink.make_pay_token(RING, 7, now=NOW)
    assert reason(pay) == "wrong_kind"
    assert reason(pay.replace(PREFIX + paylink.KIND, PREFIX + pickup.KIND, 1)) == "bad_signature"
    assert reason("") == "malformed"
    assert reason(PREFIX + pickup.KIND) == "malformed"
    assert reason("8690000000017") == "malformed"


@given(st.text(max_size=120))
@PROPERTY
def test_no_input_crashes_the_parser(text: str) -> None:
    with contextlib.suppress(TokenError):
        pickup.verify_pickup_code(RING, text, now=NOW)


@given(st.data())
@PROPERTY
def test_no_single_edit_forges_another_code(data: st.DataObject) -> None:
    payload = pickup.make_pickup_code(RING, 4242, now=NOW)
    at = data.draw(st.integers(len(PREFIX) + 2, len(payload) - 1))
    letter = data.draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
    edited = payload[:at] + letter + payload[at + 1 :]
    if edited == payload:
        return
    with pytest.raises(TokenError):
        pickup.verify_pickup_code(RING, edited, now=NOW)
