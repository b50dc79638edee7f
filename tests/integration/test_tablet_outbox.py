"""The tablet's durable outbox and offline log-in against the real API: queued while the API
cannot be reached, sent once each when it can, refusals kept with their reason, two app
processes on one cache (one of them killed mid-drain) never applying a command twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.contracts.customers import TryOnCreate
from app.server.customers.models import TryOn
from app.tablet.cache.outbox import NewCommand, Outbox, backoff
from app.tablet.cache.people import OfflineLoginError
from app.tablet.client import ReyonClient
from app.tablet.offline import Offline
from tests import factories
from tests.conftest import World
from tests.factories import PIN
from tests.server import HANG_S

DEAD = "http://127.0.0.1:9"  # nothing listens there: the store's Wi-Fi is down
ROOT = Path(__file__).resolve().parents[2]


def _kit(tmp_path: Path, url: str) -> Offline:
    return Offline.open(
        ReyonClient(url, timeout=HANG_S), tmp_path / "cache.db", lease=timedelta(seconds=2)
    )


def _logged_in(world: World, kit: Offline, code: str = "t-associate") -> None:
    tablet = world.tablet("IST01")
    session = kit.client.login("IST01", code, PIN, tablet.device_id, tablet.device_secret)
    kit.people.remember("IST01", PIN, session)


def _try_ons(world: World, customer_id: int) -> int:
    with world.db.session() as s:
        return int(
            s.execute(
                select(func.count()).where(col(TryOn.customer_id) == customer_id)
            ).scalar_one()
        )


def _queue_try_ons(kit: Offline, customer_id: int, sku: str, n: int) -> list[str]:
    keys = []
    for _ in range(n):
        key = str(uuid.uuid4())
        keys.append(key)
        with kit.cache.write() as conn:
            Outbox.enqueue(
                conn,
                NewCommand(
                    kind="try_on",
                    path=f"/v1/customers/{customer_id}/try-ons",
                    body=TryOnCreate.model_validate({"sku": sku, "outcome": "liked"}),
                    key=key,
                    associate_code="t-associate",
                    store_code="IST01",
                    customer_id=customer_id,
                ),
            )
    return keys


def test_queued_while_offline_then_sent_once_each_in_order(world: World, tmp_path: Path) -> None:
    customer = factories.customer(world.db, consent=True)
    _, skus = factories.product(world.db)
    kit = _kit(tmp_path, world.url)
    _logged_in(world, kit)
    kit.client.set_base_url(DEAD)
    _queue_try_ons(kit, customer, skus[0], 5)
    report = kit.drain()
    assert report.sent == 0 and report.waiting == 1 and not kit.online
    assert kit.queued == 5 and _try_ons(world, customer) == 0
    # Being offline uses up no tries: the head keeps waiting, nothing is failed.
    head = kit.outbox.waiting()[0]
    assert head.attempts == 0 and head.error_kind == "offline" and head.status == "pending"

    kit.client.set_base_url(world.url)  # the Wi-Fi is back
    with kit.cache.write() as conn:  # and the backoff is over
        conn.exec_driver_sql("UPDATE outbox SET next_attempt_at = '2000-01-01 00:00:00'")
    report = kit.drain()
    assert report.sent == 5 and kit.queued == 0 and kit.online
    assert _try_ons(world, customer) == 5
    # Sending them all again changes nothing on the server: the API remembers every key.
    with kit.cache.write() as conn:
        conn.exec_driver_sql("UPDATE outbox SET status = 'pending'")
    assert kit.drain().sent == 5
    assert _try_ons(world, customer) == 5
    kit.close()


def test_a_refusal_is_kept_with_its_reason_and_never_retried(world: World, tmp_path: Path) -> None:
    customer = factories.customer(world.db, consent=True)
    _, skus = factories.product(world.db)
    kit = _kit(tmp_path, world.url)
    _logged_in(world, kit)
    _queue_try_ons(kit, customer, "NO-SUCH-SKU", 1)
    _queue_try_ons(kit, customer, skus[0], 1)
    report = kit.drain()
    assert report.failed == 1 and report.sent == 1  # the refusal does not block the queue
    failed = [c for c in kit.outbox.waiting() if c.status == "failed"]
    assert len(failed) == 1 and failed[0].error_kind and failed[0].error_detail
    assert kit.drain().sent == 0  # not sent again
    assert failed[0].id is not None
    kit.outbox.dismiss(failed[0].id)
    assert kit.outbox.waiting() == []
    kit.close()


def test_commands_wait_for_their_own_associate_to_log_in(world: World, tmp_path: Path) -> None:
    customer = factories.customer(world.db, consent=True)
    _, skus = factories.product(world.db)
    kit = _kit(tmp_path, world.url)
    _queue_try_ons(kit, customer, skus[0], 2)  # made by t-associate, who has no session here
    assert kit.drain().sent == 0 and kit.queued == 2
    _logged_in(world, kit)
    assert kit.drain().sent == 2
    kit.close()


def test_offline_log_in_only_for_who_logged_in_here_with_the_right_pin(
    world: World, tmp_path: Path
) -> None:
    kit = _kit(tmp_path, world.url)
    with pytest.raises(OfflineLoginError) as unknown:
        kit.people.log_in("IST01", "t-associate", PIN)
    assert unknown.value.reason == "unknown"
    _logged_in(world, kit)
    session = kit.people.log_in("IST01", "t-associate", PIN)
    assert session.associate.code == "t-associate"
    row = kit.cache.engine.connect().exec_driver_sql("SELECT pin_hash FROM associate").scalar()
    assert row and PIN not in str(row) and str(row).startswith("scrypt$")
    for _ in range(4):
        with pytest.raises(OfflineLoginError) as wrong:
            kit.people.log_in("IST01", "t-associate", "0000")
        assert wrong.value.reason == "wrong_pin"
    with pytest.raises(OfflineLoginError) as locked:
        kit.people.log_in("IST01", "t-associate", "0000")
    assert locked.value.reason == "locked"
    with pytest.raises(OfflineLoginError):  # even the right PIN, while locked
        kit.people.log_in("IST01", "t-associate", PIN)
    kit.close()


def test_backoff_grows_to_a_minute_with_jitter() -> None:
    import random

    rng = random.Random(1)
    waits = [backoff(n, rng).total_seconds() for n in range(1, 12)]
    assert 0.5 <= waits[0] <= 1.0 and all(w <= 60 for w in waits) and waits[-1] >= 30


_DRAINER = """
import sys, time
from datetime import timedelta
from app.tablet.client import ReyonClient
from app.tablet.offline import Offline
kit = Offline.open(ReyonClient(sys.argv[1], timeout=600), sys.argv[2], lease=timedelta(seconds=2))
print("ready", flush=True)
while kit.queued:
    kit.drain()
    time.sleep(0.01)
"""


@pytest.mark.slow
def test_two_processes_on_one_cache_one_killed_mid_drain_apply_each_once(
    world: World, tmp_path: Path
) -> None:
    customer = factories.customer(world.db, consent=True)
    _, skus = factories.product(world.db)
    kit = _kit(tmp_path, world.url)
    _logged_in(world, kit)
    _queue_try_ons(kit, customer, skus[0], 60)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _DRAINER, world.url, str(kit.cache.path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    # Kill one while both are sending: whatever it held goes back to the queue.
    deadline = time.monotonic() + HANG_S
    while _try_ons(world, customer) < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    procs[0].send_signal(signal.SIGKILL)
    procs[0].wait(10)
    # The survivor (and this process, once a killed sender's lease runs out) finish the rest.
    deadline = time.monotonic() + HANG_S
    while kit.queued and time.monotonic() < deadline:
        kit.drain()
        time.sleep(0.2)
    procs[1].wait(HANG_S)
    assert kit.queued == 0
    counts = kit.outbox.counts()
    assert counts.get("sent") == 60 and not counts.get("failed")
    assert _try_ons(world, customer) == 60  # every command once: none lost, none twice
    kit.close()


def test_a_sender_that_died_after_sending_is_repeated_and_applied_once(
    world: World, tmp_path: Path
) -> None:
    """The worst moment to die: the API applied the command, the tablet never wrote that down.
    Its lease runs out, another sender repeats it with the same key, and the API answers with
    the first response instead of applying it again."""
    customer = factories.customer(world.db, consent=True)
    _, skus = factories.product(world.db)
    kit = _kit(tmp_path, world.url)
    _logged_in(world, kit)
    _queue_try_ons(kit, customer, skus[0], 2)
    dead = Outbox(kit.cache, process_id="dead-process", lease=kit.outbox.lease)
    start = datetime.now(UTC)
    claimed = dead.claim(lambda store, who: True, start)
    assert claimed is not None and claimed.status == "pending"  # as read before the claim
    token = kit.people.token_for("IST01", "t-associate")
    assert token is not None
    kit.client.send(claimed.method, claimed.path, claimed.body, key=claimed.key, token=token)
    assert _try_ons(world, customer) == 1
    # While the lease holds, nobody overtakes the head of the queue.
    assert kit.outbox.send_one(kit.client, kit.people.token_for, now=start) is None
    later = start + kit.outbox.lease + timedelta(seconds=1)
    assert kit.outbox.send_one(kit.client, kit.people.token_for, now=later) == "sent"
    assert kit.outbox.send_one(kit.client, kit.people.token_for, now=later) == "sent"
    assert _try_ons(world, customer) == 2  # the repeated one was not applied twice
    kit.close()


def test_a_refused_session_stops_blocking_and_waits_for_a_new_log_in(
    world: World, tmp_path: Path
) -> None:
    customer = factories.customer(world.db, consent=True)
    _, skus = factories.product(world.db)
    kit = _kit(tmp_path, world.url)
    _logged_in(world, kit)
    with kit.cache.write() as conn:  # the API will not take this token any more
        conn.exec_driver_sql(
            "UPDATE associate SET session = json_set(session, '$.access_token', 'at1.forged')"
        )
    _queue_try_ons(kit, customer, skus[0], 2)
    report = kit.drain()
    assert report.sent == 0 and report.waiting == 1
    assert kit.people.token_for("IST01", "t-associate") is None  # not offered again
    head = kit.outbox.waiting()[0]
    assert head.status == "pending" and head.error_kind == "login-needed"
    assert kit.drain().waiting == 0  # nothing is tried with it meanwhile
    _logged_in(world, kit)  # the associate logs in again
    assert kit.drain().sent == 2 and _try_ons(world, customer) == 2
    kit.close()


def test_offline_log_in_needs_a_recent_online_one(world: World, tmp_path: Path) -> None:
    kit = _kit(tmp_path, world.url)
    _logged_in(world, kit)
    with kit.cache.write() as conn:
        conn.exec_driver_sql(
            "UPDATE associate SET last_login_at = ?",
            (datetime.now(UTC) - timedelta(days=8),),
        )
    with pytest.raises(OfflineLoginError) as old:
        kit.people.log_in("IST01", "t-associate", PIN)
    assert old.value.reason == "too_old"
    kit.close()
