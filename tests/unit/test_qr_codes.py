"""The four QR payload formats (app/qr/): round trips, every refusal with its reason, and
property tests that no input crashes a parser and no edit of a genuine code forges another."""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.domain.ean import make as make_ean
from app.qr import coupon, identity, paylink, shelf
from app.qr.classify import classify
from app.qr.envelope import TokenError, b32, unb32
from app.qr.keys import KeyRing

PROPERTY = settings(max_examples=300, deadline=None, database=None)
NOW = 1_800_000_000.0
RING = KeyRing(
    {"A": b"unit-test-secret-0123456789abcdef", "B": b"second-key-0123456789abcdefgh"}, "B"
)
OTHER = KeyRing({"B": b"another-brand-secret-0123456789ab"}, "B")
PHONE, PHONE_PUBLIC = identity.new_device_key()
STRANGER, _ = identity.new_device_key()
KEY_ID = 0x1234_5678_9ABC_DEF0 >> 1
BASE = "https://magaza.example.com"
REASONS = {"malformed", "wrong_kind", "bad_signature", "expired", "replayed", "unknown_key"}


def phone_keys(key_id: int) -> bytes | None:
    return PHONE_PUBLIC if key_id == KEY_ID else None


def a_coupon(**kw: object) -> coupon.CouponCode:
    fields: dict[str, object] = {
        "public_id": coupon.new_public_id(),
        "campaign": "Hoş geldin İndirimi",
        "kind": "percent",
        "value": 1000,
        "expires_at": int(NOW) + 3600,
        "customer_id": 42,
    }
    fields.update(kw)
    return coupon.CouponCode(**fields)  # type: ignore[arg-type]


def genuine_payloads() -> dict[str, str]:
    return {
        "identity": identity.make_identity(PHONE, KEY_ID, NOW),
        "coupon": coupon.make_coupon(RING, a_coupon()),
        "shelf": shelf.shelf_url(RING, BASE, shelf.ShelfRef(1234, "IST01")),
        "pay_link": paylink.pay_url(RING, BASE, 987, now=NOW),
    }


def read(kind: str, payload: str) -> object:
    """Verify `payload` as `kind`: the code's meaning, or TokenError."""
    if kind == "identity":
        return identity.verify_identity(payload, phone_keys, now=NOW)
    if kind == "coupon":
        return coupon.verify_coupon(payload, RING.coupon_public_keys, now=NOW)
    if kind == "shelf":
        return shelf.verify_shelf(RING, payload)
    return paylink.verify_pay_token(RING, payload, now=NOW)


# --- round trips ---------------------------------------------------------------------------


def test_identity_round_trip_and_rotation() -> None:
    code = identity.make_identity(PHONE, KEY_ID, NOW)
    got = identity.verify_identity(code, phone_keys, now=NOW)
    assert got == identity.IdentityCode(KEY_ID, identity.step_at(NOW))
    assert str(KEY_ID) not in code  # nothing readable: no customer id, no key id in clear
    # A new code every 30 s; one step of clock skew either way is accepted, two are not.
    assert identity.make_identity(PHONE, KEY_ID, NOW + 30) != code
    for skew in (-30, 30):
        assert identity.verify_identity(code, phone_keys, now=NOW + skew) == got
    for skew in (-61, 61):
        with pytest.raises(TokenError) as caught:
            identity.verify_identity(code, phone_keys, now=NOW + skew)
        assert caught.value.reason == "expired"


def test_coupon_round_trip_keeps_every_field() -> None:
    for c in (
        a_coupon(),
        a_coupon(kind="amount", value=15_000, customer_id=None, campaign=""),
        a_coupon(campaign="Ş" * 40),  # cut to 32 bytes on a character boundary
    ):
        got = coupon.verify_coupon(coupon.make_coupon(RING, c), RING.coupon_public_keys, now=NOW)
        assert got.public_id == c.public_id and got.value == c.value and got.kind == c.kind
        assert got.customer_id == c.customer_id and got.expires_at == c.expires_at
        assert c.campaign.startswith(got.campaign) and len(got.campaign.encode()) <= 32


def test_coupon_verifies_offline_with_public_keys_only() -> None:
    payload = coupon.make_coupon(RING, a_coupon())
    public_only = dict(RING.coupon_public_keys)  # what GET /v1/qr/keys gives a tablet
    assert coupon.verify_coupon(payload, public_only, now=NOW).value == 1000


def test_shelf_and_pay_link_round_trip() -> None:
    url = shelf.shelf_url(RING, BASE, shelf.ShelfRef(1234, "IST01"))
    assert url.startswith(BASE + "/p/1234/IST01/B")
    assert shelf.verify_shelf(RING, url) == shelf.ShelfRef(1234, "IST01")
    assert shelf.verify_shelf(RING, url.removeprefix(BASE)) == shelf.ShelfRef(1234, "IST01")
    link = paylink.pay_url(RING, BASE, 987, now=NOW)
    assert paylink.verify_pay_token(RING, link, now=NOW) == paylink.PayLink(
        987, int(NOW) + paylink.TTL_SECONDS
    )


def test_codes_are_compact_and_qr_alphanumeric() -> None:
    alphanumeric = set(string.digits + string.ascii_uppercase + " $%*+-./:")
    payloads = genuine_payloads()
    for kind in ("identity", "coupon"):
        assert set(payloads[kind]) <= alphanumeric, kind
    assert len(payloads["identity"]) <= 130
    assert len(payloads["coupon"]) <= 220
    assert len(payloads["shelf"]) <= 60
    assert len(payloads["pay_link"]) <= 80


def test_key_rotation_old_codes_keep_verifying() -> None:
    old = KeyRing({"A": RING.secrets["A"]}, "A")
    label = shelf.shelf_url(old, BASE, shelf.ShelfRef(5, "ANK01"))
    pay = paylink.pay_url(old, BASE, 5, now=NOW)
    cp = coupon.make_coupon(old, a_coupon())
    # The ring moved on to B; A is still in it, so codes made with A still verify.
    assert shelf.verify_shelf(RING, label).product_id == 5
    assert paylink.verify_pay_token(RING, pay, now=NOW).order_id == 5
    assert coupon.verify_coupon(cp, RING.coupon_public_keys, now=NOW).value == 1000
    # Once A is dropped, they are refused as signed by an unknown key.
    only_b = KeyRing({"B": RING.secrets["B"]}, "B")
    for call in (
        lambda: shelf.verify_shelf(only_b, label),
        lambda: paylink.verify_pay_token(only_b, pay, now=NOW),
        lambda: coupon.verify_coupon(cp, only_b.coupon_public_keys, now=NOW),
    ):
        with pytest.raises(TokenError) as caught:
            call()
        assert caught.value.reason == "unknown_key"


# --- refusals, each with its reason -------------------------------------------------------


def reason(call: object) -> str:
    try:
        call()  # type: ignore[operator]
    except TokenError as exc:
        return exc.reason
    raise AssertionError("accepted")


def test_forged_codes_are_bad_signatures() -> None:
    assert reason(lambda: identity.verify_identity(
        identity.make_identity(STRANGER, KEY_ID, NOW), phone_keys, now=NOW
    )) == "bad_signature"  # fmt: skip
    assert reason(lambda: coupon.verify_coupon(
        coupon.make_coupon(OTHER, a_coupon()), RING.coupon_public_keys, now=NOW
    )) == "bad_signature"  # fmt: skip
    assert reason(lambda: shelf.verify_shelf(
        RING, shelf.shelf_url(OTHER, BASE, shelf.ShelfRef(1, "IST01"))
    )) == "bad_signature"  # fmt: skip
    assert reason(lambda: paylink.verify_pay_token(
        RING, paylink.pay_url(OTHER, BASE, 1, now=NOW), now=NOW
    )) == "bad_signature"  # fmt: skip


def test_a_label_cannot_be_moved_to_another_store_or_product() -> None:
    url = shelf.shelf_url(RING, BASE, shelf.ShelfRef(1234, "IST01"))
    mac = url.rsplit("/", 1)[1]
    assert reason(lambda: shelf.verify_shelf(RING, f"/p/1234/IST02/{mac}")) == "bad_signature"
    assert reason(lambda: shelf.verify_shelf(RING, f"/p/1235/IST01/{mac}")) == "bad_signature"


def test_expired_coupon_and_pay_link() -> None:
    cp = coupon.make_coupon(RING, a_coupon(expires_at=int(NOW) - 1))
    assert reason(lambda: coupon.verify_coupon(cp, RING.coupon_public_keys, now=NOW)) == "expired"
    pay = paylink.pay_url(RING, BASE, 1, now=NOW - paylink.TTL_SECONDS - 1)
    assert reason(lambda: paylink.verify_pay_token(RING, pay, now=NOW)) == "expired"


def test_unknown_device_key() -> None:
    code = identity.make_identity(PHONE, KEY_ID + 1, NOW)
    assert reason(lambda: identity.verify_identity(code, phone_keys, now=NOW)) == "unknown_key"


def test_wrong_kind() -> None:
    p = genuine_payloads()
    assert reason(lambda: read("identity", p["coupon"])) == "wrong_kind"
    assert reason(lambda: read("coupon", p["identity"])) == "wrong_kind"
    pay_token = p["pay_link"].rsplit("/", 1)[1]
    assert reason(lambda: read("coupon", pay_token)) == "wrong_kind"
    assert reason(lambda: read("pay_link", p["coupon"])) == "wrong_kind"


@pytest.mark.parametrize("kind", ["identity", "coupon", "shelf", "pay_link"])
def test_truncated_codes_are_refused(kind: str) -> None:
    payload = genuine_payloads()[kind]
    for cut in range(len(payload) - 1, 0, -3):
        assert reason(lambda cut=cut: read(kind, payload[:cut])) in REASONS - {"replayed"}


def test_base32_has_one_spelling() -> None:
    assert unb32(b32(b"\x00\xff")) == b"\x00\xff"
    for bad in ("AB=", "ab", "A0", "AB"):  # padding, lower case, 0 is not base32, dirty bits
        with pytest.raises(TokenError):
            unb32(bad)


# --- properties -----------------------------------------------------------------------------

ALPHABET = string.ascii_uppercase + "234567" + string.digits + ":/.-_?=&%"
KINDS = ["identity", "coupon", "shelf", "pay_link"]


def code_like(prefix: str) -> st.SearchStrategy[str]:
    return st.text(alphabet=ALPHABET, max_size=260).map(lambda tail: prefix + tail)


@given(
    st.sampled_from(KINDS),
    st.one_of(
        st.text(max_size=300),
        code_like("RY1I"),
        code_like("RY1CA"),
        code_like("RY1PB"),
        code_like(BASE + "/p/"),
        code_like(BASE + "/pay/RY1PB"),
    ),
)
@example("identity", "RY1I" + "A" * 5000)
@example("coupon", "RY1C\ud800")
@example("shelf", "/p/0/IST01/AAAAAAAAAAA")
@PROPERTY
def test_no_input_crashes_a_parser(kind: str, text: str) -> None:
    try:
        read(kind, text)
    except TokenError as exc:
        assert exc.reason in REASONS
    classify(text)  # never raises


@given(st.sampled_from(KINDS), st.data())
@PROPERTY
def test_no_single_edit_forges_a_different_code(kind: str, data: st.DataObject) -> None:
    genuine = genuine_payloads()[kind]
    meaning = read(kind, genuine)
    position = data.draw(st.integers(0, len(genuine) - 1))
    edit = data.draw(st.sampled_from(["replace", "insert", "delete"]))
    char = data.draw(st.sampled_from(ALPHABET))
    if edit == "replace":
        mutated = genuine[:position] + char + genuine[position + 1 :]
    elif edit == "insert":
        mutated = genuine[:position] + char + genuine[position:]
    else:
        mutated = genuine[:position] + genuine[position + 1 :]
    try:
        got = read(kind, mutated)
    except TokenError as exc:
        assert exc.reason in REASONS
    else:
        # Only edits that change nothing that is signed may pass: case or the URL's host.
        assert got == meaning, (mutated, got)


def test_classify() -> None:
    p = genuine_payloads()
    assert {k: classify(v) for k, v in p.items()} == {k: k for k in p}
    assert classify(p["pay_link"].rsplit("/", 1)[1]) == "pay_link"
    ean = make_ean("869000000001")
    assert classify(ean) == "ean13"
    bad = ean[:-1] + str((int(ean[-1]) + 1) % 10)
    assert classify(bad) == "sku"  # wrong check digit: not an EAN-13
    assert classify("RY-10001-GRI-STD") == "sku"
    assert classify("https://example.com/other") == "unknown"
    assert classify("") == classify("   ") == classify("two words") == "unknown"
