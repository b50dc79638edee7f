"""Shapes shared by every part of the wire format."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://reyon.dev/problems/"

Sku = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]
Quantity = Annotated[int, Field(ge=1, le=99)]
Kurus = Annotated[int, Field(ge=0, le=10**12)]
LocationId = Annotated[int, Field(ge=1, le=2**31 - 1)]
EntityId = Annotated[int, Field(ge=1, le=2**31 - 1)]


# Times a store can mean. Outside them Python's datetime overflows when shifted to UTC or to
# a local day (year 1 at +14:00, year 9999 at -14:00): a 422, never a 500.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2099


def _plausible_moment(value: datetime) -> datetime:
    try:
        at = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        at = None
    if at is None or not EARLIEST_YEAR <= at.year <= LATEST_YEAR:
        raise ValueError(f"must be a time between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return at


def _plausible_day(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must be a day between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


# A time on the wire, in UTC once read (one without an offset is taken to be UTC already).
Moment = Annotated[datetime, AfterValidator(_plausible_moment)]
Day = Annotated[date, AfterValidator(_plausible_day)]


def _no_nul(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
    elif isinstance(value, list | tuple):
        for item in value:
            _no_nul(item)
    elif isinstance(value, dict):
        for k, v in value.items():
            _no_nul(k)
            _no_nul(v)
    return value


class Request(BaseModel):
    """Base for request bodies: unknown fields are an error, not silently dropped, and no text
    may hold a NUL character (PostgreSQL cannot store one; it is never meant)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _text_without_nul(cls, value: Any) -> Any:
        return _no_nul(value)

    @field_validator("*", mode="before")
    @classmethod
    def _no_true_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        # Lax pydantic reads true as 1: `"quantity": true` would order one item. A number
        # field takes numbers only.
        if isinstance(value, bool) and info.field_name is not None:
            annotation = cls.model_fields[info.field_name].annotation
            if annotation is not bool and bool not in get_args(annotation):
                raise ValueError("takes no true or false here")
        return value


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details. `type` is stable; clients branch on it, people read `detail`."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None
    # On 5xx answers: the id of the request in the API's log (also the X-Request-ID header).
    request_id: str | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries documenting problem+json answers."""
    descriptions = {
        400: "Malformed request",
        401: "Missing or invalid bearer token",
        403: "Not allowed for this associate or without the customer's consent",
        404: "Not found",
        409: "Conflict: out of stock, used up, or the same request still running",
        413: "Request body too large",
        422: "Invalid request body or parameters",
        423: "Locked after too many wrong PINs",
        429: "Too many attempts; Retry-After says when to try again",
        503: "A service it needs (database, e-mail, SMS) is unavailable; try again later",
    }
    return {
        status: {
            "model": Problem,
            "description": descriptions.get(status, "Problem"),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
