"""How often one client may do a thing, counted for every API process at once: in Redis when
`REYON_REDIS_URL` is set (several processes, several machines), in this process's memory
otherwise (one process: `reyon api` without --workers, the demo).

Moving windows from the `limits` library: a client that waits is let in again as its oldest
attempts age out, and the answer says how long that is (429 with Retry-After)."""

from __future__ import annotations

import logging
import math
import time

from fastapi import Request
from limits import RateLimitItem, parse, storage, strategies

from app.domain.errors import RateLimited
from app.server.security_log import security_event

log = logging.getLogger("reyon.api")


class RateLimits:
    def __init__(self, redis_url: str | None = None) -> None:
        # Short socket time-outs: a Redis that does not answer must not hold log-ins up.
        backend = (
            storage.storage_from_string(redis_url, socket_connect_timeout=1, socket_timeout=1)
            if redis_url
            else storage.MemoryStorage()
        )
        self._limiter = strategies.MovingWindowRateLimiter(backend)
        self._rules: dict[str, RateLimitItem] = {}

    def retry_after(self, rule: str, *keys: str) -> int | None:
        """Count one attempt against `rule` ("10/minute") for these keys: None when allowed,
        else the whole seconds until one more would be."""
        item = self._rules.get(rule) or self._rules.setdefault(rule, parse(rule))
        try:
            if self._limiter.hit(item, *keys):
                return None
            reset = self._limiter.get_window_stats(item, *keys).reset_time
        except Exception:
            # The shared counter is unreachable: serve rather than lock everyone out; the
            # slow PIN hash and the lock-out still stand behind it.
            log.exception("rate limit store unreachable; %s not counted", rule)
            return None
        return max(1, math.ceil(reset - time.time()))

    def check(self, rule: str, *keys: str, what: str) -> None:
        """Raise 429 (with Retry-After) when this attempt is one too many."""
        wait = self.retry_after(rule, *keys)
        if wait is not None:
            # keys: the limit's name, then whom it counts (an address, a tablet's id).
            security_event(
                "rate-limited",
                limit=keys[0] if keys else rule,
                rule=rule,
                counted=":".join(keys[1:]),
                retry_after=wait,
            )
            raise RateLimited(
                "too-many-requests",
                "Too many attempts",
                f"Too many {what} from here; try again in {wait} s.",
                retry_after=wait,
            )


def client_address(request: Request) -> str:
    """Whom a per-client limit counts: the peer's address (behind a balancer, the one uvicorn
    reads from X-Forwarded-For when FORWARDED_ALLOW_IPS trusts it)."""
    return request.client.host if request.client else "unknown"
