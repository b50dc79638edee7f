"""`reyon labels`: an A4 PDF of shelf labels whose QR codes, read back out of the PDF file,
are valid shelf URLs for that store."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.qr.images import decode
from app.qr.shelf import ShelfRef, verify_shelf
from tests import factories
from tests.conftest import World
from tests.server import HANG_S, ROOT, TEST_SECRET

BASE = "https://magaza.example.com"


def reyon_labels(world: World, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "REYON_DATABASE_URL": world.database_url,
        "REYON_SECRET_KEY": TEST_SECRET,
        "REYON_PUBLIC_BASE_URL": BASE,
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "labels", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_S,
    )


def test_label_sheet_qr_codes_decode_to_this_stores_product_pages(
    world: World, tmp_path: Path
) -> None:
    b = world.base
    category = f"etiket-{uuid.uuid4().hex[:8]}"
    stocked = [
        factories.product(
            world.db,
            name_tr=f"Çizgili Keten Gömlek Uzun Kollu Model {i} İğne Oyası Şık",
            category=category,
            price_kurus=49990 + i * 1000,
            sizes=("XS", "M", "XXL"),
            stock={b.stores["IST01"]: 2},
        )[0]
        for i in range(26)  # more than one page of 24
    ]
    factories.product(world.db, category=category, stock={b.stores["IST02"]: 5})  # not here
    out = tmp_path / "labels.pdf"
    done = reyon_labels(
        world, "--store", "ist01", "--category", category.upper(), "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert "26 labels on 2 page(s)" in done.stderr

    reader = PdfReader(out)
    assert len(reader.pages) == 2
    page = reader.pages[0]
    width_mm = float(page.mediabox.width) / 72 * 25.4
    height_mm = float(page.mediabox.height) / 72 * 25.4
    assert (round(width_mm), round(height_mm)) == (210, 297)  # A4
    text = page.extract_text()
    assert "Çizgili Keten" in text and "XS–XXL" in text and "KDV dahil" in text
    assert "499,90 TL" in text  # Turkish money format

    urls = []
    for p in reader.pages:
        for image in p.images:
            urls += [d.text for d in decode(image.data)]
    assert len(urls) == 26
    refs = {verify_shelf(factories.TEST_RING, url) for url in urls}
    assert refs == {ShelfRef(pid, "IST01") for pid in stocked}
    assert all(url.startswith(BASE + "/p/") for url in urls)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--store", "NOPE1"], "no active store"),
        (["--store", "IST01", "--category", "no-such-category"], "nothing to print"),
    ],
)
def test_clear_errors_and_no_file_written(
    world: World, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "labels.pdf"
    done = reyon_labels(world, *args, "--out", str(out))
    assert done.returncode == 1 and message in done.stderr
    assert not out.exists()
