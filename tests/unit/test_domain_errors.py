"""Domain errors carry no HTTP; the API layer's one table gives each category its status."""

from __future__ import annotations

import json

import pytest

from app.contracts.common import PROBLEM_BASE
from app.domain import errors as domain
from app.server import errors as api
from app.server.messaging.service import MessagingUnavailable
from app.server.promotions.offline import OfflineRedemptionLost


def _categories(base: type[domain.DomainError]) -> list[type[domain.DomainError]]:
    subs = base.__subclasses__()
    return subs + [c for s in subs for c in _categories(s)]


@pytest.mark.parametrize("cls", _categories(domain.DomainError), ids=lambda c: c.__name__)
def test_every_category_has_a_status(cls: type[domain.DomainError]) -> None:
    assert 400 <= api.STATUS[next(c for c in cls.__mro__ if c in api.STATUS)] < 600


def test_the_mapping_table() -> None:
    def status(err: domain.DomainError) -> int:
        return api.status_of(err)

    assert status(domain.UnusableInput("bad-cursor", "t")) == 400
    assert status(domain.Invalid("unknown-sku", "t")) == 422
    assert status(domain.Unauthenticated("unauthorized", "t")) == 401
    assert status(domain.Forbidden("wrong-store", "t")) == 403
    assert status(domain.ConsentRequired("consent-required", "t")) == 403
    assert status(domain.NotFound("Order", 7)) == 404
    assert status(domain.Conflict("already-voided", "t")) == 409
    assert status(domain.UsedUp("coupon-used-up", "t")) == 409
    out = domain.OutOfStock(line_index=0, sku="S", quantity=1, alternatives=[])
    assert status(out) == 409
    assert status(domain.Locked("associate-locked", "t")) == 423
    assert status(domain.RateLimited("too-many-requests", "t", "d", retry_after=3)) == 429
    assert status(domain.Unavailable("messaging-unavailable", "t")) == 503
    assert status(MessagingUnavailable("sms", "d")) == 503


def test_a_bare_domain_error_is_no_category() -> None:
    with pytest.raises(TypeError):
        api.status_of(domain.DomainError("x", "t"))


def test_the_wire_form_keeps_kind_title_detail_and_extra_members() -> None:
    err = domain.OutOfStock(line_index=1, sku="RY-1", quantity=2, alternatives=[{"code": "W"}])
    body = api.problem(err).body("/v1/orders")
    assert body == {
        "type": PROBLEM_BASE + "out-of-stock",
        "title": "Not enough stock",
        "status": 409,
        "detail": "Line 2 (RY-1): 2 not available at the chosen location.",
        "instance": "/v1/orders",
        "line_index": 1,
        "sku": "RY-1",
        "alternatives": [{"code": "W"}],
    }
    missing = api.problem(domain.NotFound("Product", 5)).body()
    assert (missing["title"], missing["detail"]) == ("Product not found", "No product 5.")


def test_headers_follow_the_category() -> None:
    limited = api.problem_response(
        api.problem(domain.RateLimited("too-many-requests", "t", "d", retry_after=7))
    )
    assert limited.headers["Retry-After"] == "7"
    assert json.loads(limited.body)["retry_after"] == 7
    unknown = api.problem_response(api.problem(domain.Unauthenticated("unauthorized", "t")))
    assert unknown.headers["WWW-Authenticate"] == "Bearer"


def test_an_offline_loss_is_a_conflict() -> None:
    assert issubclass(OfflineRedemptionLost, domain.Conflict)
