"""Links a look message carries: the look page and the opt-out.

`{base}/l/RY1L{key id}{base32(look id | expiry | MAC)}` opens the look; it expires after
`LINK_DAYS` (the products and prices move on). `{base}/o/RY1O{key id}{base32(message id | MAC)}`
withdraws the consent of the channel the message came by; it never expires, since a customer
may act on an old message years later. Only the server reads them, so a 128-bit HMAC does; the
ids are signed, so a link cannot be edited into someone else's look or opt-out.
"""

from __future__ import annotations

import hmac
import struct
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.domain.outreach import LINK_DAYS
from app.qr.envelope import PREFIX, TokenError, b32, split, unb32
from app.qr.keys import KEY_ID, KeyRing

LOOK_KIND, LOOK_PURPOSE = "L", "look"
OPTOUT_KIND, OPTOUT_PURPOSE = "O", "optout"
TTL_SECONDS = LINK_DAYS * 24 * 3600
_LOOK = struct.Struct(">II")  # look id, expires (unix s)
_OPTOUT = struct.Struct(">I")  # message id
_MAC = 16


@dataclass(frozen=True)
class LookLink:
    look_id: int
    expires_at: int


def _sign(ring: KeyRing, kind: str, purpose: str, body: bytes) -> str:
    kid = ring.active
    header = PREFIX + kind + kid
    return header + b32(body + ring.mac(kid, purpose, header.encode() + body, _MAC))


def _open(ring: KeyRing, text: str, kind: str, purpose: str, size: int) -> bytes:
    header, rest = split(text, kind)
    if not rest or not KEY_ID.fullmatch(rest[0]):
        raise TokenError("malformed")
    kid, raw = rest[0], unb32(rest[1:])
    if len(raw) != size + _MAC:
        raise TokenError("malformed")
    body, mac = raw[:size], raw[size:]
    if not hmac.compare_digest(mac, ring.mac(kid, purpose, (header + kid).encode() + body, _MAC)):
        raise TokenError("bad_signature")
    return body


def _token(token_or_url: str, prefix: str) -> str:
    text = token_or_url.strip()
    if "://" in text or text.startswith(prefix):
        text = urlsplit(text).path.removeprefix(prefix).strip("/")
    return text


def look_url(ring: KeyRing, base_url: str, look_id: int, *, now: float | None = None) -> str:
    expires = int(time.time() if now is None else now) + TTL_SECONDS
    token = _sign(ring, LOOK_KIND, LOOK_PURPOSE, _LOOK.pack(look_id, expires))
    return f"{base_url.rstrip('/')}/l/{token}"


def verify_look(ring: KeyRing, token_or_url: str, *, now: float | None = None) -> LookLink:
    body = _open(ring, _token(token_or_url, "/l/"), LOOK_KIND, LOOK_PURPOSE, _LOOK.size)
    look_id, expires = _LOOK.unpack(body)
    if look_id == 0:
        raise TokenError("malformed")
    if expires <= (time.time() if now is None else now):
        raise TokenError("expired")
    return LookLink(look_id, expires)


def optout_url(ring: KeyRing, base_url: str, message_id: int) -> str:
    token = _sign(ring, OPTOUT_KIND, OPTOUT_PURPOSE, _OPTOUT.pack(message_id))
    return f"{base_url.rstrip('/')}/o/{token}"


def verify_optout(ring: KeyRing, token_or_url: str) -> int:
    """The message whose channel the customer withdraws."""
    body = _open(ring, _token(token_or_url, "/o/"), OPTOUT_KIND, OPTOUT_PURPOSE, _OPTOUT.size)
    (message_id,) = _OPTOUT.unpack(body)
    if message_id == 0:
        raise TokenError("malformed")
    return message_id
