"""The tablet's side of enrolment and the manager's tablets-and-staff scene, through the
state objects against the real API (no Flet)."""

from __future__ import annotations

import uuid

import pytest

from app.tablet.client import ReyonClient
from app.tablet.gateway.live import LiveGateway
from app.tablet.problem import ApiProblem
from app.tablet.state.tablet import Tablet
from tests.conftest import World
from tests.integration.test_offline_coupons import _staff
from tests.integration.test_tablet_state import log_in, state_for
from tests.server import HANG_S


def _manager(world: World) -> Tablet:
    state = state_for(world)
    log_in(state, "t-manager")
    assert state.screen == "home", state.login.error
    state.manager.show()
    state.team.show()
    assert state.screen == "team" and state.team.error is None
    return state


def test_a_new_tablet_enrols_with_the_managers_code_and_then_logs_in(world: World) -> None:
    remembered: dict[str, str] = {}
    fresh = Tablet(
        LiveGateway(ReyonClient(world.url, timeout=HANG_S)), remember=remembered.__setitem__
    )
    assert fresh.screen == "enrol" and not fresh.session.enrolled
    fresh.enrolment.enrol()
    assert fresh.enrolment.error == "enrol_code_needed" and fresh.screen == "enrol"
    fresh.enrolment.code = "ABCD-EFGH"
    fresh.enrolment.enrol()
    assert fresh.enrolment.error == "enrol_code_invalid" and fresh.screen == "enrol"

    manager = _manager(world)
    manager.team.make_code()
    assert manager.team.code is not None and manager.team.done == "team_code_made"
    fresh.enrolment.code = manager.team.code.code
    fresh.enrolment.name = "Kasa 3"
    fresh.enrolment.enrol()
    assert fresh.screen == "login" and fresh.session.enrolled and fresh.enrolment.error is None
    assert remembered["enrolled_device_id"] == fresh.session.device_id
    assert remembered["device_secret"] == fresh.session.device_secret
    assert fresh.till.till_id == fresh.session.device_id and fresh.login.store_code == "IST01"
    log_in(fresh)
    assert fresh.screen == "home", fresh.login.error

    # The manager sees it, revokes it (asked to confirm first), and it is out.
    manager.team.load()
    assert fresh.session.device_id in {d.id for d in manager.team.devices}
    manager.team.ask("revoke", fresh.session.device_id)
    assert manager.team.confirming == ("revoke", fresh.session.device_id)
    manager.team.cancel()
    assert all(
        d.revoked_at is None for d in manager.team.devices if d.id == fresh.session.device_id
    )
    manager.team.ask("revoke", fresh.session.device_id)
    manager.team.confirm()
    assert manager.team.done == "team_revoked"
    assert any(d.revoked_at for d in manager.team.devices if d.id == fresh.session.device_id)
    fresh.log_out()
    log_in(fresh)
    assert fresh.screen == "login" and fresh.login.error == "device_not_enrolled"
    fresh.enrolment.start()  # what the log-in scene offers with that message
    assert fresh.screen == "enrol"


def test_the_manager_unlocks_and_deactivates_from_the_team_scene(world: World) -> None:
    code = f"t-team-{uuid.uuid4().hex[:6]}"
    _staff(world, code, "associate", "IST01")
    other = state_for(world)
    for _ in range(5):
        log_in(other, code, pin="9999")
    assert other.login.error == "locked"

    manager = _manager(world)
    member = next(s for s in manager.team.staff if s.code == code)
    assert member.locked_on == [other.session.device_id]
    manager.team.unlock(member.id)
    assert manager.team.done == "team_unlocked"
    assert next(s for s in manager.team.staff if s.code == code).locked_on == []
    log_in(other, code)
    assert other.screen == "home"

    manager.team.ask("deactivate", str(member.id))
    manager.team.confirm()
    assert manager.team.done == "team_deactivated"
    assert not next(s for s in manager.team.staff if s.code == code).active
    with pytest.raises(ApiProblem) as refused:  # their session on the other tablet is over
        other.gateway.client.locations()
    assert refused.value.kind == "session-ended"
    manager.team.activate(member.id)
    assert next(s for s in manager.team.staff if s.code == code).active


def test_only_a_manager_opens_the_team_scene(world: World) -> None:
    state = state_for(world)
    log_in(state)
    state.team.show()
    assert state.screen == "home"
