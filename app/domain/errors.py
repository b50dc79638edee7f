"""What the rules refuse, in words and without a transport. Services raise these; the API layer
(app/server/errors.py) alone decides how each category reaches the wire (its status, headers).

`kind` is the stable name of the problem (the tail of the problem type a client matches on),
`title` its short summary, `detail` this occurrence, and `extra` machine-readable facts the
client acts on (which line ran out, how many tries are left). The category, not the kind, says
what sort of refusal it is, so a new kind needs no change outside the service that raises it.
Whatever a service raised, its unit of work rolls back: a refusal leaves nothing half-written.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Raise a category below, not this: the API layer maps categories, not this base."""

    def __init__(self, kind: str, title: str, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or title)
        self.kind = kind
        self.title = title
        self.detail = detail
        self.extra = extra


class UnusableInput(DomainError):
    """Input that cannot be used as sent, whatever the rules say: a page cursor we did not
    make, an enrolment code that is unknown or spent, an idempotency key of the wrong shape."""


class Invalid(DomainError):
    """Input that is readable but that the rules refuse: an unknown SKU, a location that is not
    a store, a code that is expired or not genuine, a coupon that does not apply."""


class Unauthenticated(DomainError):
    """Who is asking is not known: no token, a bad or ended one, wrong log-in credentials."""


class Forbidden(DomainError):
    """The caller is known but may not do this: another store's, a role too low."""


class ConsentRequired(Forbidden):
    """The customer has not consented, or the proof of their consent is missing or wrong."""


class NotFound(DomainError):
    """No such thing, or one the caller may not learn exists (answered the same on purpose)."""

    def __init__(self, what: str, ident: object) -> None:
        super().__init__("not-found", f"{what} not found", f"No {what.lower()} {ident!s}.")
        self.what = what


class Conflict(DomainError):
    """The thing's present state forbids it: already cancelled, already voided, used up,
    saved a moment ago elsewhere, still being done by the first attempt."""


class OutOfStock(Conflict):
    """A line cannot be reserved at any location the sourcing rules allow."""

    def __init__(
        self, *, line_index: int, sku: str, quantity: int, alternatives: list[dict[str, Any]]
    ) -> None:
        super().__init__(
            "out-of-stock",
            "Not enough stock",
            f"Line {line_index + 1} ({sku}): {quantity} not available at the chosen location.",
            line_index=line_index,
            sku=sku,
            alternatives=alternatives,
        )


class UsedUp(Conflict):
    """A coupon with no use left, for everyone or for this customer."""


class Locked(DomainError):
    """Locked for a while after too many failures (an associate's wrong PINs)."""


class RateLimited(DomainError):
    """One attempt too many; `retry_after` whole seconds until the next is let in."""

    def __init__(self, kind: str, title: str, detail: str, *, retry_after: int) -> None:
        super().__init__(kind, title, detail, retry_after=retry_after)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """Something we depend on cannot do it now (no mail server set up, the provider down)."""
