"""Pickup codes: shown in the brand app for a click & collect or reserve-in-store order, scanned
by the associate at the hand-over.

`RY1H{key id}{base32(order id | expiry | MAC)}` (H for hand-over). Only the server reads it, so
a 128-bit HMAC does, with a key of its own purpose: a pay link's MAC is no pickup code's. The
order id is signed, so a code cannot be edited into another order's; it expires, and the app
fetches a fresh one whenever it shows it. Whoever holds the code may collect the order (the
customer may send it to whoever collects for them); the order itself is collected once.
"""

from __future__ import annotations

import hmac
import struct
import time
from dataclasses import dataclass

from app.qr.envelope import PREFIX, TokenError, b32, split, unb32
from app.qr.keys import KEY_ID, KeyRing

KIND = "H"
PURPOSE = "pickup"
TTL_SECONDS = 30 * 24 * 3600  # longer than any hold: the order, not the code, runs out first
_BODY = struct.Struct(">II")  # order id, expires (unix s)
_MAC = 16


@dataclass(frozen=True)
class PickupCode:
    order_id: int
    expires_at: int


def make_pickup_code(
    ring: KeyRing, order_id: int, *, now: float | None = None, ttl: int = TTL_SECONDS
) -> str:
    kid = ring.active
    header = PREFIX + KIND + kid
    body = _BODY.pack(order_id, int(time.time() if now is None else now) + ttl)
    return header + b32(body + ring.mac(kid, PURPOSE, header.encode() + body, _MAC))


def issue_pickup_code(
    ring: KeyRing, order_id: int, *, now: float | None = None
) -> tuple[str, PickupCode]:
    """A fresh code's payload and what it carries, so the caller need not read it back."""
    at = int(time.time() if now is None else now)
    return make_pickup_code(ring, order_id, now=at), PickupCode(order_id, at + TTL_SECONDS)


def verify_pickup_code(ring: KeyRing, payload: str, *, now: float | None = None) -> PickupCode:
    header, rest = split(payload, KIND)
    if not rest or not KEY_ID.fullmatch(rest[0]):
        raise TokenError("malformed")
    kid, raw = rest[0], unb32(rest[1:])
    if len(raw) != _BODY.size + _MAC:
        raise TokenError("malformed")
    body, mac = raw[: _BODY.size], raw[_BODY.size :]
    expected = ring.mac(kid, PURPOSE, (header + kid).encode() + body, _MAC)
    if not hmac.compare_digest(mac, expected):
        raise TokenError("bad_signature")
    order_id, expires = _BODY.unpack(body)
    if order_id == 0:
        raise TokenError("malformed")
    if expires <= (time.time() if now is None else now):
        raise TokenError("expired")
    return PickupCode(order_id, expires)


def named_order(payload: str) -> int | None:
    """The order a pickup code names, unchecked: for a tablet to open that order when the
    customer shows the code. Never proof of anything: the server checks the signature and the
    expiry at the hand-over (verify_pickup_code)."""
    try:
        _header, rest = split(payload.strip(), KIND)
        if not rest or not KEY_ID.fullmatch(rest[0]):
            return None
        raw = unb32(rest[1:])
    except (TokenError, ValueError):
        return None
    if len(raw) != _BODY.size + _MAC:
        return None
    order_id, _expires = _BODY.unpack(raw[: _BODY.size])
    return order_id or None
