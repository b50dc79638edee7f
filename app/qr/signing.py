"""Compact HMAC-signed tokens: `<kind>.<base64url payload>.<base64url signature>`.

Used for the API's bearer tokens (QR codes have their own compact formats, see envelope.py).
The kind is signed too, so a token of one kind can never be replayed as another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from app.qr.envelope import TokenError


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    pad = "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(text + pad)


def _mac(key: bytes, kind: str, body: str) -> bytes:
    return hmac.new(key, f"{kind}.{body}".encode(), hashlib.sha256).digest()


def sign(kind: str, claims: dict[str, Any], key: bytes) -> str:
    body = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    return f"{kind}.{body}.{_b64(_mac(key, kind, body))}"


def verify(token: str, kind: str, key: bytes, *, now: float) -> dict[str, Any]:
    """Claims of a valid token of `kind`; `exp` (unix seconds), when present, must be ahead."""
    # Tokens are ASCII by construction; anything else (including lone surrogates that JSON
    # lets through) is damage, not a token.
    if len(token) > 4096 or not token.isascii():
        raise TokenError("malformed")
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise TokenError("malformed")
    got_kind, body, sig = parts
    if got_kind != kind:
        raise TokenError("wrong_kind")
    try:
        _unb64(sig)
    except (ValueError, TypeError):
        raise TokenError("malformed") from None
    # Compare the signature as text with its one canonical spelling: base64 decoding is
    # lenient (padding, unused low bits, stray characters), and a token with several valid
    # spellings would slip past anything keyed on its text, such as a replay list.
    if not hmac.compare_digest(sig.encode(), _b64(_mac(key, kind, body)).encode()):
        raise TokenError("bad_signature")
    try:
        claims = json.loads(_unb64(body))
    except (ValueError, TypeError):
        raise TokenError("malformed") from None
    if not isinstance(claims, dict):
        raise TokenError("malformed")
    exp = claims.get("exp")
    if exp is not None and (not isinstance(exp, int | float) or exp <= now):
        raise TokenError("expired")
    return claims
