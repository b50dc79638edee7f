"""Send a look from the tablet's state objects (no Flet) over the real API and the real outbox:
a look composed as the Wi-Fi drops waits in the outbox as a command of kind "look", reaches
POST /v1/looks once when the network returns, and is listed on the customer; a channel whose
consent was withdrawn meanwhile is refused in the associate's words, nothing made."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, update
from sqlmodel import col

from app.server.customers.models import Customer
from app.server.outreach.models import Look, LookItem
from app.tablet.state.tablet import Tablet
from tests import factories
from tests.conftest import World
from tests.integration.test_tablet_offline import tablet, wifi
from tests.integration.test_tablet_state import log_in


def _client(world: World, *, whatsapp: bool) -> int:
    """A client who consented to clienteling and e-mail (and WhatsApp), with both addresses."""
    cid = factories.customer(
        world.db,
        consent=True,
        phone=factories.unique("+90555"),
        email=f"{factories.unique('look')}@example.com",
    )
    with world.db.write() as s:
        s.execute(
            update(Customer)
            .where(col(Customer.id) == cid)
            .values(consent_email=True, consent_whatsapp=whatsapp)
        )
    return cid


def _looks(world: World, customer_id: int) -> list[tuple[int, str, list[int]]]:
    with world.db.session() as s:
        looks = s.execute(
            select(Look.id, Look.channel).where(col(Look.customer_id) == customer_id)
        ).all()
        out = []
        for look_id, channel in looks:
            items = s.execute(
                select(LookItem.variant_id)
                .where(col(LookItem.look_id) == look_id)
                .order_by(col(LookItem.position))
            ).scalars()
            out.append((look_id, channel, list(items)))
        return out


def _compose(state: Tablet, name: str, sku: str, channel: str) -> None:
    look = state.look
    look.open()
    look.finder.search(name)
    [found] = look.finder.results
    look.finder.open_result(found.id)
    look.finder.add_variant(sku)
    look.use_template("new_in")
    look.choose_channel(channel)


def test_a_look_sent_offline_is_made_once_when_the_wifi_returns(
    world: World, tmp_path: Path
) -> None:
    b = world.base
    customer = _client(world, whatsapp=False)
    name = factories.unique("Kombin Ceket ")
    _, skus = factories.product(world.db, name_tr=name, stock={b.stores["IST01"]: 2})
    state = tablet(world, tmp_path)
    log_in(state)
    state.sync.sync_now()
    state.home.open_customer(customer)
    assert state.screen == "customer"
    _compose(state, name, skus[1], "email")
    assert state.look.chosen == [skus[1]] and state.look.channel == "email"

    wifi(state, world, up=False)
    state.look.send()
    state.look.send()  # a second tap: still one look
    assert state.look.queued
    [waiting] = state.look.queued_looks
    assert waiting.kind == "look" and waiting.customer_id == customer
    assert _looks(world, customer) == []

    wifi(state, world, up=True)
    state.sync.sync_now()
    state.sync.sync_now()
    [(look_id, channel, variants)] = _looks(world, customer)
    assert channel == "email" and len(variants) == 1
    assert state.look.queued_looks == []
    kit = state.gateway.offline
    assert kit is not None and kit.outbox.counts() == {"sent": 1}

    state.go_home()
    state.home.open_customer(customer)  # the customer scene reads the looks again
    assert [x.id for x in state.look.looks_for(customer)] == [look_id]
    assert state.look.look_status(state.look.looks_for(customer)[0]) in ("queued", "sent")


def test_a_consent_withdrawn_meanwhile_is_refused_in_words(world: World, tmp_path: Path) -> None:
    b = world.base
    customer = _client(world, whatsapp=True)
    name = factories.unique("Kombin Atkı ")
    _, skus = factories.product(world.db, name_tr=name, stock={b.stores["IST01"]: 1})
    state = tablet(world, tmp_path)
    log_in(state)
    state.home.open_customer(customer)
    _compose(state, name, skus[0], "whatsapp")
    assert state.look.channel == "whatsapp"
    with world.db.write() as s:  # by the opt-out link of an earlier message, say
        s.execute(
            update(Customer).where(col(Customer.id) == customer).values(consent_whatsapp=False)
        )
    state.look.send()
    notice = state.session.notice
    assert notice is not None and notice.key == "look_refused_consent"
    assert notice.values == {"channel": "WhatsApp"}
    assert not state.look.done and state.look.channel is None
    assert [c.channel for c in state.look.channels if c.allowed] == ["email"]
    with world.db.session() as s:
        made = s.execute(select(func.count()).where(col(Look.customer_id) == customer)).scalar_one()
    assert made == 0
    kit = state.gateway.offline
    assert kit is not None and kit.outbox.counts().get("failed", 0) == 0  # seen, not left

    state.look.choose_channel("email")
    state.look.send()
    assert [c for _, c, _ in _looks(world, customer)] == ["email"]
    assert state.look.result is not None and state.look.result.channel == "email"
