from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import Field

from app.contracts.common import problem_responses
from app.contracts.sync import CatalogSnapshotPage, ChangePage, StockSnapshotPage
from app.server.deps import CurrentAssociate, DbDep
from app.server.sync import service, snapshot

router = APIRouter(tags=["sync"], responses=problem_responses(401, 422))
LocationId = Annotated[int, Field(ge=1, le=2**31 - 1)]
JSON = "application/json"


@router.get("/v1/sync/changes", response_model=ChangePage)
def changes(
    db: DbDep,
    principal: CurrentAssociate,
    since: Annotated[int, Query(ge=0, le=2**62)] = 0,
    location_id: Annotated[
        list[LocationId] | None,
        Query(
            max_length=service.MAX_LOCATIONS,
            description="Repeat for each location the tablet follows (stock rows of other "
            "locations are left out); leave out for every location.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 500,
):
    """The change feed after `since`, for this tablet: rows for everyone, stock of the
    followed locations, and changes of the customers this device opened or identified."""
    with db.session() as session:
        return service.changes(
            db_session=session,
            since=since,
            location_ids=location_id,
            device_id=principal.device_id,
            limit=limit,
        )


@router.get("/v1/sync/snapshot/catalog", response_model=CatalogSnapshotPage)
def snapshot_catalog(
    db: DbDep,
    _: CurrentAssociate,
    after: Annotated[int, Query(ge=0, le=2**31 - 1, description="Product id")] = 0,
    limit: Annotated[int, Query(ge=1, le=snapshot.CATALOG_MAX_PAGE)] = 200,
) -> Response:
    """A page of the catalogue for the offline cache: products after `after`, in id order."""
    with db.session() as session:
        page = snapshot.catalog_page(db_session=session, after=after, limit=limit)
    # Dumped once by the contract model; FastAPI would validate and serialise it again.
    return Response(page.model_dump_json(), media_type=JSON)


@router.get("/v1/sync/snapshot/stock", response_model=StockSnapshotPage)
def snapshot_stock(
    db: DbDep,
    _: CurrentAssociate,
    location_id: Annotated[
        list[LocationId],
        Query(
            min_length=1,
            max_length=service.MAX_LOCATIONS,
            description="Repeat for each location the tablet follows",
        ),
    ],
    after: Annotated[int, Query(ge=0, le=2**31 - 1, description="Variant id")] = 0,
    limit: Annotated[
        int, Query(ge=1, le=snapshot.STOCK_MAX_PAGE, description="Variants per page")
    ] = 2000,
) -> Response:
    """A page of stock rows at the followed locations: the variants after `after`."""
    with db.session() as session:
        body = snapshot.stock_page_json(
            db_session=session, location_ids=location_id, after=after, limit=limit
        )
    # Already JSON of the `StockSnapshotPage` contract (declared above for the OpenAPI document).
    return Response(body, media_type=JSON)
