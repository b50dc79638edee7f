"""Consent needs the customer's proof (security finding 1, KVKK): an associate could unmask any
customer by posting `{"clienteling": true}`. Now a store records consent, or its withdrawal,
only with a one-time code sent to the phone or e-mail address on file and read back, or with
the customer's identity QR code scanned at that store in the last 30 minutes; the brand app
records the customer's own choice. Every change is a ConsentEvent. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import httpx
import pytest
from sqlalchemy import select, update
from sqlmodel import col

from app.domain import consent, masking
from app.server.customers.models import ConsentChallenge, ConsentEvent, Customer, VisitGrant
from app.server.db import utcnow
from tests import factories
from tests.conftest import World
from tests.integration.test_offline_coupons import _staff
from tests.mail import mail_sink
from tests.server import HANG_S, ApiProcess, start_api

CURRENT = consent.TEXT_VERSION
BRAND_KEY = "brand-app-key-for-consent-tests"
PROBLEM = "https://reyon.dev/problems/"


def _phone() -> str:
    return factories.unique("+905550")  # +90 and ten digits, a new one each time


def _email() -> str:
    return f"{factories.unique('musteri')}@example.org"


def _challenge(client: httpx.Client, customer: int, channel: str, lang: str = "tr") -> dict:
    r = client.post(
        f"/v1/customers/{customer}/consent-challenges", json={"channel": channel, "lang": lang}
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _sms(api: ApiProcess, phone: str) -> str:
    """The last text message the API's test provider sent to `phone`. It is written before
    the challenge is answered, so it is there once the 201 is."""
    assert api.sms_outbox is not None
    lines = [json.loads(x) for x in api.sms_outbox.read_text().splitlines()]
    texts = [x["text"] for x in lines if x["to"] == phone]
    assert texts, f"no text message to {phone}"
    return str(texts[-1])


def _code_in(text: str) -> str:
    found = re.findall(r"\b[0-9]{6}\b", text)
    assert len(found) == 1, text
    return found[0]


def _mail(to: str) -> EmailMessage:
    return mail_sink().wait_for(lambda m: m["To"] == to)


def _consent(
    client: httpx.Client, customer: int, proof: dict | None, **choices: bool
) -> httpx.Response:
    body: dict = {**choices, "text_version": CURRENT}
    if proof is not None:
        body["proof"] = proof
    return client.post(f"/v1/customers/{customer}/consent", json=body)


def _code(challenge: dict, code: str) -> dict:
    return {"kind": "code", "challenge_id": challenge["id"], "code": code}


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _events(world: World, customer: int) -> list[ConsentEvent]:
    with world.db.session() as s:
        return list(
            s.execute(
                select(ConsentEvent)
                .where(col(ConsentEvent.customer_id) == customer)
                .order_by(col(ConsentEvent.id))
            ).scalars()
        )


def _consented(world: World, customer: int) -> bool:
    with world.db.session() as s:
        c = s.get(Customer, customer)
        assert c is not None
        return c.consent_clienteling


def _kind(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM)


def _security_events(api: ApiProcess, customer: int) -> list[dict]:
    """The API's security events about `customer` (JSON log lines). A record is written
    before the answer to the request that caused it is sent: no waiting."""
    events = []
    for line in api.log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        event = record.get("event") if isinstance(record, dict) else None
        if isinstance(event, dict) and event.get("customer") == customer:
            events.append(event)
    return events


def test_an_associate_cannot_record_consent_without_the_customers_proof(world: World) -> None:
    """The attack: an associate of another store posts consent for a customer who never gave
    it. Refused (403) however it is put, and the customer stays masked."""
    phone = _phone()
    customer = factories.customer(world.db, phone=phone)
    with world.client("t-ank-associate") as ank, world.client("t-associate") as ist:
        r = _consent(ank, customer, None, clienteling=True)
        assert r.status_code == 403 and _kind(r) == "consent-proof-required", r.text
        # The old request, with no proof and no text shown, is refused too.
        old = ank.post(f"/v1/customers/{customer}/consent", json={"clienteling": True})
        assert old.status_code == 422
        # No QR code of this customer was scanned at ANK01.
        r = _consent(ank, customer, {"kind": "visit"}, clienteling=True)
        assert r.status_code == 403 and _kind(r) == "consent-proof-required"
        # A code IST01 sent, even the right one, is not ANK01's proof; nor one for no challenge.
        challenge = _challenge(ist, customer, "sms")
        code = _code_in(_sms(world.api, phone))
        r = _consent(ank, customer, _code(challenge, code), clienteling=True)
        assert r.status_code == 403 and _kind(r) == "consent-proof-required"
        unknown = {"kind": "code", "challenge_id": 2_000_000_000, "code": code}
        assert _consent(ank, customer, unknown, clienteling=True).status_code == 403
        # Made-up text versions, proofs and codes are 422.
        for body in [
            {"clienteling": True, "text_version": "1999-01", "proof": {"kind": "visit"}},
            {"clienteling": True, "text_version": CURRENT, "proof": {"kind": "trust-me"}},
            {"clienteling": True, "text_version": CURRENT, "proof": {**_code(challenge, "12")}},
            {"text_version": CURRENT, "proof": {"kind": "visit"}},
        ]:
            r = ank.post(f"/v1/customers/{customer}/consent", json=body)
            assert r.status_code == 422, (body, r.text)
        assert ank.get(f"/v1/customers/{customer}").status_code == 403
        assert ist.get(f"/v1/customers/{customer}").status_code == 403
        assert not _consented(world, customer) and _events(world, customer) == []
        # Refusals used no try: IST01's customer reads the code back there, and it works.
        r = _consent(ist, customer, _code(challenge, code), clienteling=True)
        assert r.status_code == 200, r.text


def test_a_code_by_sms_unmasks_and_the_change_is_recorded(world: World) -> None:
    phone = _phone()
    customer = factories.customer(world.db, phone=phone)
    before = utcnow()
    with world.client("t-associate") as ist:
        assert ist.get(f"/v1/customers/{customer}").status_code == 403
        challenge = _challenge(ist, customer, "sms", "tr")
        assert challenge["channel"] == "sms"
        assert (
            challenge["sent_to"] == masking.mask_phone(phone) and "555" not in challenge["sent_to"]
        )
        expires = datetime.fromisoformat(challenge["expires_at"])
        assert before + timedelta(minutes=9) < expires <= utcnow() + timedelta(minutes=10)
        text = _sms(world.api, phone)
        assert "Nişantaşı" in text and "kod" in text  # the store, in Turkish
        code = _code_in(text)

        r = _consent(ist, customer, _code(challenge, code), clienteling=True)
        assert r.status_code == 200, r.text
        assert r.json()["clienteling"]["given"] is True
        assert r.json()["clienteling"]["source"] == "IST01"
        view = ist.get(f"/v1/customers/{customer}")
        assert view.status_code == 200 and view.json()["access"] == "consent"
        assert view.json()["profile"]["phone"] == phone
        # A code is good for one change.
        again = _consent(ist, customer, _code(challenge, code), clienteling=True)
        assert again.status_code == 403 and _kind(again) == "consent-code-used"

        history = ist.get(f"/v1/customers/{customer}/consent-events")
        assert history.status_code == 200, history.text
        [event] = history.json()
        assert event["purpose"] == "clienteling" and event["given"] is True
        assert event["method"] == "sms-code" and event["text_version"] == CURRENT
        assert event["location_code"] == "IST01" and event["associate_name"] == "T Associate"
        assert event["challenge_id"] == challenge["id"] and event["visit_grant_id"] is None
        assert before <= datetime.fromisoformat(event["at"]) <= utcnow()
    [row] = _events(world, customer)
    assert row.associate_id == world.base.associates["t-associate"]
    assert row.location_id == world.base.stores["IST01"]
    with world.db.session() as s:
        stored = s.get(ConsentChallenge, challenge["id"])
        assert stored is not None and stored.used_at is not None
        # Only a keyed hash of the code is kept.
        assert code not in (stored.code_hash, stored.code_salt) and len(stored.code_hash) == 64
    # Security events name ids, never the code or the phone number.
    events = _security_events(world.api, customer)
    names = [e["name"] for e in events]
    assert names == ["consent-challenge-sent", "consent-given", "consent-refused"]
    assert events[1]["method"] == "sms-code" and events[1]["challenge"] == challenge["id"]
    assert code not in json.dumps(events) and phone[3:] not in world.api.log.read_text()
    # Another store may not read the history of a customer it may not see; now it may.
    with world.client("t-ank-associate") as ank:
        assert ank.get(f"/v1/customers/{customer}/consent-events").status_code == 200


def test_a_code_by_e_mail_in_english_names_the_store(world: World) -> None:
    email = _email()
    customer = factories.customer(world.db, email=email)
    with world.client("t-associate") as ist:
        # No phone on file: no text message (the code goes only where the customer said).
        r = ist.post(
            f"/v1/customers/{customer}/consent-challenges", json={"channel": "sms", "lang": "en"}
        )
        assert r.status_code == 409 and _kind(r) == "consent-contact-missing", r.text
        # Nowhere else can it go: there is no field for an address.
        r = ist.post(
            f"/v1/customers/{customer}/consent-challenges",
            json={"channel": "email", "lang": "en", "to": "associate@evil.example"},
        )
        assert r.status_code == 422
        challenge = _challenge(ist, customer, "email", "en")
        assert challenge["sent_to"] == masking.mask_email(email)
        mail = _mail(email)
        assert mail["Subject"] == "Your Reyon consent code"
        assert mail["From"] == "Reyon Test <noreply@reyon.test>"
        body = mail.get_content()
        assert "Nişantaşı" in body and "valid for 10 minutes" in body
        code = _code_in(body)
        r = _consent(ist, customer, _code(challenge, code), clienteling=True, email=True)
        assert r.status_code == 200, r.text
        assert r.json()["clienteling"]["given"] and r.json()["email"]["given"]
        assert not r.json()["sms"]["given"]
    events = _events(world, customer)
    assert sorted(e.purpose for e in events) == ["clienteling", "email"]
    assert {(e.method, e.challenge_id, e.text_version) for e in events} == {
        ("email-code", challenge["id"], CURRENT)
    }


def test_a_wrong_code_counts_down_and_the_code_dies_after_five(world: World) -> None:
    phone = _phone()
    customer = factories.customer(world.db, phone=phone)
    with world.client("t-associate") as ist:
        challenge = _challenge(ist, customer, "sms")
        code = _code_in(_sms(world.api, phone))
        for left in (4, 3, 2, 1):
            r = _consent(ist, customer, _code(challenge, _other(code)), clienteling=True)
            assert r.status_code == 403 and _kind(r) == "consent-code-wrong", r.text
            assert r.json()["tries_left"] == left
        r = _consent(ist, customer, _code(challenge, _other(code)), clienteling=True)
        assert r.status_code == 403 and _kind(r) == "consent-code-exhausted"
        assert r.json()["tries_left"] == 0
        # Dead: the right code no longer works either.
        r = _consent(ist, customer, _code(challenge, code), clienteling=True)
        assert r.status_code == 403 and _kind(r) == "consent-code-exhausted"
        assert ist.get(f"/v1/customers/{customer}").status_code == 403
        # A new code does.
        fresh = _challenge(ist, customer, "sms")
        new_code = _code_in(_sms(world.api, phone))
        assert _consent(ist, customer, _code(fresh, new_code), clienteling=True).status_code == 200
    with world.db.session() as s:
        dead = s.get(ConsentChallenge, challenge["id"])
        assert dead is not None and dead.failed_attempts == 5 and dead.used_at is None
    names = [e["name"] for e in _security_events(world.api, customer)]
    assert names.count("consent-code-wrong") == 4 and "consent-challenge-exhausted" in names


def test_an_expired_code_is_refused(world: World) -> None:
    phone = _phone()
    customer = factories.customer(world.db, phone=phone)
    with world.client("t-associate") as ist:
        challenge = _challenge(ist, customer, "sms")
        code = _code_in(_sms(world.api, phone))
        with world.db.write() as s:  # ten minutes pass
            s.execute(
                update(ConsentChallenge)
                .where(col(ConsentChallenge.id) == challenge["id"])
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
        r = _consent(ist, customer, _code(challenge, code), clienteling=True)
        assert r.status_code == 403 and _kind(r) == "consent-code-expired", r.text
        assert not _consented(world, customer)


def _scan(client: httpx.Client, world: World, customer: int) -> None:
    token = factories.identity_code(world.db, customer)
    r = client.post("/v1/customers/identify", json={"token": token})
    assert r.status_code == 200, r.text


def test_a_qr_scan_is_proof_only_at_its_store_and_while_fresh(world: World) -> None:
    customer = factories.customer(world.db)  # no phone, no e-mail: the scan is the way
    with world.client("t-associate") as ist, world.client("t-ank-associate") as ank:
        _scan(ist, world, customer)
        r = _consent(ank, customer, {"kind": "visit"}, clienteling=True)
        assert r.status_code == 403 and _kind(r) == "consent-proof-required"
        with world.db.write() as s:  # 31 minutes later: the visit goes on, the proof is stale
            s.execute(
                update(VisitGrant)
                .where(col(VisitGrant.customer_id) == customer)
                .values(granted_at=utcnow() - timedelta(minutes=31))
            )
        assert ist.get(f"/v1/customers/{customer}").json()["access"] == "visit"
        r = _consent(ist, customer, {"kind": "visit"}, clienteling=True)
        assert r.status_code == 403 and _kind(r) == "consent-proof-required", r.text
        _scan(ist, world, customer)  # shown again
        r = _consent(ist, customer, {"kind": "visit"}, clienteling=True)
        assert r.status_code == 200, r.text
        assert ank.get(f"/v1/customers/{customer}").json()["access"] == "consent"
    with world.db.session() as s:
        fresh = (
            s.execute(
                select(col(VisitGrant.id))
                .where(col(VisitGrant.customer_id) == customer)
                .order_by(col(VisitGrant.granted_at).desc())
            )
            .scalars()
            .first()
        )
    [event] = _events(world, customer)
    assert (event.method, event.visit_grant_id, event.challenge_id) == ("qr", fresh, None)
    assert event.location_id == world.base.stores["IST01"]


def test_withdrawing_needs_proof_too_and_masks_again(world: World) -> None:
    phone = _phone()
    customer = factories.customer(world.db, consent=True, phone=phone)
    with world.client("t-ank-associate") as ank, world.client("t-associate") as ist:
        assert ank.get(f"/v1/customers/{customer}").status_code == 200
        r = _consent(ank, customer, None, clienteling=False)
        assert r.status_code == 403 and _consented(world, customer)
        challenge = _challenge(ank, customer, "sms", "en")
        text = _sms(world.api, phone)
        assert "Kızılay" in text and "your consent choice" in text
        r = _consent(ank, customer, _code(challenge, _code_in(text)), clienteling=False)
        assert r.status_code == 200, r.text
        assert r.json()["clienteling"]["given"] is False
        assert r.json()["clienteling"]["source"] == "ANK01"
        assert ank.get(f"/v1/customers/{customer}").status_code == 403
        assert ist.get(f"/v1/customers/{customer}").status_code == 403
        found = ist.get("/v1/customers", params={"phone": phone}).json()["items"]
        assert [c["masked"] for c in found] == [True] and phone not in json.dumps(found)
        # The history is for those who may see the customer.
        assert ist.get(f"/v1/customers/{customer}/consent-events").status_code == 403
    [event] = _events(world, customer)
    assert (event.purpose, event.given, event.method) == ("clienteling", False, "sms-code")
    assert event.location_id == world.base.stores["ANK01"]
    assert event.associate_id == world.base.associates["t-ank-associate"]
    names = [e["name"] for e in _security_events(world.api, customer)]
    assert names == ["consent-refused", "consent-challenge-sent", "consent-withdrawn"]


@dataclass
class Strict:
    """An API over the same database with the real (low) limits for consent codes, no SMTP
    server, and a brand app key."""

    api: ApiProcess
    tokens: dict[str, str]

    def client(self, associate: str = "t-associate") -> httpx.Client:
        return httpx.Client(
            base_url=self.api.url,
            headers={"Authorization": f"Bearer {self.tokens[associate]}"},
            timeout=HANG_S,
        )


LIMITED = "t-consent-limits"  # an associate of these tests' own: their codes are counted


@pytest.fixture(scope="module")
def strict(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Strict]:
    _staff(world, LIMITED, "associate", "IST01")
    api = start_api(
        world.database_url,
        log_dir=tmp_path_factory.mktemp("consent-strict"),
        extra_env={
            "REYON_CONSENT_CHALLENGE_LIMIT_PER_CUSTOMER": "3/15minutes",
            "REYON_CONSENT_CHALLENGE_LIMIT_PER_ASSOCIATE": "5/hour",
            "REYON_SMTP_HOST": "",
            "REYON_BRAND_APP_KEY": BRAND_KEY,
        },
    )
    try:
        tokens = {code: world.token(code) for code in (LIMITED, "t-associate")}
        yield Strict(api=api, tokens=tokens)
    finally:
        api.stop()


def test_codes_are_limited_per_customer_and_per_associate(world: World, strict: Strict) -> None:
    first = factories.customer(world.db, phone=_phone(), email=_email())
    second = factories.customer(world.db, phone=_phone())
    with strict.client(LIMITED) as c:
        for _ in range(3):
            _challenge(c, first, "sms")
        r = c.post(f"/v1/customers/{first}/consent-challenges", json={"channel": "sms"})
        assert r.status_code == 429 and _kind(r) == "too-many-requests", r.text
        assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
        # The associate has sent three; two more to someone else, then no more.
        for _ in range(2):
            _challenge(c, second, "sms")
        r = c.post(f"/v1/customers/{second}/consent-challenges", json={"channel": "sms"})
        assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 3600
    with world.db.session() as s:
        sent = s.execute(
            select(col(ConsentChallenge.customer_id)).where(
                col(ConsentChallenge.customer_id).in_([first, second])
            )
        ).scalars()
        assert sorted(sent) == sorted([first] * 3 + [second] * 2)


def test_e_mail_without_an_smtp_server_is_a_clear_503(world: World, strict: Strict) -> None:
    customer = factories.customer(world.db, email=_email())
    with strict.client() as c:
        r = c.post(f"/v1/customers/{customer}/consent-challenges", json={"channel": "email"})
        assert r.status_code == 503, r.text
        assert _kind(r) == "messaging-unavailable" and r.json()["channel"] == "email"
    with world.db.session() as s:
        assert (
            s.execute(
                select(ConsentChallenge).where(col(ConsentChallenge.customer_id) == customer)
            ).first()
            is None
        )


def test_the_customer_confirms_and_withdraws_in_the_brand_app(world: World, strict: Strict) -> None:
    customer = factories.customer(world.db)
    path = f"/v1/brand/customers/{customer}/consent"
    with httpx.Client(base_url=strict.api.url, timeout=HANG_S) as brand:
        body = {"clienteling": True, "sms": True, "text_version": CURRENT}
        assert brand.post(path, json=body).status_code == 401
        brand.headers["Authorization"] = f"Bearer {BRAND_KEY}"
        assert brand.post(path, json={**body, "text_version": "0"}).status_code == 422
        r = brand.post("/v1/brand/customers/2000000000/consent", json=body)
        assert r.status_code == 404
        r = brand.post(path, json=body)
        assert r.status_code == 200, r.text
        assert r.json()["clienteling"]["source"] == "app" and r.json()["sms"]["given"]
        with world.client("t-ank-associate") as ank:
            assert ank.get(f"/v1/customers/{customer}").json()["access"] == "consent"
            r = brand.post(path, json={"clienteling": False, "text_version": CURRENT})
            assert r.status_code == 200 and r.json()["sms"]["given"] is True
            assert ank.get(f"/v1/customers/{customer}").status_code == 403
    events = _events(world, customer)
    assert [(e.purpose, e.given) for e in events] == [
        ("clienteling", True),
        ("sms", True),
        ("clienteling", False),
    ]
    assert {(e.method, e.location_id, e.associate_id) for e in events} == {("app", None, None)}
    assert all(e.at.tzinfo is not None and e.at <= datetime.now(UTC) for e in events)
