"""Real pictures: codes rendered by `qrcode`, read back by zxing-cpp, including photo-like
camera frames; and every kind of Reyon payload fits the QR version the labels and phones need."""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image

from app.domain.ean import make as make_ean
from app.qr import coupon, identity, paylink, shelf
from app.qr.images import (
    Decoded,
    ImageError,
    decode,
    decode_one,
    qr_version,
    render_png,
    render_svg,
)
from app.qr.keys import KeyRing
from tests.qr_scenes import barcode_png, photo_scene

RING = KeyRing({"A": b"unit-test-secret-0123456789abcdef"}, "A")
PHONE, _ = identity.new_device_key()
NOW = time.time()
# Worst cases: the longest campaign name, a long production host name.
LONG_BASE = "https://magaza.markaadi-ornek.com.tr"
PAYLOADS = {
    "identity": identity.make_identity(PHONE, 2**63 - 1, NOW),
    "coupon": coupon.make_coupon(
        RING,
        coupon.CouponCode(
            coupon.new_public_id(), "Ş" * 16, "amount", 10**9, int(NOW) + 3600, 2**31 - 1
        ),
    ),
    "pay_link": paylink.pay_url(RING, LONG_BASE, 2**31 - 1),
    "shelf": shelf.shelf_url(RING, LONG_BASE, shelf.ShelfRef(2**31 - 1, "IST01")),
}


def test_payloads_fit_the_versions_the_issue_asks_for() -> None:
    # Identity, coupon and pay-link codes at version 10 or lower; shelf URLs at 5 or lower.
    for kind in ("identity", "coupon", "pay_link"):
        assert qr_version(PAYLOADS[kind]) <= 10, kind
    assert qr_version(PAYLOADS["shelf"]) <= 5
    # Alphanumeric mode is what keeps the identity code small: as bytes it would be larger.
    as_bytes = PAYLOADS["identity"].lower()  # lower case forces byte mode
    assert qr_version(PAYLOADS["identity"]) < qr_version(as_bytes)


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_png_round_trip(kind: str) -> None:
    assert decode(render_png(PAYLOADS[kind])) == [Decoded("qr", PAYLOADS[kind])]
    assert decode_one(render_png(PAYLOADS[kind], scale=3, border=2)) == Decoded(
        "qr", PAYLOADS[kind]
    )


def test_svg_is_one_scalable_path_of_the_right_size() -> None:
    payload = PAYLOADS["identity"]
    svg = render_svg(payload, border=4)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    modules = 17 + 4 * qr_version(payload) + 2 * 4
    assert root.attrib["viewBox"] == f"0 0 {modules} {modules}"
    assert len([e for e in root.iter() if e.tag.endswith("path")]) == 1


@pytest.mark.parametrize("seed", range(8))
def test_photo_like_camera_frames_decode(seed: int) -> None:
    payload = PAYLOADS["identity"] if seed % 2 else PAYLOADS["coupon"]
    frame = photo_scene(payload, seed=seed)
    assert Image.open(io.BytesIO(frame)).size == (1280, 720)
    assert [d.text for d in decode(frame)] == [payload]


def test_linear_barcodes_decode_with_their_format(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ean = make_ean("869123456789")
    assert decode(barcode_png(ean, zxingcpp.BarcodeFormat.EAN13))[0].format == "ean13"
    path = tmp_path / "tag.png"
    path.write_bytes(barcode_png("RY-10001-GRI-STD", zxingcpp.BarcodeFormat.Code128))
    assert decode(path) == decode(str(path))
    assert decode_one(path).format == "code128"  # type: ignore[union-attr]
    # A QR code alone is only a QR code.
    assert [d.format for d in decode(render_png(ean))] == ["qr"]


def test_other_symbologies_are_not_read() -> None:
    image = barcode_png("HELLO-39", zxingcpp.BarcodeFormat.Code39)
    assert decode(image) == []


def test_bad_input_is_an_image_error_never_a_crash() -> None:
    png = render_png("X")
    for bad in (b"", b"not an image", png[: len(png) // 2]):
        with pytest.raises(ImageError):
            decode(bad)
    with pytest.raises(ImageError):
        decode(42)  # type: ignore[arg-type]
    blank = Image.new("L", (640, 480), 255)
    assert decode(blank) == [] and decode_one(blank) is None
