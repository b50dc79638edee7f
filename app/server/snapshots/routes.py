"""The snapshot pages a tablet pulls on its first sync, under /v1/sync/ with the change feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.contracts.common import problem_responses
from app.contracts.sync import CatalogSnapshotPage, StockSnapshotPage
from app.server.deps import CurrentAssociate, DbDep
from app.server.snapshots import service
from app.server.sync.routes import LocationId
from app.server.sync.service import MAX_LOCATIONS

router = APIRouter(tags=["sync"], responses=problem_responses(401, 422))
JSON = "application/json"


@router.get("/v1/sync/snapshot/catalog", response_model=CatalogSnapshotPage)
def snapshot_catalog(
    db: DbDep,
    _: CurrentAssociate,
    after: Annotated[int, Query(ge=0, le=2**31 - 1, description="Product id")] = 0,
    limit: Annotated[int, Query(ge=1, le=service.CATALOG_MAX_PAGE)] = 200,
) -> Response:
    """A page of the catalogue for the offline cache: products after `after`, in id order."""
    with db.session() as session:
        page = service.catalog_page(db_session=session, after=after, limit=limit)
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
            max_length=MAX_LOCATIONS,
            description="Repeat for each location the tablet follows",
        ),
    ],
    after: Annotated[int, Query(ge=0, le=2**31 - 1, description="Variant id")] = 0,
    limit: Annotated[
        int, Query(ge=1, le=service.STOCK_MAX_PAGE, description="Variants per page")
    ] = 2000,
) -> Response:
    """A page of stock rows at the followed locations: the variants after `after`."""
    with db.session() as session:
        body = service.stock_page_json(
            db_session=session, location_ids=location_id, after=after, limit=limit
        )
    # Already JSON of the `StockSnapshotPage` contract (declared above for the OpenAPI document).
    return Response(body, media_type=JSON)
