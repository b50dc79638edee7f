from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.contracts.common import Day, problem_responses
from app.contracts.reports import StoreReport
from app.server.deps import CurrentManager, DbDep, SettingsDep
from app.server.reports import service

router = APIRouter(tags=["reports"], responses=problem_responses(401, 422))


@router.get("/v1/reports/store", response_model=StoreReport, responses=problem_responses(403, 404))
def store_report(
    db: DbDep,
    settings: SettingsDep,
    principal: CurrentManager,
    first_day: Annotated[Day | None, Query(description="Default: last_day")] = None,
    last_day: Annotated[Day | None, Query(description="Default: today, local time")] = None,
    location_id: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Default: your store")
    ] = None,
):
    """Your store's figures over local days (at most 92): endless-aisle sales by associate,
    shelf-QR scans and the orders they led to, coupon redemptions, cross-channel customers,
    pickups made ready by their promised day, returns taken here by reason."""
    with db.session() as session:
        return service.store_report(
            db_session=session,
            principal=principal,
            location_id=location_id,
            first_day=first_day,
            last_day=last_day,
            timezone=settings.timezone,
        )
