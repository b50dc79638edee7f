"""The tablet's kept pictures on their own (a real SQLite file): found again after a restart,
bounded in bytes with the least recently shown dropped first, and a picture bigger than the
whole bound never pushes the others out."""

from __future__ import annotations

from pathlib import Path

from app.tablet.cache.pictures import Pictures
from app.tablet.cache.store import Cache


def url(n: int) -> str:
    return f"/v1/media/products/{n}.webp?size=thumb&v=1"


def test_a_kept_picture_is_there_after_the_app_restarts(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "t.db")
    Pictures(cache).keep(url(1), b"RIFF-one")
    cache.close()
    again = Pictures(Cache(tmp_path / "t.db"))  # a new process: nothing in memory
    assert again.get(url(1)) == b"RIFF-one"
    assert again.get(url(2)) is None


def test_the_store_stays_within_its_bound_dropping_the_least_recently_shown(
    tmp_path: Path,
) -> None:
    cache = Cache(tmp_path / "t.db")
    kept = Pictures(cache, keep_bytes=3_000)
    for n in range(1, 4):
        kept.keep(url(n), bytes([n]) * 1_000)
    fresh = Pictures(cache, keep_bytes=3_000)  # reads SQLite, so get() refreshes shown_at
    assert fresh.get(url(1)) is not None  # shown again: now the most recent
    fresh.keep(url(4), b"\x04" * 1_000)
    assert fresh.kept_bytes() <= 3_000
    later = Pictures(cache, keep_bytes=3_000)
    assert later.get(url(2)) is None  # shown longest ago: gone
    assert [later.get(url(n)) is not None for n in (1, 3, 4)] == [True, True, True]


def test_a_picture_larger_than_the_bound_is_shown_but_not_kept(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "t.db")
    kept = Pictures(cache, keep_bytes=2_000)
    kept.keep(url(1), b"a" * 1_000)
    kept.keep(url(9), b"b" * 5_000)
    assert kept.get(url(9)) == b"b" * 5_000  # this screen still shows it
    assert Pictures(cache, keep_bytes=2_000).get(url(9)) is None
    assert Pictures(cache, keep_bytes=2_000).get(url(1)) == b"a" * 1_000
