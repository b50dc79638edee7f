"""The text form shared by Reyon's QR payloads: `RY1` + a kind letter + base32.

Every character is in the QR alphanumeric set (0-9, A-Z and a few symbols), which packs
5.5 bits per character instead of 8: a 76-byte identity token fits a version 7 code at error
correction M instead of version 9, and prints and scans smaller. The version digit after `RY`
lets a later format live beside this one.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Literal

PREFIX = "RY1"
Reason = Literal["malformed", "wrong_kind", "bad_signature", "expired", "replayed", "unknown_key"]
MAX_PAYLOAD_CHARS = 512  # far above every real payload; longer input is refused unread
_B32 = re.compile(r"[A-Z2-7]+")


class TokenError(ValueError):
    """A scanned code that cannot be accepted, with a reason the UI can explain."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason: Reason = reason


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=")


def unb32(text: str) -> bytes:
    """Strict: only the canonical unpadded spelling decodes, so one token has one text (a
    replay store keyed on the text could otherwise be walked around)."""
    if not _B32.fullmatch(text):
        raise TokenError("malformed")
    try:
        data = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise TokenError("malformed") from None
    if b32(data) != text:
        raise TokenError("malformed")
    return data


def split(payload: str, kind: str) -> tuple[str, str]:
    """(header, base32 body) of a payload of `kind` (one letter). The header is
    `RY1` + kind (+ the key id, for kinds that carry one) and is covered by the signature."""
    if not isinstance(payload, str) or len(payload) > MAX_PAYLOAD_CHARS:
        raise TokenError("malformed")
    text = payload.strip().upper()
    if not text.isascii() or not text.startswith(PREFIX) or len(text) < len(PREFIX) + 2:
        raise TokenError("malformed")
    if text[len(PREFIX)] != kind:
        raise TokenError("wrong_kind")
    cut = len(PREFIX) + 1
    return text[:cut], text[cut:]


def kind_of(payload: str) -> str | None:
    """The kind letter of something that looks like a Reyon payload, else None."""
    text = payload.strip().upper()
    if text.startswith(PREFIX) and len(text) > len(PREFIX):
        return text[len(PREFIX)]
    return None
