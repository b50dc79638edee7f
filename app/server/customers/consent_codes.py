"""One-time consent codes: sent to the phone or e-mail address on file (never one typed at the
till), naming the store, kept only as a keyed hash; checked in constant time, good for one
change, for 10 minutes, and dead after 5 wrong tries (app/domain/consent.py has the numbers).
Recording the consent a code proves is consent.py's."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from app.contracts.customers import CodeProof, ConsentChallengeCreate, ConsentChallengeOut
from app.domain import consent, masking
from app.domain.errors import Conflict, ConsentRequired, NotFound
from app.server.catalog.models import Location
from app.server.customers.models import ConsentChallenge, Customer
from app.server.db import Database, utcnow
from app.server.deps import Principal
from app.server.messaging import Messaging, MessagingUnavailable
from app.server.ratelimit import RateLimits
from app.server.security_log import security_event
from app.settings import ApiSettings


def _code_hash(key: bytes, salt: str, code: str) -> str:
    # Keyed: a copy of the table without the server's key does not give up 10^6-guess codes.
    return hmac.new(key, f"consent-code:{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def no_proof(detail: str) -> ConsentRequired:
    return ConsentRequired("consent-proof-required", "The customer's proof is needed", detail)


def send_challenge(
    *,
    db: Database,
    messaging: Messaging,
    limits: RateLimits,
    settings: ApiSettings,
    key: bytes,
    principal: Principal,
    customer_id: int,
    body: ConsentChallengeCreate,
) -> ConsentChallengeOut:
    """A fresh code to the customer's own phone or e-mail address, naming this store."""
    messaging.require(body.channel)
    with db.session() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound("Customer", customer_id)
        store = session.get(Location, principal.store_id)
        store_name = store.name if store is not None else ""
    to = customer.phone if body.channel == "sms" else customer.email
    if not to:
        what = "phone number" if body.channel == "sms" else "e-mail address"
        raise Conflict(
            "consent-contact-missing",
            f"No {what} on file",
            f"The customer has no {what} on file to send a code to; scan their app's QR code "
            "or use the other channel.",
            channel=body.channel,
        )
    limits.check(
        settings.consent_challenge_limit_per_customer,
        "consent-challenge-customer",
        str(customer_id),
        what="consent codes for this customer",
    )
    limits.check(
        settings.consent_challenge_limit_per_associate,
        "consent-challenge-associate",
        str(principal.associate_id),
        what="consent codes sent by you",
    )

    code = f"{secrets.randbelow(10**consent.CODE_DIGITS):0{consent.CODE_DIGITS}d}"
    salt = secrets.token_hex(16)
    now = utcnow()
    challenge = ConsentChallenge(
        customer_id=customer_id,
        channel=body.channel,
        code_salt=salt,
        code_hash=_code_hash(key, salt, code),
        location_id=principal.store_id,
        associate_id=principal.associate_id,
        created_at=now,
        expires_at=now + timedelta(minutes=consent.CODE_MINUTES),
    )
    with db.write() as session:
        session.add(challenge)
        session.flush()
    assert challenge.id is not None
    # Sent after the row is committed, outside the transaction: a slow mail server holds no
    # lock. A code that could not go is void at once.
    try:
        messaging.send(
            body.channel,
            to=to,
            subject=consent.code_subject(body.lang),
            text=consent.code_message(body.lang, store=store_name, code=code),
            lang=body.lang,
        )
    except MessagingUnavailable:
        with db.write() as session:
            session.execute(
                update(ConsentChallenge)
                .where(col(ConsentChallenge.id) == challenge.id)
                .values(failed_attempts=consent.CODE_MAX_TRIES)
            )
        raise
    security_event(
        "consent-challenge-sent",
        customer=customer_id,
        challenge=challenge.id,
        channel=body.channel,
        store=principal.store_id,
        associate=principal.associate_id,
    )
    masked = masking.mask_phone(to) if body.channel == "sms" else masking.mask_email(to)
    return ConsentChallengeOut(
        id=challenge.id,
        channel=body.channel,
        sent_to=masked or "***",
        expires_at=challenge.expires_at,
    )


@dataclass(frozen=True, slots=True)
class CodeCheck:
    """What a code read back proves. `challenge` is set when it holds and was claimed (in the
    caller's transaction); otherwise `problem` is the answer, raised after the commit so that
    a wrong try stays counted, and `event` the security event to log."""

    challenge: ConsentChallenge | None = None
    problem: ConsentRequired | None = None
    event: tuple[str, dict[str, object]] | None = None


def _used() -> ConsentRequired:
    return ConsentRequired("consent-code-used", "This code was used already", "Send a new code.")


def check_code(
    session: Session, *, key: bytes, principal: Principal, customer_id: int, proof: CodeProof
) -> CodeCheck:
    now = utcnow()
    ch = session.get(ConsentChallenge, proof.challenge_id)
    if ch is None or ch.customer_id != customer_id or ch.location_id != principal.store_id:
        # Another customer's, another store's or no code at all: the same answer, no try used.
        return CodeCheck(
            problem=no_proof("This code was not sent to this customer from this store."),
            event=("consent-refused", {"reason": "foreign-challenge"}),
        )
    if ch.used_at is not None:
        return CodeCheck(problem=_used(), event=("consent-refused", {"reason": "code-used"}))
    if ch.failed_attempts >= consent.CODE_MAX_TRIES:
        return CodeCheck(
            problem=_exhausted(), event=("consent-refused", {"reason": "code-exhausted"})
        )
    if ch.expires_at <= now:
        return CodeCheck(
            problem=ConsentRequired(
                "consent-code-expired",
                "The code has expired",
                f"Codes are valid for {consent.CODE_MINUTES} minutes; send a new one.",
            ),
            event=("consent-refused", {"reason": "code-expired"}),
        )
    if hmac.compare_digest(_code_hash(key, ch.code_salt, proof.code), ch.code_hash):
        # Claimed with a conditional update: two requests with the one code record once.
        claimed = session.execute(
            update(ConsentChallenge)
            .where(
                col(ConsentChallenge.id) == ch.id,
                col(ConsentChallenge.used_at).is_(None),
                col(ConsentChallenge.failed_attempts) < consent.CODE_MAX_TRIES,
            )
            .values(used_at=now)
            .returning(col(ConsentChallenge.id))
        ).first()
        return CodeCheck(challenge=ch) if claimed is not None else CodeCheck(problem=_used())
    # Counted with a conditional update too: parallel guesses cannot get past the fifth.
    failed = session.execute(
        update(ConsentChallenge)
        .where(
            col(ConsentChallenge.id) == ch.id,
            col(ConsentChallenge.failed_attempts) < consent.CODE_MAX_TRIES,
        )
        .values(failed_attempts=col(ConsentChallenge.failed_attempts) + 1)
        .returning(col(ConsentChallenge.failed_attempts))
    ).scalar_one_or_none()
    left = consent.tries_left(failed if failed is not None else consent.CODE_MAX_TRIES)
    if left == 0:
        return CodeCheck(
            problem=_exhausted(), event=("consent-challenge-exhausted", {"challenge": ch.id})
        )
    return CodeCheck(
        problem=ConsentRequired(
            "consent-code-wrong",
            "Wrong code",
            f"That is not the code sent; {left} tries left.",
            tries_left=left,
        ),
        event=("consent-code-wrong", {"challenge": ch.id, "tries_left": left}),
    )


def _exhausted() -> ConsentRequired:
    return ConsentRequired(
        "consent-code-exhausted",
        "Too many wrong codes",
        f"After {consent.CODE_MAX_TRIES} wrong tries this code no longer works; send a new one.",
        tries_left=0,
    )
