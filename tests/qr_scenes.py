"""Photo-like test pictures: a code as a tablet camera sees it, not as a PNG renders it."""

from __future__ import annotations

import io
import random
from pathlib import Path

import zxingcpp
from PIL import Image, ImageDraw, ImageFilter

from app.qr.images import render_png


def photo_scene(payload: str, *, seed: int = 0, size: tuple[int, int] = (1280, 720)) -> bytes:
    """A 1280x720 JPEG: the code, rotated and slightly blurred, on a cluttered, noisy,
    unevenly lit background (a counter, a phone's edge, price tags), JPEG-compressed."""
    rng = random.Random(seed)
    w, h = size
    scene = Image.new("L", size, 150)
    draw = ImageDraw.Draw(scene)
    for x in range(0, w, 8):  # uneven light across the counter
        draw.rectangle([x, 0, x + 8, h], fill=110 + int(80 * x / w))
    for _ in range(60):  # clutter: boxes, tags, lines
        x, y = rng.randrange(w), rng.randrange(h)
        shade = rng.randrange(30, 230)
        if rng.random() < 0.5:
            draw.rectangle(
                [x, y, x + rng.randrange(10, 160), y + rng.randrange(10, 90)], fill=shade
            )
        else:
            draw.line(
                [x, y, rng.randrange(w), rng.randrange(h)], fill=shade, width=rng.randrange(1, 6)
            )
    code = Image.open(io.BytesIO(render_png(payload, scale=6, border=4))).convert("L")
    side = rng.randrange(300, 380)
    code = code.resize((side, side), Image.Resampling.BILINEAR)
    code = code.rotate(rng.uniform(8, 25) * rng.choice((-1, 1)), expand=True, fillcolor=255)
    x, y = rng.randrange(80, w - code.width - 80), rng.randrange(20, h - code.height - 20)
    scene.paste(code, (x, y))
    scene = scene.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.2)))
    noise = Image.effect_noise(size, 18)
    scene = Image.blend(scene, noise, 0.12)
    out = io.BytesIO()
    scene.convert("RGB").save(out, format="JPEG", quality=80)
    return out.getvalue()


def barcode_png(text: str, fmt: zxingcpp.BarcodeFormat) -> bytes:
    """A linear barcode (EAN-13, Code 128) drawn by zxing-cpp's own writer."""
    image = zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(text, fmt), scale=3)
    out = io.BytesIO()
    picture = image if isinstance(image, Image.Image) else Image.fromarray(image)
    bordered = Image.new("L", (picture.width + 60, picture.height + 60), 255)
    bordered.paste(picture.convert("L"), (30, 30))
    bordered.save(out, format="PNG")
    return out.getvalue()


def y4m_video(jpeg: bytes, path: Path, *, frames: int = 10) -> Path:
    """A still scene as a Y4M video (4:2:0), the format Chromium's fake camera plays in a loop
    (`--use-file-for-fake-video-capture`): the browser's camera then films this scene."""
    picture = Image.open(io.BytesIO(jpeg)).convert("RGB")
    w, h = picture.width // 2 * 2, picture.height // 2 * 2
    y, cb, cr = picture.crop((0, 0, w, h)).convert("YCbCr").split()
    half = (w // 2, h // 2)
    frame = (
        y.tobytes()
        + cb.resize(half, Image.Resampling.BILINEAR).tobytes()
        + cr.resize(half, Image.Resampling.BILINEAR).tobytes()
    )
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + frame)
    return path
