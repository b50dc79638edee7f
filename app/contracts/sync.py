from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel


class Change(BaseModel):
    seq: int
    entity: str
    entity_id: str
    op: Literal["upsert", "delete"]
    location_id: int | None
    customer_id: int | None
    payload: dict[str, Any]
    at: datetime


class ChangePage(BaseModel):
    changes: list[Change]
    next_cursor: int
    up_to_date: bool


class Health(BaseModel):
    status: Literal["ok"]
    database: str
    version: str
