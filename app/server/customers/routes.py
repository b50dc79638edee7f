from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.contracts.common import problem_responses
from app.contracts.customers import (
    ConsentChallengeCreate,
    ConsentChallengeOut,
    ConsentEventOut,
    Consents,
    ConsentUpdate,
    CustomerSearchResult,
    IdentifyRequest,
    IdentifyResponse,
    NoteCreate,
    NoteOut,
    TryOnCreate,
    TryOnOut,
    WishlistAdd,
    WishlistItem,
)
from app.server.catalog.deps import LocationsDep
from app.server.customers import consent, consent_codes, service
from app.server.deps import (
    CurrentAssociate,
    DbDep,
    PathId,
    RateLimitsDep,
    SettingsDep,
    SigningKeyDep,
)
from app.server.idempotency.routes import IdempotencyKey, create, create_answering
from app.server.messaging import MessagingDep

router = APIRouter(tags=["customers"], responses=problem_responses(401, 422))
CustomerId = Annotated[int, PathId]
WRITE_PROBLEMS = problem_responses(400, 403, 404, 409, 413)


@router.get("/v1/customers", response_model=CustomerSearchResult)
def search_customers(
    db: DbDep,
    principal: CurrentAssociate,
    phone: Annotated[str | None, Query(max_length=32)] = None,
    email: Annotated[str | None, Query(max_length=200)] = None,
    loyalty: Annotated[str | None, Query(max_length=20)] = None,
):
    """Find a customer; personal data is masked until they identify themselves or consent."""
    with db.session() as session:
        return service.search(
            db_session=session, principal=principal, phone=phone, email=email, loyalty=loyalty
        )


@router.post(
    "/v1/customers/identify",
    response_model=IdentifyResponse,
    responses=problem_responses(400, 404, 413),
)
def identify(
    body: IdentifyRequest,
    db: DbDep,
    principal: CurrentAssociate,
    settings: SettingsDep,
):
    """Resolve the signed identity QR code the customer shows in their app."""
    with db.write() as session:
        return service.identify(
            db_session=session,
            principal=principal,
            token=body.token,
            grant_hours=settings.visit_grant_hours,
        )


@router.post(
    "/v1/customers/{customer_id}/wishlist",
    response_model=WishlistItem,
    status_code=201,
    responses={200: {"model": WishlistItem, "description": "Already saved"}, **WRITE_PROBLEMS},
)
def add_to_wishlist(
    customer_id: CustomerId,
    body: WishlistAdd,
    request: Request,
    principal: CurrentAssociate,
    locations: LocationsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return create_answering(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: _saved(
            service.add_to_wishlist(
                db_session=s,
                principal=principal,
                customer_id=customer_id,
                body=body,
                directory=locations,
            )
        ),
    )


def _saved(saved: service.WishlistSaved) -> tuple[int, WishlistItem]:
    # Saving an item twice is not an error; 200 instead of 201 tells the tablet that nothing
    # new was made, so it does not add a second row to its list.
    return (201 if saved.created else 200), saved.item


@router.delete(
    "/v1/customers/{customer_id}/wishlist",
    status_code=204,
    responses=problem_responses(403, 404),
)
def remove_from_wishlist(
    customer_id: CustomerId,
    sku: Annotated[str, Query(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")],
    db: DbDep,
    principal: CurrentAssociate,
) -> Response:
    with db.write() as session:
        service.remove_from_wishlist(
            db_session=session, principal=principal, customer_id=customer_id, sku=sku
        )
    return Response(status_code=204)


@router.post(
    "/v1/customers/{customer_id}/try-ons",
    response_model=TryOnOut,
    status_code=201,
    responses=WRITE_PROBLEMS,
)
def record_try_on(
    customer_id: CustomerId,
    body: TryOnCreate,
    request: Request,
    principal: CurrentAssociate,
    locations: LocationsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: service.record_try_on(
            db_session=s,
            principal=principal,
            customer_id=customer_id,
            body=body,
            directory=locations,
        ),
    )


@router.post(
    "/v1/customers/{customer_id}/notes",
    response_model=NoteOut,
    status_code=201,
    responses=WRITE_PROBLEMS,
)
def add_note(
    customer_id: CustomerId,
    body: NoteCreate,
    request: Request,
    principal: CurrentAssociate,
    locations: LocationsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: service.add_note(
            db_session=s,
            principal=principal,
            customer_id=customer_id,
            body=body,
            directory=locations,
        ),
    )


@router.post(
    "/v1/customers/{customer_id}/consent-challenges",
    response_model=ConsentChallengeOut,
    status_code=201,
    responses=problem_responses(400, 404, 409, 413, 429, 503),
)
def send_consent_challenge(
    customer_id: CustomerId,
    body: ConsentChallengeCreate,
    db: DbDep,
    principal: CurrentAssociate,
    settings: SettingsDep,
    messaging: MessagingDep,
    limits: RateLimitsDep,
    key: SigningKeyDep,
) -> ConsentChallengeOut:
    """Send a one-time code to the customer's phone or e-mail address on file, in their
    language, naming this store; they read it back to record their consent. At most a few per
    customer and per associate (429 with Retry-After)."""
    return consent_codes.send_challenge(
        db=db,
        messaging=messaging,
        limits=limits,
        settings=settings,
        key=key,
        principal=principal,
        customer_id=customer_id,
        body=body,
    )


@router.post(
    "/v1/customers/{customer_id}/consent",
    response_model=Consents,
    responses=problem_responses(400, 403, 404, 413),
)
def update_consent(
    customer_id: CustomerId,
    body: ConsentUpdate,
    db: DbDep,
    principal: CurrentAssociate,
    key: SigningKeyDep,
    locations: LocationsDep,
) -> Consents:
    """Record consent the customer gives or withdraws in the store, with their proof: the code
    sent to them, or their identity QR code scanned here in the last 30 minutes. A wrong code
    says how many tries are left; after five the code is dead."""
    return consent.update_consent(
        db=db,
        key=key,
        principal=principal,
        customer_id=customer_id,
        body=body,
        directory=locations,
    )


@router.get(
    "/v1/customers/{customer_id}/consent-events",
    response_model=list[ConsentEventOut],
    responses=problem_responses(403, 404),
)
def consent_events(
    customer_id: CustomerId, db: DbDep, principal: CurrentAssociate, locations: LocationsDep
) -> list[ConsentEventOut]:
    """Every consent given or withdrawn: when, where, by whom, how, and the text version."""
    with db.read_session() as session:
        return consent.consent_events(
            db_session=session, principal=principal, customer_id=customer_id, directory=locations
        )
