"""The synthetic tablet caches the offline-cache figures measure, and the searches typed into
them. Products come from the seed's own generator (app/server/seed: the bench catalogue's
names, brands, sizes and colours) shaped as the catalogue snapshot serves them, and go in
through the puller's insert path page by page, as a first sync would write them.

Both caches are built once and kept in var/bench/offline/, like the bench databases; they are
built again when the code that shapes them changes (the cache's tables and search index, the
puller, Turkish folding, the seed's catalogue, this file)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from app.contracts.catalog import ProductDetail
from app.server.catalog.service import product_detail
from app.server.seed import vocab
from app.server.seed.catalog import PRODUCT_COLUMNS, VARIANT_COLUMNS, catalog
from app.server.seed.common import weighted
from app.tablet.cache import pull
from app.tablet.cache.models import CachedVariant
from app.tablet.cache.store import Cache
from tests.bench.databases import BENCH_DIR
from tests.server import ROOT

OFFLINE_DIR = BENCH_DIR / "offline"
SEARCH_PRODUCTS = 100_000
STOCK_ROWS = 500_000
# What a tablet follows: its store, the 5 nearest stores and the warehouse (Offline.follow_store).
FOLLOWED = (1, 2, 3, 4, 5, 6, 200)
_SHAPED_BY = (
    "app/tablet/cache/models.py",
    "app/tablet/cache/engine.py",
    "app/tablet/cache/pull.py",
    "app/domain/text.py",
    "app/contracts/catalog.py",
    "app/server/catalog/service.py",
    "app/server/seed/catalog.py",
    "app/server/seed/vocab.py",
    "tests/bench/offline_data.py",
)


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in _SHAPED_BY:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


def _products(rng: random.Random, variants: int) -> Iterator[ProductDetail]:
    """Products of the seed's catalogue generator with `variants` variants in all, each as
    GET /v1/sync/snapshot/catalog serves it."""
    products, variant_rows, _ = catalog(rng, variants)
    # Both in product order, every product with at least one variant.
    by_product = groupby(variant_rows, key=lambda r: r[1])
    for row in products:
        product = dict(zip(PRODUCT_COLUMNS, row, strict=True))
        pid, rows = next(by_product)
        assert pid == product["id"]
        shown = [{**dict(zip(VARIANT_COLUMNS, r, strict=True)), "variant_id": r[0]} for r in rows]
        yield ProductDetail.model_validate(product_detail(product, shown))


def _put(cache: Cache, products: Iterable[ProductDetail], limit: int | None = None) -> int:
    """Through the puller's insert path, a snapshot page per transaction."""
    page: list[ProductDetail] = []
    done = 0
    for product in products:
        if limit is not None and done + len(page) >= limit:
            break
        page.append(product)
        if len(page) == pull.CATALOG_PAGE:
            with cache.write() as conn:
                pull._put_products(conn, page)
            done, page = done + len(page), []
    if page:
        with cache.write() as conn:
            pull._put_products(conn, page)
    return done + len(page)


def _build_search(path: Path) -> dict[str, Any]:
    cache = Cache(path)
    try:
        # About 8 variants a style, as in the bench catalogue: enough for 100,000 styles.
        n = _put(cache, _products(random.Random(5), SEARCH_PRODUCTS * 17 // 2), SEARCH_PRODUCTS)
        return {"products": n, "variants": cache.count(CachedVariant)}
    finally:
        cache.close()


def _build_stock(path: Path) -> dict[str, Any]:
    cache = Cache(path)
    try:
        variants = -(-STOCK_ROWS // len(FOLLOWED))
        products = _put(cache, _products(random.Random(6), variants))
        pull.Puller(None, cache).follow(list(FOLLOWED))  # type: ignore[arg-type]
        rng = random.Random(7)
        rows = [
            (v, loc, rng.randint(0, 12), int(rng.random() < 0.1))
            for v in range(1, variants + 1)
            for loc in FOLLOWED
        ][:STOCK_ROWS]
        with cache.write() as conn:
            conn.exec_driver_sql(
                "INSERT INTO stock(variant_id, location_id, on_hand, reserved) VALUES (?, ?, ?, ?)",
                rows,
            )
            Cache.set_state(conn, "snapshot.done", "1")
            Cache.set_state(conn, "cursor", "0")
        return {"products": products, "variants": variants, "stock_rows": len(rows)}
    finally:
        cache.close()


def remove_files(path: Path) -> None:
    """A SQLite database and its WAL files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def built(name: str, log: Any = print) -> tuple[Path, dict[str, Any]]:
    """The cache `name` ("search": 100,000 products; "stock": 500,000 stock rows), built now
    if missing or shaped by older code; its path and how it was built."""
    OFFLINE_DIR.mkdir(parents=True, exist_ok=True)
    path, record_path = OFFLINE_DIR / f"{name}.db", OFFLINE_DIR / f"{name}.json"
    stamp = fingerprint()
    try:
        record = json.loads(record_path.read_text())
        if record.get("fingerprint") == stamp and path.exists():
            return path, {**record, "built_now": False}
    except (OSError, ValueError):
        pass
    log(f"  building the {name} cache (once, kept in {OFFLINE_DIR.relative_to(ROOT)}) ...")
    remove_files(path)
    record_path.unlink(missing_ok=True)
    started = time.perf_counter()
    counts = (_build_search if name == "search" else _build_stock)(path)
    record = {
        "fingerprint": stamp,
        "seconds": round(time.perf_counter() - started, 1),
        "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        **counts,
    }
    record_path.write_text(json.dumps(record, indent=2))
    os.sync()  # the build's writes reach the disk now, not while the next figure is timed
    return path, {**record, "built_now": True}


def fresh_copy(src: Path, dst: Path) -> Path:
    """A copy to write to: every run starts from the cache as built."""
    remove_files(dst)
    source, target = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    os.sync()
    return dst


# -- what associates type ---------------------------------------------------------------------

_ASCII = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")
_TURKISH_LETTERS = frozenset("çğıöşüÇĞİÖŞÜ")


def _word(rng: random.Random, phrase: str) -> str:
    return rng.choice([w for w in phrase.split() if len(w) >= 3] or [phrase])


def queries(n: int, seed: int = 11) -> list[str]:
    """`n` searches as associates type them on the tablet, about a product of a category
    picked as often as the catalogue has it: a word of its name (as written, lower or upper
    case, or without Turkish letters: "gomlek"), the start of one ("göm", "pantol"), a
    material, detail or fit and a noun (the last perhaps unfinished: "keten göm"), a brand,
    a style code off a label."""
    rng = random.Random(seed)
    categories = [(c, c.weight) for c in vocab.CATEGORIES]

    def typed(word: str) -> str:
        how = rng.random()
        if how < 0.35:
            return word.translate(_ASCII).lower()
        if how < 0.45:  # Turkish capitals: i is İ, ı is I
            return word.replace("i", "İ").replace("ı", "I").upper()
        if how < 0.8:
            return word.replace("İ", "i").replace("I", "ı").lower()
        return word

    def start(word: str) -> str:
        return word[: rng.randint(3, max(3, len(word) - 1))]

    out = []
    for _ in range(n):
        cat = weighted(rng, categories)
        noun = _word(rng, rng.choice(cat.nouns)[0])
        modifiers = [m for m, _ in (*cat.materials, *cat.details) if m]
        modifiers += [f for f, _ in vocab.FITS] if cat.fits else []
        modifier = _word(rng, rng.choice(modifiers))
        kind = rng.random()
        if kind < 0.3:
            q = typed(noun if rng.random() < 0.7 else modifier)
        elif kind < 0.5:
            q = typed(start(noun if rng.random() < 0.7 else modifier))
        elif kind < 0.85:
            q = f"{typed(modifier)} {typed(start(noun) if rng.random() < 0.4 else noun)}"
        elif kind < 0.95:
            q = typed(rng.choice(vocab.BRANDS)[0])
        else:
            code = f"RY-{10001 + rng.randrange(SEARCH_PRODUCTS)}"
            q = code if rng.random() < 0.5 else code[:-1]
        out.append(q)
    return out


def query_mix(qs: list[str]) -> dict[str, int]:
    return {
        "queries": len(qs),
        "with_turkish_letters": sum(1 for q in qs if _TURKISH_LETTERS & set(q)),
        "two_terms": sum(1 for q in qs if len(q.split()) > 1),
    }
