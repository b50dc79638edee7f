"""`reyon worker`: sends the messages of looks from the outbox and the reminders of
appointments, round after round, makes the follow-up tasks of the client book every
`task_generation_minutes`, and learns what is bought together every `recommendation_minutes`.

Run as many as you like, on as many machines as share the database: every message is claimed
before it is sent (app/server/outreach/sender.py). Housekeeping (holds, pickup notices, pruning)
stays in the API processes. Tasks are inserted if absent under a unique key, so two workers
making them at once make each task once."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import Counter

from app.server.clienteling.generate import generate_tasks
from app.server.clienteling.reminders import remind_round
from app.server.db import Database, make_engine, utcnow
from app.server.messaging import Messaging
from app.server.outreach.sender import Outcome, deliver_round
from app.server.recommend.refresh import refresh
from app.settings import ApiSettings

log = logging.getLogger("reyon.worker")
BATCH = 50


def worker_name() -> str:
    """Who holds a claim, for the operator reading the table: host and process."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def run(
    settings: ApiSettings,
    stop: threading.Event,
    *,
    db: Database | None = None,
    name: str | None = None,
    rounds: int | None = None,
) -> None:
    """Rounds every `worker_poll_seconds` until `stop` is set; a round that filled its batch
    is followed by the next at once (a backlog drains at full speed). A stop lets the message
    in hand finish and settle, then returns. `rounds`: at most that many (None: until stopped)."""
    own = db is None
    database = db or Database(
        make_engine(settings.database_url, pool_size=2, application_name="reyon-worker")
    )
    messaging = Messaging.from_settings(settings)
    me = name or worker_name()
    log.info("worker %s started, every %.1f s", me, settings.worker_poll_seconds)
    try:
        done = 0
        tasks_due = 0.0  # the first round makes them
        learn_due = 0.0  # and learns what is bought together
        while not stop.is_set() and (rounds is None or done < rounds):
            done += 1
            started = time.perf_counter()
            try:
                counts = deliver_round(
                    database, messaging, settings, worker_id=me, limit=BATCH, stop=stop
                )
            except Exception:  # the database away for a moment: the next round tries again
                log.exception("worker round failed")
                counts = Counter()
            _log_round(counts, time.perf_counter() - started)
            _remind(database, messaging, settings, stop)
            if time.monotonic() >= tasks_due:
                tasks_due = time.monotonic() + settings.task_generation_minutes * 60
                _make_tasks(database, settings)
            if time.monotonic() >= learn_due:
                learn_due = time.monotonic() + settings.recommendation_minutes * 60
                _learn(database)
            if counts.total() < BATCH and (rounds is None or done < rounds):
                stop.wait(settings.worker_poll_seconds)
    finally:
        if own:
            database.dispose()
        log.info("worker %s stopped", me)


def _remind(
    database: Database, messaging: Messaging, settings: ApiSettings, stop: threading.Event
) -> None:
    try:
        sent = remind_round(database, messaging, settings, limit=BATCH, stop=stop)
    except Exception:  # as a failed round: the next one tries again
        log.exception("appointment reminders round failed")
        return
    log.log(logging.INFO if sent else logging.DEBUG, "appointment reminders sent: %d", sent)


def _make_tasks(database: Database, settings: ApiSettings) -> None:
    try:
        made = generate_tasks(database, now=utcnow(), tz=settings.timezone)
    except Exception:  # as a failed round: the next time tries again
        log.exception("follow-up tasks not made")
        return
    log.log(logging.INFO if made else logging.DEBUG, "follow-up tasks made: %d", made)


def _learn(database: Database) -> None:
    started = time.perf_counter()
    try:
        pairs = refresh(database, now=utcnow())
    except Exception:  # as a failed round: the next time tries again
        log.exception("recommendations not learnt")
        return
    if pairs is not None:
        log.info("recommendations learnt: %d pairs in %.1f s", pairs, time.perf_counter() - started)


def _log_round(counts: Counter[Outcome], seconds: float) -> None:
    # An idle round is worth a line only when debugging: every few seconds, all day.
    level = logging.INFO if counts.total() else logging.DEBUG
    figures = " ".join(
        f"{name}={counts[name]}"
        for name in ("sent", "blocked", "deferred", "retry", "failed", "taken")
    )
    log.log(level, "outreach round: %s in %.0f ms", figures, seconds * 1000)
