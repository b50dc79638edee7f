"""QR figures for `make bench`: decoding a 1280x720 camera frame, and verifying payloads per
second against the bare cryptographic primitive timed in the same run (the ratio is what
parsing and checks add on top of the signature itself).

    .venv/bin/python -m tests.bench.qr_codes
"""

from __future__ import annotations

import hashlib
import hmac
import io
import time
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from PIL import Image

from app.qr import coupon, identity, paylink, shelf
from app.qr.images import decode
from app.qr.keys import KeyRing
from tests.bench.load import percentile, rounded
from tests.qr_scenes import photo_scene

RING = KeyRing({"A": b"bench-secret-0123456789abcdef!!"}, "A")


def timed_ms(call: Callable[[], object], samples: int) -> dict[str, Any]:
    for _ in range(5):
        call()  # warm up
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": rounded(percentile(times, 50)), "p95_ms": rounded(percentile(times, 95))}


def decode_figures(samples: int = 100) -> dict[str, Any]:
    """A rotated, blurred, noisy 1280x720 JPEG frame with an identity code in it."""
    payload = identity.make_identity(identity.new_device_key()[0], 12345, time.time())
    frame = photo_scene(payload, seed=3)
    grey = Image.open(io.BytesIO(frame)).convert("L")
    assert [d.text for d in decode(frame)] == [payload]
    return {
        "jpeg_frame": timed_ms(lambda: decode(frame), samples),
        "grey_frame": timed_ms(lambda: decode(grey), samples),
    }


def per_second(call: Callable[[], object], seconds: float = 0.5, rounds: int = 5) -> float:
    """Median rate over `rounds` timed runs of `seconds` each."""
    rates = []
    for _ in range(rounds):
        n, start = 0, time.perf_counter()
        while (now := time.perf_counter()) < start + seconds:
            for _ in range(50):
                call()
            n += 50
        rates.append(n / (now - start))
    return sorted(rates)[rounds // 2]


def verify_figures(seconds: float = 0.5) -> dict[str, Any]:
    now = time.time()
    phone, public = identity.new_device_key()
    id_code = identity.make_identity(phone, 12345, now)
    cp = coupon.make_coupon(
        RING,
        coupon.CouponCode(coupon.new_public_id(), "Hoş geldin", "percent", 1000, int(now) + 3600),
    )
    label = shelf.shelf_url(RING, "https://m.example.com", shelf.ShelfRef(1234, "IST01"))
    pay = paylink.pay_url(RING, "https://m.example.com", 42)
    keys = RING.coupon_public_keys
    verifier = Ed25519PublicKey.from_public_bytes(public)
    message = b"RY1I" + bytes(12)
    sig = phone.sign(message)
    mac_key = bytes(32)

    ed25519 = per_second(lambda: verifier.verify(sig, message), seconds)
    hmac_sha256 = per_second(lambda: hmac.new(mac_key, message, hashlib.sha256).digest(), seconds)
    rates = {
        "identity": per_second(
            lambda: identity.verify_identity(id_code, lambda _: public, now=now), seconds
        ),
        "coupon": per_second(lambda: coupon.verify_coupon(cp, keys, now=now), seconds),
        "shelf": per_second(lambda: shelf.verify_shelf(RING, label), seconds),
        "pay_link": per_second(lambda: paylink.verify_pay_token(RING, pay, now=now), seconds),
    }
    baseline = {
        "identity": ed25519,
        "coupon": ed25519,
        "shelf": hmac_sha256,
        "pay_link": hmac_sha256,
    }
    return {
        "per_s": {k: round(v) for k, v in rates.items()},
        "baseline_per_s": {"ed25519_verify": round(ed25519), "hmac_sha256": round(hmac_sha256)},
        "ratio_to_baseline": {k: round(v / baseline[k], 2) for k, v in rates.items()},
    }


def figures(samples: int = 100, seconds: float = 0.5) -> dict[str, Any]:
    return {"decode": decode_figures(samples), "verify": verify_figures(seconds)}


if __name__ == "__main__":
    print(figures())
