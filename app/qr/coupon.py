"""Coupon codes, signed by the server, shown by the brand's app, scanned by the cashier.

`RY1C` + key id + base32(coupon public id | expiry | kind | value | customer | campaign |
Ed25519 signature). Signed with a public-key signature so a till can check a code offline
with the public keys alone (`GET /v1/qr/keys`); whether it is still unused is decided only by
the server's atomic claim when it is redeemed.
"""

from __future__ import annotations

import secrets
import struct
import time
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.qr.envelope import PREFIX, TokenError, b32, split, unb32
from app.qr.keys import KEY_ID, KeyRing

KIND = "C"
PUBLIC_ID_BYTES = 10  # 80 random bits: unguessable, and short in the code
CAMPAIGN_MAX_BYTES = 32
_FIXED = struct.Struct(">10sIBII")  # public id, expires (unix s), kind, value, customer (0: none)
_KINDS = ("percent", "amount")
_SIG = 64


@dataclass(frozen=True)
class CouponCode:
    public_id: str  # base32 of the random id, as stored on the coupon row
    campaign: str
    kind: str  # percent (value in basis points) | amount (value in kuruş)
    value: int
    expires_at: int  # unix seconds
    customer_id: int | None = None


def new_public_id() -> str:
    return b32(secrets.token_bytes(PUBLIC_ID_BYTES))


def make_coupon(ring: KeyRing, coupon: CouponCode, *, kid: str | None = None) -> str:
    kid = kid or ring.active
    header = PREFIX + KIND + kid
    # Cut on a character boundary: half a Turkish letter would make the code unreadable.
    campaign = coupon.campaign.encode()[:CAMPAIGN_MAX_BYTES].decode(errors="ignore").encode()
    body = (
        _FIXED.pack(
            unb32(coupon.public_id),
            coupon.expires_at,
            _KINDS.index(coupon.kind),
            coupon.value,
            coupon.customer_id or 0,
        )
        + bytes([len(campaign)])
        + campaign
    )
    return header + b32(body + ring.coupon_key(kid).sign(header.encode() + body))


def verify_coupon(
    payload: str, public_keys: Mapping[str, bytes], *, now: float | None = None
) -> CouponCode:
    """A genuine, unexpired coupon code. `public_keys`: key id -> raw Ed25519 public key
    (`KeyRing.coupon_public_keys` on the server, the cached copy on a tablet)."""
    header, rest = split(payload, KIND)
    if not rest or not KEY_ID.fullmatch(rest[0]):
        raise TokenError("malformed")
    kid, raw = rest[0], unb32(rest[1:])
    if len(raw) < _FIXED.size + 1 + _SIG:
        raise TokenError("malformed")
    body, sig = raw[:-_SIG], raw[-_SIG:]
    public_id, expires, kind, value, customer = _FIXED.unpack(body[: _FIXED.size])
    n = body[_FIXED.size]
    campaign_bytes = body[_FIXED.size + 1 :]
    if len(campaign_bytes) != n or kind >= len(_KINDS) or value == 0:
        raise TokenError("malformed")
    key = public_keys.get(kid)
    if key is None:
        raise TokenError("unknown_key")
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(sig, (header + kid).encode() + body)
    except (InvalidSignature, ValueError):
        raise TokenError("bad_signature") from None
    try:
        campaign = campaign_bytes.decode()
    except UnicodeDecodeError:
        raise TokenError("malformed") from None
    if expires <= (time.time() if now is None else now):
        raise TokenError("expired")
    return CouponCode(b32(public_id), campaign, _KINDS[kind], value, expires, customer or None)
