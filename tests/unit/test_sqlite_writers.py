"""SQLite's writers queue across processes on a file lock beside the database (app/server/db.py):
a read-modify-write of a shared file under it loses no update, from two processes at once and
from threads of each."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import StaticPool

from app.server.db import Database, SqliteWriters, make_engine

ROUNDS = 200


def _add(database: str, counter: str, rounds: int) -> None:
    """`rounds` increments of the counter from each of two threads; an increment is lost if
    another writer ran between its read and its write."""
    writers = SqliteWriters(database)
    threads = [
        threading.Thread(target=_count, args=(writers, Path(counter), rounds)) for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_two_processes_of_two_threads_never_write_at_once(tmp_path: Path) -> None:
    database = str(tmp_path / "reyon.db")
    counter = tmp_path / "counter"
    counter.write_text("0")
    # "spawn": each process opens the lock for itself, as uvicorn's workers do.
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_add, args=(database, str(counter), ROUNDS)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert int(counter.read_text()) == 2 * 2 * ROUNDS
    assert (tmp_path / "reyon.db.writers").exists()


def _count(writers: SqliteWriters, counter: Path, rounds: int) -> None:
    for _ in range(rounds):
        with writers:
            n = int(counter.read_text())
            counter.write_text(str(n + 1))


def test_a_forked_child_takes_the_lock_for_itself(tmp_path: Path) -> None:
    """A descriptor inherited across fork() shares the parent's lock, and both would write at
    once: the child opens its own."""
    writers = SqliteWriters(str(tmp_path / "reyon.db"))
    counter = tmp_path / "counter"
    counter.write_text("0")
    with writers:
        pass  # the parent's descriptor is open before the fork
    child = multiprocessing.get_context("fork").Process(
        target=_count, args=(writers, counter, ROUNDS)
    )
    child.start()
    _count(writers, counter, ROUNDS)
    child.join(120)
    assert child.exitcode == 0
    assert int(counter.read_text()) == 2 * ROUNDS


def test_an_in_memory_database_needs_no_file(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)  # a relative lock file would land here
    for url in (
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///file::memory:?uri=true",
        "sqlite:///file:shared?mode=memory&cache=shared&uri=true",
    ):
        # make_engine's pool is for files; one connection is what an in-memory database is.
        db = Database(create_engine(url, poolclass=StaticPool))
        with db.write() as session:
            session.execute(text("SELECT 1"))
        db.dispose()
    assert list(tmp_path.iterdir()) == []


def test_a_file_uri_locks_the_file_it_names(tmp_path: Path) -> None:
    """`file:` URIs name the same file as a plain path: both queue on one lock file."""
    db = Database(make_engine(f"sqlite:///file:{tmp_path / 'reyon.db'}?uri=true"))
    with db.write() as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
    db.dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".writers") == [
        "reyon.db.writers"
    ]
