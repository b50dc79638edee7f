from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from app.domain.errors import Forbidden, Invalid, NotFound, UsedUp
from app.server.promotions import offline

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_validity_is_judged_at_a_plausible_sale_time_else_on_arrival() -> None:
    an_hour_ago = NOW - timedelta(hours=1)
    assert offline.judged_at(an_hour_ago, NOW) == an_hour_ago
    assert offline.judged_at(NOW - timedelta(hours=48), NOW) == NOW - timedelta(hours=48)
    assert offline.judged_at(NOW - timedelta(hours=48, seconds=1), NOW) == NOW
    assert offline.judged_at(NOW + timedelta(seconds=1), NOW) == NOW  # a till clock ahead


def test_times_without_an_offset_are_utc_and_others_are_converted() -> None:
    naive = datetime(2026, 12, 1, 11, 0)
    assert offline.judged_at(naive, NOW) == datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    istanbul = datetime(2026, 12, 1, 14, 0, tzinfo=timezone(timedelta(hours=3)))
    assert offline.as_utc(istanbul) == datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


def test_offline_needs_both_limits_above_zero() -> None:
    assert offline.allows_offline(1, 1)
    assert not offline.allows_offline(0, 0)
    assert not offline.allows_offline(5, 0)
    assert not offline.allows_offline(0, 100_000)


def test_loss_reason_puts_the_race_first() -> None:
    assert offline.loss_reason(["expired", "used_up"]) == "used_up"
    assert offline.loss_reason(["below_minimum", "expired"]) == "below_minimum"
    assert offline.loss_reason(["customer_limit_reached"]) == "customer_limit_reached"
    assert offline.loss_reason([]) == "refused"


def test_only_refusals_of_a_read_coupon_become_losses() -> None:
    assert offline.is_refusal(UsedUp("coupon-used-up", "t"))
    assert offline.is_refusal(Invalid("coupon-not-applicable", "t"))
    assert offline.is_refusal(UsedUp("coupon-customer-limit", "t"))
    assert not offline.is_refusal(NotFound("Coupon", "X"))
    assert not offline.is_refusal(Forbidden("wrong-store", "t"))
    assert not offline.is_refusal(Invalid("coupon-token-bad-signature", "t"))


def test_refusal_detail_is_readable() -> None:
    text = offline.refusal_detail("HOSGELDIN10", "used_up", 3000)
    assert "HOSGELDIN10" in text and "used up" in text and "3000" in text
    assert "no offline" in offline.refusal_detail("X", offline.NOT_ALLOWED, 1)
    assert "expired" in offline.refusal_detail("X", "expired", 1)
