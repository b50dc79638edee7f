from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from app.contracts.common import problem_responses
from app.contracts.customers import CustomerView
from app.server.catalog.deps import LocationsDep
from app.server.customer_view import service
from app.server.deps import CurrentAssociate, DbDep, PathId, SettingsDep
from app.server.sync.deps import OpenedDep

router = APIRouter(tags=["customers"], responses=problem_responses(401, 422))
CustomerId = Annotated[int, PathId]


@router.get(
    "/v1/customers/{customer_id}",
    response_model=CustomerView,
    responses=problem_responses(403, 404),
)
def customer_view(
    customer_id: CustomerId,
    db: DbDep,
    principal: CurrentAssociate,
    locations: LocationsDep,
    settings: SettingsDep,
    opened: OpenedDep,
):
    """The single customer view: profile, saved items, try-ons, cart, orders, coupons, notes,
    pickups waiting, returns and transfers made for them. From now on this tablet's change feed
    carries the customer's changes."""
    with db.read_session() as session:
        out = service.customer_view(
            db_session=session,
            principal=principal,
            customer_id=customer_id,
            directory=locations,
            tz=settings.timezone,
        )
    opened.note(device_id=principal.device_id, customer_id=customer_id)
    return out
