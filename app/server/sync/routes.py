from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.contracts.common import problem_responses
from app.contracts.sync import ChangePage
from app.server.deps import CurrentAssociate, DbDep
from app.server.sync import service

router = APIRouter(tags=["sync"], responses=problem_responses(401, 422))


@router.get("/v1/sync/changes", response_model=ChangePage)
def changes(
    db: DbDep,
    _: CurrentAssociate,
    since: Annotated[int, Query(ge=0, le=2**62)] = 0,
    location_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 500,
):
    with db.session() as session:
        return service.changes(
            db_session=session, since=since, location_id=location_id, limit=limit
        )
