"""Pay links: shown on the tablet after an endless-aisle order, scanned by the customer to pay
on their own phone.

`{base}/pay/RY1P{key id}{base32(order id | expiry | MAC)}`. Only the server reads it, so a
128-bit HMAC does (shorter than a signature); the order id is signed, so the link cannot be
edited into someone else's order, and it expires.
"""

from __future__ import annotations

import hmac
import struct
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.qr.envelope import PREFIX, TokenError, b32, split, unb32
from app.qr.keys import KEY_ID, KeyRing

KIND = "P"
PURPOSE = "pay"
TTL_SECONDS = 24 * 3600
_BODY = struct.Struct(">II")  # order id, expires (unix s)
_MAC = 16


@dataclass(frozen=True)
class PayLink:
    order_id: int
    expires_at: int


def make_pay_token(
    ring: KeyRing, order_id: int, *, now: float | None = None, ttl: int = TTL_SECONDS
) -> str:
    kid = ring.active
    header = PREFIX + KIND + kid
    body = _BODY.pack(order_id, int(time.time() if now is None else now) + ttl)
    return header + b32(body + ring.mac(kid, PURPOSE, header.encode() + body, _MAC))


def pay_url(ring: KeyRing, base_url: str, order_id: int, *, now: float | None = None) -> str:
    return f"{base_url.rstrip('/')}/pay/{make_pay_token(ring, order_id, now=now)}"


def issue_pay_link(
    ring: KeyRing, base_url: str, order_id: int, *, now: float | None = None
) -> tuple[str, PayLink]:
    """A fresh pay link's URL and what it carries, so the caller need not read it back."""
    at = time.time() if now is None else now
    return pay_url(ring, base_url, order_id, now=at), PayLink(order_id, int(at) + TTL_SECONDS)


def verify_pay_token(ring: KeyRing, token_or_url: str, *, now: float | None = None) -> PayLink:
    text = token_or_url.strip()
    if "://" in text or text.startswith("/pay/"):
        text = urlsplit(text).path.removeprefix("/pay/").strip("/")
    header, rest = split(text, KIND)
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
    return PayLink(order_id, expires)
