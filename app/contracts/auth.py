from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints

from app.contracts.common import Request

Role = Literal["associate", "cashier", "manager"]


class LoginRequest(Request):
    store_code: Annotated[
        str, StringConstraints(min_length=1, max_length=16, strip_whitespace=True)
    ]
    associate_code: Annotated[
        str, StringConstraints(min_length=1, max_length=40, strip_whitespace=True)
    ]
    pin: Annotated[str, StringConstraints(pattern=r"^[0-9]{4,8}$")]
    device_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class StoreRef(BaseModel):
    id: int
    code: str
    name: str


class AssociateOut(BaseModel):
    id: int
    code: str
    name: str
    role: Role
    store: StoreRef


class LoginResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    associate: AssociateOut
