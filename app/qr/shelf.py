"""Shelf-label URLs: printed once, scanned by customers' phone cameras for years.

`{base}/p/{product id}/{store code}/{key id}{MAC}`: a plain HTTPS URL any camera app opens,
short enough for a version 5 code so labels stay small. No expiry. The MAC (50 bits of
HMAC-SHA256, base32) binds the product to the store, so nobody can print labels that credit
their own store with another's scans; guessing one takes ~10^15 tries against a live server.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.qr.envelope import TokenError, b32
from app.qr.keys import KeyRing

PURPOSE = "shelf"
MAC_CHARS = 10
_PATH = re.compile(
    r"/p/([1-9][0-9]{0,9})/([A-Z0-9]{2,16})/([A-Z2-7])([A-Z2-7]{" + str(MAC_CHARS) + "})"
)


@dataclass(frozen=True)
class ShelfRef:
    product_id: int
    store_code: str


def _mac(ring: KeyRing, kid: str, ref: ShelfRef) -> str:
    message = f"{ref.product_id}/{ref.store_code}".encode()
    return b32(ring.mac(kid, PURPOSE, message, 8))[:MAC_CHARS]


def shelf_path(ring: KeyRing, ref: ShelfRef, *, kid: str | None = None) -> str:
    kid = kid or ring.active
    return f"/p/{ref.product_id}/{ref.store_code}/{kid}{_mac(ring, kid, ref)}"


def shelf_url(ring: KeyRing, base_url: str, ref: ShelfRef) -> str:
    return base_url.rstrip("/") + shelf_path(ring, ref)


def parse_shelf_path(path: str) -> tuple[ShelfRef, str, str]:
    """(ref, key id, MAC) from a path (or a whole URL) of a shelf label, shape only."""
    if len(path) > 512:
        raise TokenError("malformed")
    if "://" in path:
        path = urlsplit(path).path
    m = _PATH.fullmatch(path.rstrip("/"))
    if m is None:
        raise TokenError("malformed")
    return ShelfRef(int(m[1]), m[2]), m[3], m[4]


def verify_shelf(ring: KeyRing, path_or_url: str) -> ShelfRef:
    ref, kid, mac = parse_shelf_path(path_or_url)
    if not hmac.compare_digest(mac, _mac(ring, kid, ref)):
        raise TokenError("bad_signature")
    return ref
