"""Shapes shared by every part of the wire format."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://reyon.dev/problems/"

Sku = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]
Quantity = Annotated[int, Field(ge=1, le=99)]
Kurus = Annotated[int, Field(ge=0, le=10**12)]
LocationId = Annotated[int, Field(ge=1, le=2**31 - 1)]
EntityId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Request(BaseModel):
    """Base for request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


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
