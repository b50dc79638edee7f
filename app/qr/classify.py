"""What did the tablet just scan? One answer for every code that reaches a Reyon tablet,
by shape alone; the API then verifies whatever needs a key or the database."""

from __future__ import annotations

from typing import Literal

from app.domain.ean import is_valid as is_valid_ean13
from app.qr import coupon, identity, paylink
from app.qr.envelope import MAX_PAYLOAD_CHARS, kind_of

ScanKind = Literal["identity", "coupon", "shelf", "pay_link", "ean13", "sku", "unknown"]
_BY_LETTER: dict[str, ScanKind] = {
    identity.KIND: "identity",
    coupon.KIND: "coupon",
    paylink.KIND: "pay_link",
}


def classify(payload: str) -> ScanKind:
    text = payload.strip()
    if not text or len(text) > MAX_PAYLOAD_CHARS or not text.isprintable():
        return "unknown"
    letter = kind_of(text)
    if letter is not None:
        return _BY_LETTER.get(letter, "unknown")
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")):
        path = "/" + lowered.split("://", 1)[1].partition("/")[2]
        if path.startswith("/p/"):
            return "shelf"
        if path.startswith("/pay/"):
            return "pay_link"
        return "unknown"
    if len(text) == 13 and text.isdigit() and is_valid_ean13(text):
        return "ean13"
    # Code 128 labels on hang tags and boxes carry the SKU itself (RY-10001-GRI-STD).
    if text.isascii() and 3 <= len(text) <= 64 and " " not in text:
        return "sku"
    return "unknown"
