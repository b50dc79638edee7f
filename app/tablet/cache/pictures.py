"""The product pictures this tablet has shown, kept for when the Wi-Fi is gone: an associate
offline still sees the thumbnails of the products and customers they opened before. The
store is bounded in bytes; the pictures shown longest ago make room for new ones."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from sqlalchemy import text

from app.tablet.cache.engine import utcnow
from app.tablet.cache.store import Cache

KEEP_BYTES = 16 * 1024 * 1024  # about 4,000 thumbnails
MEMORY_ITEMS = 256  # the pictures of the screens shown lately, without asking SQLite


class Pictures:
    def __init__(self, cache: Cache, *, keep_bytes: int = KEEP_BYTES) -> None:
        self.cache = cache
        self.keep_bytes = keep_bytes
        self._recent: OrderedDict[str, bytes] = OrderedDict()
        self._lock = Lock()

    def _remember(self, url: str, data: bytes) -> None:
        with self._lock:
            self._recent[url] = data
            self._recent.move_to_end(url)
            while len(self._recent) > MEMORY_ITEMS:
                self._recent.popitem(last=False)

    def get(self, url: str) -> bytes | None:
        with self._lock:
            data = self._recent.get(url)
            if data is not None:
                self._recent.move_to_end(url)
                return data
        with self.cache.write() as conn:
            row = conn.execute(text("SELECT data FROM picture WHERE url = :u"), {"u": url}).first()
            if row is None:
                return None
            # Shown again: the last to be evicted.
            conn.execute(
                text("UPDATE picture SET shown_at = :t WHERE url = :u"), {"t": utcnow(), "u": url}
            )
        data = bytes(row[0])
        self._remember(url, data)
        return data

    def keep(self, url: str, data: bytes) -> None:
        """Keep a picture just fetched, and drop the oldest shown while the store is over its
        bound (one picture larger than the whole bound is not kept at all)."""
        self._remember(url, data)
        if len(data) > self.keep_bytes:
            return
        with self.cache.write() as conn:
            conn.execute(
                text(
                    "INSERT INTO picture(url, data, size, shown_at) VALUES (:u, :d, :s, :t) "
                    "ON CONFLICT(url) DO UPDATE SET data = excluded.data, size = excluded.size, "
                    "shown_at = excluded.shown_at"
                ),
                {"u": url, "d": data, "s": len(data), "t": utcnow()},
            )
            total = int(
                conn.execute(text("SELECT COALESCE(SUM(size), 0) FROM picture")).scalar_one()
            )
            if total <= self.keep_bytes:
                return
            # Oldest first, until what is left fits: one DELETE of the rows whose running
            # total from the newest end is over the bound.
            conn.execute(
                text(
                    "DELETE FROM picture WHERE url IN (SELECT url FROM (SELECT url, SUM(size) "
                    "OVER (ORDER BY shown_at DESC, url) AS upto FROM picture) WHERE upto > :b)"
                ),
                {"b": self.keep_bytes},
            )

    def kept_bytes(self) -> int:
        with self.cache.read() as conn:
            return int(
                conn.execute(text("SELECT COALESCE(SUM(size), 0) FROM picture")).scalar_one()
            )
