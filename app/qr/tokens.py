"""Tokens the server itself signs for customer identity and coupons.

Until the QR issue brings public-key identity codes made by the brand app, identity QR codes
are HMAC tokens from this function: never a bare customer id, always short-lived.
"""

from __future__ import annotations

import secrets
import time

from app.qr.signing import TokenError, sign, verify

IDENTITY_KIND = "id1"
COUPON_KIND = "cp1"
IDENTITY_TTL_SECONDS = 120


def make_identity_token(customer_id: int, key: bytes, *, ttl: int = IDENTITY_TTL_SECONDS) -> str:
    claims = {"c": customer_id, "exp": int(time.time()) + ttl, "n": secrets.token_hex(4)}
    return sign(IDENTITY_KIND, claims, key)


def read_identity_token(token: str, key: bytes) -> int:
    claims = verify(token, IDENTITY_KIND, key, now=time.time())
    customer_id = claims.get("c")
    if (
        not isinstance(customer_id, int)
        or customer_id <= 0
        or not isinstance(claims.get("exp"), int)
    ):
        raise TokenError("malformed")
    return customer_id


def make_coupon_token(code: str, key: bytes, *, ttl: int = 24 * 3600) -> str:
    return sign(COUPON_KIND, {"k": code, "exp": int(time.time()) + ttl}, key)


def read_coupon_token(token: str, key: bytes) -> str:
    claims = verify(token, COUPON_KIND, key, now=time.time())
    code = claims.get("k")
    if not isinstance(code, str) or not code:
        raise TokenError("malformed")
    return code
