"""Shapes shared by every part of the wire format."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://reyon.dev/problems/"

Sku = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]
Quantity = Annotated[int, Field(ge=1, le=99)]
Kurus = Annotated[int, Field(ge=0, le=10**12)]
LocationId = Annotated[int, Field(ge=1, le=2**31 - 1)]
EntityId = Annotated[int, Field(ge=1, le=2**31 - 1)]


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
    }
    return {
        status: {
            "model": Problem,
            "description": descriptions.get(status, "Problem"),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
