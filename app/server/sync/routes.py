from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from app.contracts.common import problem_responses
from app.contracts.sync import ChangePage
from app.server.deps import CurrentAssociate, DbDep
from app.server.sync import service
from app.server.sync.changelog import number_committed

router = APIRouter(tags=["sync"], responses=problem_responses(401, 422))
LocationId = Annotated[int, Field(ge=1, le=2**31 - 1)]


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
    number_committed(db)  # what committed before this request is in the feed it reads
    with db.session() as session:
        return service.changes(
            db_session=session,
            since=since,
            location_ids=location_id,
            device_id=principal.device_id,
            limit=limit,
        )
