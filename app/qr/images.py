"""QR codes as pictures: render payloads to PNG and SVG with `qrcode`, and read codes back
from camera frames, photos and files with zxing-cpp.

Decoding is restricted to the three symbologies a Reyon tablet meets (QR codes from the
brand app and shelf labels, EAN-13 on products, Code 128 on hang tags): asking zxing-cpp for
every format costs ~10x more per frame (FLET.md) and invites false reads.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import qrcode
import qrcode.image.svg
import zxingcpp
from PIL import Image, UnidentifiedImageError
from qrcode.constants import ERROR_CORRECT_M

Format = Literal["qr", "ean13", "code128"]
_FORMATS = {
    zxingcpp.BarcodeFormat.QRCode: "qr",
    zxingcpp.BarcodeFormat.EAN13: "ean13",
    zxingcpp.BarcodeFormat.Code128: "code128",
}
_WANTED = zxingcpp.BarcodeFormats(list(_FORMATS))
MAX_PIXELS = 40_000_000  # a 48 MP phone photo; larger input is refused, not decoded


class ImageError(ValueError):
    """The input is not an image we can read."""


@dataclass(frozen=True)
class Decoded:
    format: Format
    text: str


def _code(payload: str, border: int) -> qrcode.QRCode:
    # Error correction M (15% of the code may be damaged or dirty), the smallest version that
    # fits. qrcode picks the densest mode itself: alphanumeric for Reyon's RY1... payloads.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border)
    code.add_data(payload)
    code.make(fit=True)
    return code


def qr_version(payload: str) -> int:
    return int(_code(payload, 0).version)


def render_png(payload: str, *, scale: int = 8, border: int = 4) -> bytes:
    """A black-on-white PNG, `scale` pixels per module, `border` modules of quiet zone."""
    code = _code(payload, border)
    code.box_size = scale
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


def render_svg(payload: str, *, border: int = 4) -> str:
    """One compact <svg> with a viewBox in modules, so it scales to any size inline in HTML."""
    code = _code(payload, border)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    text = image.to_string(encoding="unicode")
    return text.split("?>", 1)[-1].strip() if text.startswith("<?xml") else text


def _open(image: bytes | str | Path | Image.Image) -> Image.Image:
    if isinstance(image, Image.Image):
        return image
    try:
        if isinstance(image, str | Path):
            opened = Image.open(Path(image))
        elif isinstance(image, bytes | bytearray):
            if not image:
                raise ImageError("empty image")
            opened = Image.open(io.BytesIO(image))
        else:
            raise ImageError(f"not an image: {type(image).__name__}")
        if opened.width * opened.height > MAX_PIXELS:
            raise ImageError(f"image too large: {opened.width}x{opened.height}")
        opened.load()
        return opened
    except ImageError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageError(f"not a readable image: {exc}") from None


def decode(image: bytes | str | Path | Image.Image) -> list[Decoded]:
    """Every QR, EAN-13 and Code 128 code in the picture (often none)."""
    grey = _open(image).convert("L")
    found = zxingcpp.read_barcodes(grey, formats=_WANTED)
    return [
        Decoded(_FORMATS[r.format], r.text)  # type: ignore[arg-type]
        for r in found
        if r.valid and r.format in _FORMATS
    ]


def decode_one(image: bytes | str | Path | Image.Image) -> Decoded | None:
    found = decode(image)
    return found[0] if found else None
