from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.contracts.common import Request

Role = Literal["associate", "cashier", "manager"]


class LoginRequest(Request):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "store_code": "IST01",
                    "associate_code": "demo-associate",
                    "pin": "1234",
                    "device_id": "IST01-3f9a1c2e",
                    "device_secret": "the secret the tablet got when it was enrolled",
                }
            ]
        },
    )

    store_code: Annotated[
        str, StringConstraints(min_length=1, max_length=16, strip_whitespace=True)
    ]
    associate_code: Annotated[
        str, StringConstraints(min_length=1, max_length=40, strip_whitespace=True)
    ]
    pin: Annotated[str, StringConstraints(pattern=r"^[0-9]{4,8}$")]
    # The tablet's enrolment (POST /v1/devices/enrol): a log-in from anything else is refused
    # before a PIN is looked at.
    device_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    device_secret: Annotated[str, StringConstraints(min_length=1, max_length=128)]


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


class StaffMember(BaseModel):
    """A manager's view of an associate of their store: active, and on which tablets too many
    wrong PINs have locked them (a lock holds on that tablet only)."""

    id: int
    code: str
    name: str
    role: Role
    active: bool
    locked_on: list[str]


class StaffList(BaseModel):
    items: list[StaffMember]
