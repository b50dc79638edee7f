"""Enrolled tablets, sessions that end, and a PIN lock-out nobody can aim at a whole chain
(issue 11, findings 4, 5 and 7), on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update
from sqlmodel import col

from app.contracts.devices import DeviceCredential
from app.qr.signing import sign
from app.server.auth.models import PinLock
from app.server.db import utcnow
from app.server.deps import ACCESS_TOKEN_KIND
from app.server.devices.models import DeviceEnrolment
from tests import factories
from tests.conftest import World
from tests.integration.test_failures import _wait_until
from tests.integration.test_offline_coupons import _associate_id, _staff
from tests.integration.test_sync_scope import feed, head, note, notes_in
from tests.server import HANG_S, TEST_SECRET, start_api


def _login(
    world: World, device: DeviceCredential, who: str, *, pin: str = factories.PIN, url: str = ""
) -> httpx.Response:
    return httpx.post(
        f"{url or world.url}/v1/auth/login",
        json=factories.login_body(device, who, pin=pin),
        timeout=HANG_S,
    )


def _as(world: World, token: str, url: str = "") -> httpx.Client:
    return httpx.Client(
        base_url=url or world.url, headers={"Authorization": f"Bearer {token}"}, timeout=HANG_S
    )


def _token(world: World, device: DeviceCredential, who: str) -> str:
    r = _login(world, device, who)
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def _kind(r: httpx.Response) -> str:
    return str(r.json()["type"]).rsplit("/", 1)[-1]


# -- finding 5: a device id claimed at log-in ---------------------------------------------


def test_claiming_another_tablets_id_gets_no_log_in_and_no_feed(world: World) -> None:
    """The probe logged in at ANK01 naming the IST01 tablet's id and read its change feed.
    Now the id is the server's, and the secret behind it is checked first."""
    _staff(world, "t-ank-associate", "associate", "ANK01")
    ist01 = factories.tablet(world.db, "IST01")
    private = factories.customer(world.db)  # no consent: only its QR opens it, at IST01
    cursor = head(world)
    with _as(world, _token(world, ist01, "t-associate")) as tablet:
        r = tablet.post(
            "/v1/customers/identify", json={"token": factories.identity_code(world.db, private)}
        )
        assert r.status_code == 200, r.text
        with world.client() as colleague:
            written = note(colleague, private, "Looking for a wedding outfit")
        assert notes_in(feed(tablet, cursor)) == {private: {str(written)}}

    claimed = DeviceCredential(
        device_id=ist01.device_id, device_secret="guessed", store_code="ANK01", name="x"
    )
    r = _login(world, claimed, "t-ank-associate")
    assert r.status_code == 401 and _kind(r) == "device-not-enrolled"
    # Even with the real secret: the tablet is IST01's, not ANK01's.
    stolen = ist01.model_copy(update={"store_code": "ANK01"})
    r = _login(world, stolen, "t-ank-associate")
    assert r.status_code == 401 and _kind(r) == "device-not-enrolled"
    # On ANK01's own tablet the associate's feed holds nothing of that customer.
    with _as(world, _token(world, world.tablet("ANK01"), "t-ank-associate")) as ank:
        assert private not in notes_in(feed(ank, cursor))


def test_a_manager_enrols_a_tablet_with_a_one_time_code(world: World) -> None:
    with world.client("t-manager") as manager, world.client("t-associate") as associate:
        assert associate.post("/v1/devices/enrolment-codes", json={}).status_code == 403
        r = manager.post("/v1/devices/enrolment-codes", json={"name": "Kasa 2"})
        assert r.status_code == 201, r.text
        code = r.json()["code"]
        assert len(code) == 9 and code[4] == "-"

        typed = code.lower().replace("-", " ")  # as people type it
        r = httpx.post(f"{world.url}/v1/devices/enrol", json={"code": typed}, timeout=HANG_S)
        assert r.status_code == 201, r.text
        device = DeviceCredential.model_validate(r.json())
        assert device.store_code == "IST01" and device.name == "Kasa 2"
        assert device.device_id.startswith("IST01-") and len(device.device_secret) >= 40

        again = httpx.post(f"{world.url}/v1/devices/enrol", json={"code": code}, timeout=HANG_S)
        assert again.status_code == 400 and _kind(again) == "enrolment-code-invalid"
        assert _login(world, device, "t-associate").status_code == 200

        listed = manager.get("/v1/devices").json()["items"]
        assert device.device_id in {d["id"] for d in listed}
        assert "secret" not in str(listed).lower()


def test_an_expired_or_unknown_enrolment_code_enrols_nothing(world: World) -> None:
    with world.client("t-manager") as manager:
        code = manager.post("/v1/devices/enrolment-codes", json={}).json()["code"]
    with world.db.write() as s:
        s.execute(
            update(DeviceEnrolment)
            .where(col(DeviceEnrolment.used_at).is_(None))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    for attempt in (code, "ABCD-EFGH", "x" * 32):
        r = httpx.post(f"{world.url}/v1/devices/enrol", json={"code": attempt}, timeout=HANG_S)
        assert r.status_code == 400 and _kind(r) == "enrolment-code-invalid", attempt
    long = httpx.post(f"{world.url}/v1/devices/enrol", json={"code": "x" * 5000}, timeout=HANG_S)
    assert long.status_code == 422


def test_enrolment_attempts_are_rate_limited(world: World, tmp_path: Path) -> None:
    api = start_api(
        world.database_url, log_dir=tmp_path, extra_env={"REYON_ENROL_LIMIT_PER_CLIENT": "3/hour"}
    )
    try:
        answers = [
            httpx.post(f"{api.url}/v1/devices/enrol", json={"code": f"NOPE-{n:04}"})
            for n in range(4)
        ]
    finally:
        api.stop()
    assert [r.status_code for r in answers] == [400, 400, 400, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1


def test_a_revoked_tablet_is_out_at_once(world: World) -> None:
    device = factories.tablet(world.db, "IST01")
    token = _token(world, device, "t-associate")
    with _as(world, token) as tablet, world.client("t-manager") as manager:
        assert tablet.get("/v1/locations").status_code == 200
        r = manager.post(f"/v1/devices/{device.device_id}/revoke")
        assert r.status_code == 200 and r.json()["revoked_at"] is not None
        r = tablet.get("/v1/locations")
        assert r.status_code == 401 and _kind(r) == "session-ended"
    r = _login(world, device, "t-associate")
    assert r.status_code == 401 and _kind(r) == "device-not-enrolled"


def test_a_manager_cannot_revoke_another_stores_tablet(world: World) -> None:
    _staff(world, "t-ank-manager", "manager", "ANK01")
    device = factories.tablet(world.db, "IST01")
    with world.client("t-ank-manager") as other:
        assert other.post(f"/v1/devices/{device.device_id}/revoke").status_code == 404
        assert device.device_id not in str(other.get("/v1/devices").json())
    assert _login(world, device, "t-associate").status_code == 200


# -- finding 7: sessions that end ----------------------------------------------------------


def test_log_out_ends_the_session(world: World) -> None:
    token = _token(world, world.tablet(), "t-associate")
    with _as(world, token) as c:
        assert c.get("/v1/locations").status_code == 200
        assert c.post("/v1/auth/logout").status_code == 204
        r = c.get("/v1/locations")
        assert r.status_code == 401 and _kind(r) == "session-ended"
        assert c.post("/v1/auth/logout").status_code == 401


def test_deactivating_an_associate_ends_their_sessions_and_log_ins(world: World) -> None:
    code = f"t-leaver-{uuid.uuid4().hex[:6]}"
    _staff(world, code, "associate", "IST01")
    leaver = _associate_id(world, code)
    token = _token(world, world.tablet(), code)
    with _as(world, token) as c, world.client("t-manager") as manager:
        assert c.get("/v1/locations").status_code == 200
        assert manager.post(f"/v1/associates/{leaver}/deactivate").status_code == 204
        r = c.get("/v1/locations")
        assert r.status_code == 401 and _kind(r) == "session-ended"
        assert _login(world, world.tablet(), code).status_code == 401
        assert manager.post(f"/v1/associates/{leaver}/activate").status_code == 204
        assert _login(world, world.tablet(), code).status_code == 200
        me = _associate_id(world, "t-manager")
        assert manager.post(f"/v1/associates/{me}/deactivate").status_code == 409


def test_a_manager_of_another_store_cannot_deactivate_or_unlock(world: World) -> None:
    _staff(world, "t-ank-manager", "manager", "ANK01")
    target = _associate_id(world, "t-associate")
    with world.client("t-ank-manager") as other:
        assert other.post(f"/v1/associates/{target}/deactivate").status_code == 404
        assert other.post(f"/v1/associates/{target}/unlock").status_code == 404
        store = world.base.stores["IST01"]
        assert other.get(f"/v1/stores/{store}/staff").status_code == 403
    assert _login(world, world.tablet(), "t-associate").status_code == 200


def test_an_end_made_through_one_api_process_holds_on_another(world: World, tmp_path: Path) -> None:
    """Two API processes over one database. The second remembers an open session for the
    recheck time (0 here: it asks every time); a session ended through the first is refused
    by the second on the very next request."""
    second = start_api(
        world.database_url, log_dir=tmp_path, extra_env={"REYON_SESSION_RECHECK_SECONDS": "0"}
    )
    try:
        token = _token(world, world.tablet(), "t-associate")
        with _as(world, token) as first, _as(world, token, second.url) as other:
            assert other.get("/v1/locations").status_code == 200
            assert first.post("/v1/auth/logout").status_code == 204
            assert other.get("/v1/locations").status_code == 401
    finally:
        second.stop()


def test_with_the_default_recheck_another_process_refuses_soon(
    world: World, tmp_path: Path
) -> None:
    second = start_api(world.database_url, log_dir=tmp_path)  # the default recheck time
    try:
        token = _token(world, world.tablet(), "t-associate")
        with _as(world, token) as first, _as(world, token, second.url) as other:
            assert other.get("/v1/locations").status_code == 200  # remembered as open
            assert first.post("/v1/auth/logout").status_code == 204
            _wait_until(
                "the second process refuses the ended session",
                lambda: other.get("/v1/locations").status_code == 401,
            )
    finally:
        second.stop()


def test_a_token_without_a_session_is_refused(world: World) -> None:
    """Tokens from before sessions existed (or forged with a leaked key) name no session."""
    at = int(time.time())
    old = sign(
        ACCESS_TOKEN_KIND,
        {"sub": 1, "role": "manager", "store": 1, "dev": "x", "exp": at + 600, "iat": at},
        TEST_SECRET.encode(),
    )
    made_up = sign(
        ACCESS_TOKEN_KIND,
        {"sub": 1, "role": "manager", "store": 1, "dev": "x", "sid": "nope", "exp": at + 600},
        TEST_SECRET.encode(),
    )
    for token in (old, made_up):
        with _as(world, token) as c:
            assert c.get("/v1/locations").status_code == 401


# -- finding 4: a lock-out nobody can aim at every tablet ------------------------------------


def test_wrong_pins_lock_the_associate_on_that_tablet_only_and_a_manager_unlocks(
    world: World,
) -> None:
    code = f"t-locked-{uuid.uuid4().hex[:6]}"
    _staff(world, code, "associate", "IST01")
    who = _associate_id(world, code)
    here, there = factories.tablet(world.db), factories.tablet(world.db)
    left_open = _token(world, here, code)  # logged in here earlier, and left so
    answers = [_login(world, here, code, pin="9999").status_code for _ in range(5)]
    assert answers == [401] * 4 + [423]
    with _as(world, left_open) as c:  # the lock ends it: the guesser has that tablet
        r = c.get("/v1/locations")
        assert r.status_code == 401 and _kind(r) == "session-ended"
    assert _login(world, here, code).status_code == 423  # the right PIN, still locked here
    assert _login(world, there, code).status_code == 200  # another tablet: not locked

    store = world.base.stores["IST01"]
    with world.client("t-manager") as manager:
        staff = {s["code"]: s for s in manager.get(f"/v1/stores/{store}/staff").json()["items"]}
        assert staff[code]["locked_on"] == [here.device_id] and staff[code]["active"]
        assert manager.post(f"/v1/associates/{who}/unlock").status_code == 204
        staff = {s["code"]: s for s in manager.get(f"/v1/stores/{store}/staff").json()["items"]}
        assert staff[code]["locked_on"] == []
    assert _login(world, here, code).status_code == 200


def test_a_flood_without_an_enrolled_tablet_counts_no_wrong_pin(world: World) -> None:
    code = f"t-target-{uuid.uuid4().hex[:6]}"
    _staff(world, code, "associate", "IST01")
    who = _associate_id(world, code)
    for n in range(12):
        stranger = DeviceCredential(
            device_id=f"IST01-{n:08x}", device_secret="x" * 43, store_code="IST01", name="x"
        )
        r = _login(world, stranger, code, pin="9999")
        assert r.status_code == 401 and _kind(r) == "device-not-enrolled"
    with world.db.session() as s:
        assert s.execute(select(PinLock).where(col(PinLock.associate_id) == who)).all() == []
    assert _login(world, world.tablet(), code).status_code == 200


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": 12345678}, {"code": "A", "x": 1}])
def test_malformed_enrolments_are_422(world: World, body: dict) -> None:
    r = httpx.post(f"{world.url}/v1/devices/enrol", json=body, timeout=HANG_S)
    assert r.status_code == 422, r.text


def test_reyon_enrol_code_gives_a_stores_first_tablet_its_code(world: World) -> None:
    """The operator's way in, when no manager of the store has a tablet yet."""

    def enrol_code(store: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", "enrol-code", "--store", store, "--name", "Kasa 1"],
            env={**os.environ, "REYON_DATABASE_URL": world.database_url},
            capture_output=True,
            text=True,
            timeout=HANG_S,
        )

    done = enrol_code(" izm01 ")
    assert done.returncode == 0, done.stderr
    code = done.stdout.split()[0]
    r = httpx.post(f"{world.url}/v1/devices/enrol", json={"code": code}, timeout=HANG_S)
    assert r.status_code == 201, r.text
    assert r.json()["store_code"] == "IZM01" and r.json()["name"] == "Kasa 1"
    unknown = enrol_code("NOPE")
    assert unknown.returncode == 2 and unknown.stderr.strip() == "reyon enrol-code: no store NOPE"
