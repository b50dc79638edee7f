from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.contracts.common import problem_responses
from app.contracts.inventory import Availability, ProductStock
from app.server.catalog.deps import LocationsDep
from app.server.deps import CurrentAssociate, DbDep, PathId, PathSku
from app.server.inventory import service

router = APIRouter(tags=["inventory"], responses=problem_responses(401, 404, 422))


@router.get("/v1/availability/{sku}", response_model=Availability)
def availability(
    sku: Annotated[str, PathSku],
    db: DbDep,
    locations: LocationsDep,
    principal: CurrentAssociate,
    near: Annotated[
        int | None,
        Query(ge=1, le=2**31 - 1, description="Location to sort from; default: your store"),
    ] = None,
):
    with db.read_connection() as conn:
        body = service.availability_json(
            conn=conn,
            directory=locations,
            sku=sku,
            near=near if near is not None else principal.store_id,
        )
    # Already JSON of the `Availability` contract (declared above for the OpenAPI document).
    return Response(body, media_type="application/json")


@router.get("/v1/products/{product_id}/stock", response_model=ProductStock)
def product_stock(
    product_id: Annotated[int, PathId],
    db: DbDep,
    locations: LocationsDep,
    _: CurrentAssociate,
    near: Annotated[
        int | None,
        Query(ge=1, le=2**31 - 1, description="The store whose units count as here"),
    ] = None,
):
    with db.read_connection() as conn:
        return service.product_stock(
            conn=conn, directory=locations, product_id=product_id, near=near
        )
