"""Transfers of units between stores (issue 14): a store asks another for units (held at the
sender at once), the sender's task list, sending by scanning (the units are in transit and the
receiver's availability shows them as incoming), receiving by scanning (whole, or partly with
the differences recorded), cancel and refuse before sending, every refusal, and racing tablets
that send or receive one transfer at once. Real HTTP, SQLite and PostgreSQL.

IST01 (t-associate) asks ANK01 (t-ank-associate) in most tests; an İzmir associate plays the
store that has nothing to do with the transfer. Each test makes its own product, so its stock
numbers are its own."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.contracts.inventory import Availability, ProductStock
from app.contracts.transfers import TransferList, TransferOut
from app.server.auth.models import Associate
from app.server.catalog.models import Variant
from app.server.inventory.models import Reservation, StockLevel
from app.server.inventory.transfer_models import TransferLine
from app.server.sync.changelog import number_committed
from app.server.sync.models import ChangeLog
from tests import factories
from tests.conftest import World
from tests.integration.test_concurrency import assert_stock_consistent, race
from tests.server import HANG_S

PROBLEM = "https://reyon.dev/problems/"


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _kind(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM)


def _ean(world: World, sku: str) -> str:
    with world.db.session() as s:
        return str(s.execute(select(Variant.ean13).where(col(Variant.sku) == sku)).scalar_one())


def _stock(world: World, sku: str, location_id: int) -> tuple[int, int, int]:
    """(on_hand, reserved, incoming) of one stock row; zeros when the row does not exist."""
    with world.db.session() as s:
        vid = s.execute(select(Variant.id).where(col(Variant.sku) == sku)).scalar_one()
        row = s.get(StockLevel, (vid, location_id))
        return (row.on_hand, row.reserved, row.incoming) if row else (0, 0, 0)


def _product_of(world: World, sku: str) -> int:
    with world.db.session() as s:
        return int(
            s.execute(select(Variant.product_id).where(col(Variant.sku) == sku)).scalar_one()
        )


def _feed_head(world: World) -> int:
    number_committed(world.db)  # as a feed reader would: what has committed, numbered
    with world.db.session() as s:
        return int(s.execute(select(func.coalesce(func.max(ChangeLog.seq), 0))).scalar_one())


def _where(c: httpx.Client, sku: str, location_id: int) -> dict[str, Any]:
    """One location's row of GET /v1/availability, checked against the contract."""
    r = c.get(f"/v1/availability/{sku}")
    assert r.status_code == 200, r.text
    found = Availability.model_validate_json(r.content)
    [row] = [loc for loc in found.locations if loc.location_id == location_id]
    return row.model_dump()


def _request(c: httpx.Client, source: int, lines: dict[str, int], **extra: Any) -> httpx.Response:
    body = {
        "from_location_id": source,
        "reason": "shelf",
        "lines": [{"sku": sku, "quantity": q} for sku, q in lines.items()],
        **extra,
    }
    return c.post("/v1/transfers", json=body, headers=_key())


def _requested(c: httpx.Client, source: int, lines: dict[str, int]) -> dict[str, Any]:
    r = _request(c, source, lines)
    assert r.status_code == 201, r.text
    return dict(TransferOut.model_validate_json(r.content).model_dump(mode="json"))


def _send(c: httpx.Client, transfer_id: int, body: dict[str, Any] | None = None) -> httpx.Response:
    return c.post(f"/v1/transfers/{transfer_id}/send", json=body, headers=_key())


def _receive(c: httpx.Client, transfer_id: int, body: dict[str, Any]) -> httpx.Response:
    return c.post(f"/v1/transfers/{transfer_id}/receive", json=body, headers=_key())


def _step(c: httpx.Client, transfer_id: int, step: str) -> httpx.Response:
    return c.post(f"/v1/transfers/{transfer_id}/{step}", headers=_key())


def _listed(c: httpx.Client, store: int, direction: str) -> dict[int, dict[str, Any]]:
    r = c.get(f"/v1/stores/{store}/transfers/{direction}")
    assert r.status_code == 200, r.text
    page = TransferList.model_validate_json(r.content)
    return {t.id: t.model_dump(mode="json") for t in page.transfers}


def _lines(transfer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["sku"]: line for line in transfer["lines"]}


_IZMIR_TOKENS: dict[str, str] = {}


@pytest.fixture
def izmir(world: World) -> Iterator[httpx.Client]:
    """An associate of IZM01, a store with no part in these transfers."""
    if world.url not in _IZMIR_TOKENS:
        code = factories.unique("t-izm-")
        with world.db.write() as s:
            s.add(
                Associate(
                    code=code,
                    name="Izmir Associate",
                    role="associate",
                    home_location_id=world.base.stores["IZM01"],
                    pin_hash=factories.PIN_HASH,
                )
            )
        r = world.login(code, store="IZM01")
        assert r.status_code == 200, r.text
        _IZMIR_TOKENS[world.url] = r.json()["access_token"]
    with httpx.Client(
        base_url=world.url,
        timeout=HANG_S,
        headers={"Authorization": f"Bearer {_IZMIR_TOKENS[world.url]}"},
    ) as c:
        yield c


@pytest.fixture
def stores(world: World) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """The requesting store's tablet (IST01) and the sending store's (ANK01)."""
    with world.client() as ist, world.client("t-ank-associate") as ank:
        yield ist, ank


@pytest.fixture
def shirt(world: World) -> list[str]:
    """Sizes S, M and L: 5 of each at ANK01, 1 at IST01."""
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["ANK01"]: 5, b.stores["IST01"]: 1})
    return skus


# --- request ------------------------------------------------------------------------------------


def test_a_request_holds_the_units_at_the_sender_and_lands_on_its_task_list(
    world: World, stores: tuple[httpx.Client, httpx.Client], shirt: list[str]
) -> None:
    b = world.base
    ist01, ank01 = b.stores["IST01"], b.stores["ANK01"]
    ist, ank = stores
    assert _where(ist, shirt[0], ank01)["available"] == 5
    key = _key()
    body = {
        "from_location_id": ank01,
        "reason": "customer",
        "customer_id": b.consenting_customer,
        "note": "Ayşe Hanım cumartesi gelecek",
        "lines": [{"sku": shirt[0], "quantity": 2}, {"sku": shirt[1], "quantity": 1}],
    }
    r = ist.post("/v1/transfers", json=body, headers=key)
    assert r.status_code == 201, r.text
    transfer = TransferOut.model_validate_json(r.content)
    assert (transfer.status, transfer.reason) == ("requested", "customer")
    assert (transfer.from_code, transfer.to_code) == ("ANK01", "IST01")
    assert transfer.customer_id == b.consenting_customer and transfer.sent_at is None
    lines = {line.sku: line for line in transfer.lines}
    assert (lines[shirt[0]].quantity, lines[shirt[0]].sent, lines[shirt[0]].in_transit) == (2, 0, 0)
    assert lines[shirt[0]].ean13 == _ean(world, shirt[0]) and lines[shirt[0]].size == "S"

    # Held at the sender: it cannot sell them meanwhile.
    held = _where(ist, shirt[0], ank01)
    assert (held["on_hand"], held["reserved"], held["available"]) == (5, 2, 3)
    assert _where(ist, shirt[1], ank01)["available"] == 4
    assert _where(ist, shirt[0], ist01)["incoming"] == 0  # not on its way yet
    # A retry of the same request is answered as the first time, and holds nothing more.
    again = ist.post("/v1/transfers", json=body, headers=key)
    assert again.status_code == 201 and again.json()["id"] == transfer.id
    assert _stock(world, shirt[0], ank01) == (5, 2, 0)
    assert_stock_consistent(world, shirt[0])

    # The sender's task, the requester's list; both stores see it.
    assert transfer.id in _listed(ank, ank01, "outgoing")
    assert transfer.id in _listed(ist, ist01, "incoming")
    assert transfer.id not in _listed(ist, ist01, "outgoing")
    for c in (ist, ank):
        seen = c.get(f"/v1/transfers/{transfer.id}")
        assert seen.status_code == 200 and seen.json()["status"] == "requested"


def test_requests_that_cannot_be_met_are_refused_and_hold_nothing(
    world: World, stores: tuple[httpx.Client, httpx.Client], shirt: list[str]
) -> None:
    b = world.base
    ist01, ank01 = b.stores["IST01"], b.stores["ANK01"]
    ist, _ = stores
    same = _request(ist, ist01, {shirt[0]: 1})
    assert (same.status_code, _kind(same)) == (422, "transfer-same-store")

    # The first line could be held, the second not: nothing is held at all.
    short = _request(ist, ank01, {shirt[0]: 2, shirt[1]: 6})
    assert (short.status_code, _kind(short)) == (409, "transfer-not-available")
    assert (short.json()["sku"], short.json()["available"]) == (shirt[1], 5)
    assert _stock(world, shirt[0], ank01) == (5, 0, 0)

    unknown = _request(ist, ank01, {shirt[0]: 1, "NO-SUCH-SKU": 1})
    assert (unknown.status_code, _kind(unknown)) == (422, "unknown-sku")
    assert unknown.json()["line_index"] == 1
    nowhere = _request(ist, 999_999, {shirt[0]: 1})
    assert (nowhere.status_code, _kind(nowhere)) == (422, "unknown-location")
    nobody = _request(ist, ank01, {shirt[0]: 1}, reason="customer", customer_id=999_999)
    assert nobody.status_code == 404
    unnamed = _request(ist, ank01, {shirt[0]: 1}, reason="customer")
    assert unnamed.status_code == 422
    twice = ist.post(
        "/v1/transfers",
        json={
            "from_location_id": ank01,
            "reason": "shelf",
            "lines": [{"sku": shirt[0], "quantity": 1}, {"sku": shirt[0], "quantity": 1}],
        },
        headers=_key(),
    )
    assert twice.status_code == 422
    for sku in shirt:
        assert _stock(world, sku, ank01) == (5, 0, 0)
    with world.db.session() as s:
        vids = s.execute(select(Variant.id).where(col(Variant.sku).in_(shirt))).scalars().all()
        lines = s.execute(select(TransferLine).where(col(TransferLine.variant_id).in_(vids)))
        assert lines.first() is None


def test_only_the_two_stores_see_a_transfer_and_each_does_its_own_steps(
    world: World,
    stores: tuple[httpx.Client, httpx.Client],
    izmir: httpx.Client,
    shirt: list[str],
) -> None:
    b = world.base
    ist, ank = stores
    transfer = _requested(ist, b.stores["ANK01"], {shirt[0]: 1})
    tid = transfer["id"]
    forbidden = [
        izmir.get(f"/v1/transfers/{tid}"),
        _send(izmir, tid),
        _step(izmir, tid, "cancel"),
        _step(izmir, tid, "refuse"),
        _send(ist, tid),  # the requester does not send
        _step(ist, tid, "refuse"),  # nor refuse its own request
        _step(ank, tid, "cancel"),  # the sender refuses; it does not cancel
    ]
    for r in forbidden:
        assert (r.status_code, _kind(r)) == (403, "transfer-wrong-store"), r.text
    assert _send(ank, tid).status_code == 200
    for r in (
        _receive(izmir, tid, {"scans": [shirt[0]]}),
        _receive(ank, tid, {"scans": [shirt[0]]}),
    ):
        assert (r.status_code, _kind(r)) == (403, "transfer-wrong-store"), r.text
    other = izmir.get(f"/v1/stores/{b.stores['ANK01']}/transfers/outgoing")
    assert (other.status_code, _kind(other)) == (403, "wrong-store")
    assert ist.get("/v1/transfers/999999").status_code == 404


# --- send ---------------------------------------------------------------------------------------


def test_sending_by_scanning_puts_the_units_in_transit_and_shows_them_incoming(
    world: World, stores: tuple[httpx.Client, httpx.Client], shirt: list[str]
) -> None:
    b = world.base
    ist01, ank01 = b.stores["IST01"], b.stores["ANK01"]
    ist, ank = stores
    transfer = _requested(ist, ank01, {shirt[0]: 2, shirt[1]: 1})
    tid = transfer["id"]
    _, other = factories.product(world.db, sizes=("XL",), stock={ank01: 3})

    # An item that is on no line of the transfer: refused, nothing moves.
    wrong = _send(ank, tid, {"scans": [_ean(world, shirt[0]), _ean(world, other[0])]})
    assert (wrong.status_code, _kind(wrong)) == (422, "transfer-wrong-item")
    assert wrong.json()["barcode"] == _ean(world, other[0])
    # More than asked for: refused on its line.
    many = _send(ank, tid, {"scans": [shirt[1], shirt[1]]})
    assert (many.status_code, _kind(many)) == (409, "transfer-send-too-many")
    assert (many.json()["sku"], many.json()["counted"]) == (shirt[1], 2)
    assert ist.get(f"/v1/transfers/{tid}").json()["status"] == "requested"
    assert _stock(world, shirt[0], ank01) == (5, 2, 0)

    cursor = _feed_head(world)
    # Scanned by barcode and by SKU (any case), as a scanner or the keyboard types them.
    sent = _send(ank, tid, {"scans": [_ean(world, shirt[0]), shirt[0].lower(), shirt[1]]})
    assert sent.status_code == 200, sent.text
    out = sent.json()
    assert out["status"] == "sent" and out["sent_at"] is not None
    lines = _lines(out)
    assert (lines[shirt[0]]["sent"], lines[shirt[0]]["in_transit"]) == (2, 2)
    assert (lines[shirt[0]]["not_sent"], lines[shirt[0]]["received"]) == (0, 0)

    # Out of the sender's stock and its hold; on its way to the receiver.
    assert _stock(world, shirt[0], ank01) == (3, 0, 0)
    assert _stock(world, shirt[1], ank01) == (4, 0, 0)
    here = _where(ist, shirt[0], ist01)
    assert (here["on_hand"], here["available"], here["incoming"]) == (1, 1, 2)
    assert _where(ist, shirt[0], ank01)["incoming"] == 0
    assert _where(ist, shirt[2], ist01)["incoming"] == 0
    pid = _product_of(world, shirt[0])
    grid = ist.get(f"/v1/products/{pid}/stock", params={"near": ist01})
    cells = {v.sku: v for v in ProductStock.model_validate_json(grid.content).variants}
    assert (cells[shirt[0]].here, cells[shirt[0]].incoming) == (1, 2)
    assert (cells[shirt[1]].incoming, cells[shirt[2]].incoming) == (1, 0)
    from_ankara = ist.get(f"/v1/products/{pid}/stock", params={"near": ank01}).json()
    assert all(v["incoming"] == 0 for v in from_ankara["variants"])
    assert _stock(world, other[0], ank01) == (3, 0, 0)

    # The receiver's tablets follow its stock rows: the change feed carries what is incoming.
    feed = ist.get(
        "/v1/sync/changes", params={"since": cursor, "location_id": ist01, "limit": 500}
    ).json()
    arrivals = [
        ch["payload"]
        for ch in feed["changes"]
        if ch["entity"] == "stock" and ch["location_id"] == ist01
    ]
    assert {"variant_id", "on_hand", "reserved", "incoming"} <= set(arrivals[-1])
    assert max(p["incoming"] for p in arrivals) == 2

    # Off the sender's task list, on the receiver's list as sent.
    assert tid not in _listed(ank, ank01, "outgoing")
    assert _listed(ist, ist01, "incoming")[tid]["status"] == "sent"
    # Sent once: a second send, a cancel and a refusal are all too late.
    for r in (_send(ank, tid), _step(ist, tid, "cancel"), _step(ank, tid, "refuse")):
        assert (r.status_code, _kind(r)) == (409, "transfer-already-sent"), r.text
    assert _stock(world, shirt[0], ank01) == (3, 0, 0)
    assert _stock(world, shirt[0], ist01) == (1, 0, 2)
    for sku in shirt:
        assert_stock_consistent(world, sku)


def test_a_partial_send_gives_the_rest_of_the_hold_back(
    world: World, stores: tuple[httpx.Client, httpx.Client], shirt: list[str]
) -> None:
    ank01, ist01 = world.base.stores["ANK01"], world.base.stores["IST01"]
    ist, ank = stores
    tid = _requested(ist, ank01, {shirt[0]: 3, shirt[1]: 2})["id"]
    assert _stock(world, shirt[0], ank01) == (5, 3, 0)
    # Counted by the number on the scanner; the second item is not found at all.
    r = _send(ank, tid, {"lines": [{"barcode": _ean(world, shirt[0]), "quantity": 1}]})
    assert r.status_code == 200, r.text
    lines = _lines(r.json())
    assert (lines[shirt[0]]["sent"], lines[shirt[0]]["not_sent"]) == (1, 2)
    assert (lines[shirt[1]]["sent"], lines[shirt[1]]["not_sent"]) == (0, 2)
    assert _stock(world, shirt[0], ank01) == (4, 0, 0)  # 1 left, the other 2 back to sell
    assert _stock(world, shirt[1], ank01) == (5, 0, 0)
    assert _stock(world, shirt[0], ist01) == (1, 0, 1)
    assert _stock(world, shirt[1], ist01) == (1, 0, 0)
    with world.db.session() as s:
        holds = s.execute(
            select(Reservation.status)
            .join(TransferLine, col(TransferLine.reservation_id) == col(Reservation.id))
            .where(col(TransferLine.transfer_id) == tid)
            .order_by(col(TransferLine.id))
        ).scalars()
        assert list(holds) == ["fulfilled", "released"]

    # Receiving nothing of the line that never left: refused as more than was sent.
    never = _receive(ist, tid, {"scans": [shirt[1]]})
    assert (never.status_code, _kind(never)) == (409, "transfer-receive-too-many")
    got = _receive(ist, tid, {"scans": [shirt[0]]})
    assert got.status_code == 200 and got.json()["status"] == "partly_received"
    lines = _lines(got.json())
    assert (lines[shirt[0]]["received"], lines[shirt[0]]["not_sent"]) == (1, 2)
    assert (lines[shirt[1]]["short"], lines[shirt[1]]["not_sent"]) == (0, 2)
    assert _stock(world, shirt[0], ist01) == (2, 0, 0)


# --- receive ------------------------------------------------------------------------------------


def test_receiving_the_whole_box_puts_it_on_the_shelf_once(
    world: World, stores: tuple[httpx.Client, httpx.Client]
) -> None:
    """IST01 never had this item: the send makes its stock row, the receipt fills it."""
    b = world.base
    ist01, ank01 = b.stores["IST01"], b.stores["ANK01"]
    ist, ank = stores
    _, skus = factories.product(world.db, sizes=("M",), stock={ank01: 4})
    tid = _requested(ist, ank01, {skus[0]: 3})["id"]
    early = _receive(ist, tid, {"scans": [skus[0]]})
    assert (early.status_code, _kind(early)) == (409, "transfer-not-sent")
    assert _send(ank, tid).status_code == 200  # no body: everything asked for
    assert _stock(world, skus[0], ist01) == (0, 0, 3)
    here = _where(ist, skus[0], ist01)
    assert (here["on_hand"], here["available"], here["incoming"]) == (0, 0, 3)

    r = _receive(ist, tid, {"scans": [_ean(world, skus[0])] * 2 + [skus[0]]})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == "received" and out["received_at"] and out["closed_at"]
    [line] = out["lines"]
    assert (line["received"], line["in_transit"], line["short"], line["damaged"]) == (3, 0, 0, 0)
    assert _stock(world, skus[0], ist01) == (3, 0, 0)
    assert _stock(world, skus[0], ank01) == (1, 0, 0)
    here = _where(ist, skus[0], ist01)
    assert (here["available"], here["incoming"]) == (3, 0)

    twice = _receive(ist, tid, {"scans": [skus[0]]})
    assert (twice.status_code, _kind(twice)) == (409, "transfer-already-received")
    assert _stock(world, skus[0], ist01) == (3, 0, 0)
    assert tid not in _listed(ist, ist01, "incoming")
    assert_stock_consistent(world, skus[0])


def test_a_partial_receipt_records_what_is_short_and_what_is_damaged(
    world: World, stores: tuple[httpx.Client, httpx.Client], shirt: list[str]
) -> None:
    ist01 = world.base.stores["IST01"]
    ist, ank = stores
    tid = _requested(ist, world.base.stores["ANK01"], {shirt[0]: 3, shirt[1]: 1})["id"]
    assert _send(ank, tid).status_code == 200

    # Refusals first: none of them receives anything.
    _, other = factories.product(world.db, sizes=("XL",))
    wrong = _receive(ist, tid, {"scans": [shirt[0]], "damaged": [other[0]]})
    assert (wrong.status_code, _kind(wrong)) == (422, "transfer-wrong-item")
    many = _receive(
        ist, tid, {"scans": [shirt[0]] * 2, "lines": [{"barcode": shirt[0], "damaged": 2}]}
    )
    assert (many.status_code, _kind(many)) == (409, "transfer-receive-too-many")
    assert (many.json()["sent"], many.json()["counted"]) == (3, 4)
    assert _stock(world, shirt[0], ist01) == (1, 0, 3)

    # One sound, one damaged, one missing; the other item never arrived.
    r = _receive(ist, tid, {"scans": [_ean(world, shirt[0])], "damaged": [shirt[0]]})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == "partly_received"
    lines = _lines(out)
    first, second = lines[shirt[0]], lines[shirt[1]]
    assert (first["received"], first["damaged"], first["short"], first["not_sent"]) == (1, 1, 1, 0)
    assert (second["received"], second["damaged"], second["short"]) == (0, 0, 1)
    assert first["in_transit"] == second["in_transit"] == 0
    # Only sound units join the shelf; nothing is incoming any more.
    assert _stock(world, shirt[0], ist01) == (2, 0, 0)
    assert _stock(world, shirt[1], ist01) == (1, 0, 0)
    # The differences stay on the transfer for both stores to see.
    seen = ank.get(f"/v1/transfers/{tid}").json()
    assert _lines(seen)[shirt[0]]["short"] == 1 and _lines(seen)[shirt[1]]["short"] == 1


# --- cancel and refuse --------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["cancel", "refuse"])
def test_cancel_or_refuse_before_sending_gives_the_hold_back(
    world: World, stores: tuple[httpx.Client, httpx.Client], shirt: list[str], step: str
) -> None:
    ank01 = world.base.stores["ANK01"]
    ist, ank = stores
    tid = _requested(ist, ank01, {shirt[0]: 2, shirt[2]: 5})["id"]
    assert _stock(world, shirt[2], ank01) == (5, 5, 0)
    who = ist if step == "cancel" else ank
    r = _step(who, tid, step)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == ("cancelled" if step == "cancel" else "refused")
    assert out["closed_at"] is not None
    assert all(line["not_sent"] == 0 and line["short"] == 0 for line in out["lines"])
    assert _stock(world, shirt[0], ank01) == (5, 0, 0)
    assert _stock(world, shirt[2], ank01) == (5, 0, 0)
    assert _where(ist, shirt[2], ank01)["available"] == 5
    assert tid not in _listed(ank, ank01, "outgoing")
    assert tid not in _listed(ist, world.base.stores["IST01"], "incoming")

    again = [_step(who, tid, step), _send(ank, tid), _receive(ist, tid, {"scans": [shirt[0]]})]
    for late in again:
        assert (late.status_code, _kind(late)) == (409, "transfer-closed"), late.text
    assert _stock(world, shirt[0], ank01) == (5, 0, 0)
    for sku in shirt:
        assert_stock_consistent(world, sku)


# --- races --------------------------------------------------------------------------------------


def _tablets(world: World, associate: str, n: int) -> list[httpx.Client]:
    token = world.token(associate)
    return [
        httpx.Client(
            base_url=world.url, timeout=HANG_S, headers={"Authorization": f"Bearer {token}"}
        )
        for _ in range(n)
    ]


def _racing(world: World, associate: str, n: int, call: Any) -> Counter[tuple[int, str]]:
    tablets = _tablets(world, associate, n)
    try:
        results = race(n, lambda i: call(tablets[i]))
    finally:
        for t in tablets:
            t.close()
    return Counter((r.status_code, _kind(r) if r.status_code >= 400 else "") for r in results)


def test_racing_sends_send_once(world: World, stores: tuple[httpx.Client, httpx.Client]) -> None:
    b = world.base
    ist01, ank01 = b.stores["IST01"], b.stores["ANK01"]
    ist, _ = stores
    _, skus = factories.product(world.db, sizes=("S", "M"), stock={ank01: 4})
    tid = _requested(ist, ank01, {skus[0]: 3, skus[1]: 1})["id"]
    outcomes = _racing(world, "t-ank-associate", 10, lambda c: _send(c, tid))
    assert outcomes == {(200, ""): 1, (409, "transfer-already-sent"): 9}, outcomes
    assert _stock(world, skus[0], ank01) == (1, 0, 0)
    assert _stock(world, skus[1], ank01) == (3, 0, 0)
    assert _stock(world, skus[0], ist01) == (0, 0, 3)
    assert _stock(world, skus[1], ist01) == (0, 0, 1)
    for sku in skus:
        assert_stock_consistent(world, sku)


def test_racing_receipts_count_the_units_once(
    world: World, stores: tuple[httpx.Client, httpx.Client]
) -> None:
    b = world.base
    ist01, ank01 = b.stores["IST01"], b.stores["ANK01"]
    ist, ank = stores
    _, skus = factories.product(world.db, sizes=("S", "M"), stock={ank01: 4, ist01: 2})
    tid = _requested(ist, ank01, {skus[0]: 3, skus[1]: 2})["id"]
    assert _send(ank, tid).status_code == 200
    body = {"scans": [skus[0]] * 3, "lines": [{"barcode": skus[1], "quantity": 1, "damaged": 1}]}
    outcomes = _racing(world, "t-associate", 10, lambda c: _receive(c, tid, body))
    assert outcomes == {(200, ""): 1, (409, "transfer-already-received"): 9}, outcomes
    assert _stock(world, skus[0], ist01) == (5, 0, 0)
    assert _stock(world, skus[1], ist01) == (3, 0, 0)
    seen = ist.get(f"/v1/transfers/{tid}").json()
    assert seen["status"] == "partly_received"
    assert [(ln["received"], ln["damaged"]) for ln in seen["lines"]] == [(3, 0), (1, 1)]
    for sku in skus:
        assert_stock_consistent(world, sku)


def test_a_send_racing_a_cancel_does_one_or_the_other(
    world: World, stores: tuple[httpx.Client, httpx.Client]
) -> None:
    b = world.base
    ist01, ank01 = b.stores["IST01"], b.stores["ANK01"]
    ist, _ = stores
    _, skus = factories.product(world.db, sizes=("M",), stock={ank01: 3})
    tid = _requested(ist, ank01, {skus[0]: 2})["id"]
    senders = _tablets(world, "t-ank-associate", 6)
    cancellers = _tablets(world, "t-associate", 6)
    try:
        results = race(
            12,
            lambda i: (
                _send(senders[i // 2], tid) if i % 2 else _step(cancellers[i // 2], tid, "cancel")
            ),
        )
    finally:
        for t in senders + cancellers:
            t.close()
    won = [r for r in results if r.status_code == 200]
    assert len(won) == 1, [r.text for r in results]
    lost = Counter(_kind(r) for r in results if r.status_code != 200)
    if won[0].json()["status"] == "sent":
        assert lost == {"transfer-already-sent": 11}, lost
        assert _stock(world, skus[0], ank01) == (1, 0, 0)
        assert _stock(world, skus[0], ist01) == (0, 0, 2)
    else:
        assert lost == {"transfer-closed": 11}, lost
        assert _stock(world, skus[0], ank01) == (3, 0, 0)
        assert _stock(world, skus[0], ist01) == (0, 0, 0)
    assert_stock_consistent(world, skus[0])


def test_racing_requests_never_hold_more_than_the_sender_has(
    world: World, stores: tuple[httpx.Client, httpx.Client]
) -> None:
    ank01 = world.base.stores["ANK01"]
    _, skus = factories.product(world.db, sizes=("M",), stock={ank01: 3})
    outcomes = _racing(world, "t-associate", 8, lambda c: _request(c, ank01, {skus[0]: 1}))
    assert outcomes == {(201, ""): 3, (409, "transfer-not-available"): 5}, outcomes
    assert _stock(world, skus[0], ank01) == (3, 3, 0)
    assert_stock_consistent(world, skus[0])
