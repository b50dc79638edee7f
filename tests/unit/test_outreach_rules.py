"""The pure rules of a look (app/domain/outreach.py): quiet hours and the first moment after
them, who may be sent what, the texts, the attribution window; and the e-mail a look becomes
(app/server/outreach/email_body.py), which renders without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from html import escape
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import outreach
from app.domain.outreach import (
    ATTRIBUTION_DAYS,
    LOOK_CHANNELS,
    Signature,
    allowed,
    credited,
    in_quiet_hours,
    not_before,
    purpose_for,
    short_text,
    subject,
    template_text,
)
from app.server.outreach import email_body
from app.server.outreach.email_body import LookMail, MailItem
from app.server.outreach.sender import RETRY_MAX, retry_delay

IST = "Europe/Istanbul"
# Zones with daylight saving time, odd offsets and the date line: the rules hold in all of them.
ZONES = [
    IST,
    "America/New_York",
    "Europe/London",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "Etc/GMT+12",
    "Etc/GMT-14",
]
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)


def at(zone: str, y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [(20, 59, False), (21, 0, True), (23, 30, True), (0, 0, True), (8, 59, True), (9, 0, False)],
)
def test_quiet_hours_are_21_to_09_in_the_stores_zone(hour: int, minute: int, quiet: bool) -> None:
    assert in_quiet_hours(at(IST, 2025, 6, 1, hour, minute), IST) is quiet


def test_a_window_inside_one_day_works_too() -> None:
    lunch = (time(12, 0), time(13, 0))
    assert in_quiet_hours(at(IST, 2025, 6, 1, 12, 30), IST, *lunch)
    assert not in_quiet_hours(at(IST, 2025, 6, 1, 13, 0), IST, *lunch)
    assert not_before(at(IST, 2025, 6, 1, 12, 30), IST, *lunch) == at(IST, 2025, 6, 1, 13)


@given(moments, st.sampled_from(ZONES))
def test_not_before_is_the_first_moment_outside_the_quiet_hours(
    moment: datetime, zone: str
) -> None:
    due = not_before(moment, zone)
    assert due >= moment and due.tzinfo == moment.tzinfo
    assert not in_quiet_hours(due, zone)
    if not in_quiet_hours(moment, zone):
        assert due == moment
    else:
        local = due.astimezone(ZoneInfo(zone))
        assert (local.hour, local.minute, local.second) == (9, 0, 0)
        # 12 hours of quiet, one more on a night the clocks go back
        assert due - moment <= timedelta(hours=13)
        assert in_quiet_hours(due - timedelta(seconds=1), zone)  # the first, not a later one


@given(moments, st.sampled_from(ZONES))
def test_not_before_is_idempotent(moment: datetime, zone: str) -> None:
    assert not_before(not_before(moment, zone), zone) == not_before(moment, zone)


@pytest.mark.parametrize("channel", LOOK_CHANNELS)
def test_a_look_needs_that_channels_consent_and_an_address(channel: str) -> None:
    assert purpose_for(channel) == channel  # type: ignore[arg-type]
    others = {c: True for c in LOOK_CHANNELS if c != channel}
    assert allowed(channel, consents={channel: True}, address="x")  # type: ignore[arg-type]
    assert not allowed(channel, consents={channel: True}, address=None)  # type: ignore[arg-type]
    assert not allowed(channel, consents={channel: True}, address="")  # type: ignore[arg-type]
    assert not allowed(channel, consents={channel: False}, address="x")  # type: ignore[arg-type]
    assert not allowed(channel, consents=others, address="x")  # type: ignore[arg-type]


@given(st.text(max_size=40))
def test_a_template_takes_the_name_as_it_is(name: str) -> None:
    text = template_text("your_size", "tr", name=name)
    assert text.startswith(f"Merhaba {name},")
    assert template_text("no-such-template", "en", name=name) == template_text(
        "new_in", "en", name=name
    )


def test_texts_speak_the_looks_language() -> None:
    who = Signature("Elif", "Nişantaşı")
    assert subject("tr", who) == "Elif sizin için seçti"
    assert subject("en", who) == "Elif picked these for you"
    for lang, stop in (("tr", "almak istemiyorsanız"), ("en", "To stop these messages")):
        text = short_text(
            lang,  # type: ignore[arg-type]
            line="  Merhaba!  ",
            who=who,
            look_url="https://s.example/l/RY1LA",
            optout_url="https://s.example/o/RY1OA",
        )
        first, link, footer = text.split("\n")
        assert (first, link) == ("Merhaba!", "https://s.example/l/RY1LA")
        assert stop in footer and footer.endswith("https://s.example/o/RY1OA")
        assert "Elif, Nişantaşı" in footer


@given(moments, st.integers(min_value=-(10**7), max_value=ATTRIBUTION_DAYS * 86400 + 10**7))
def test_a_purchase_is_credited_within_the_window_only(sent: datetime, seconds: int) -> None:
    bought = sent + timedelta(seconds=seconds)
    assert credited(sent, bought) is (0 <= seconds <= ATTRIBUTION_DAYS * 86400)


def test_the_window_is_inclusive_to_the_microsecond() -> None:
    sent = datetime(2025, 1, 1, tzinfo=UTC)
    end = sent + timedelta(days=ATTRIBUTION_DAYS)
    assert credited(sent, sent) and credited(sent, end)
    assert not credited(sent, end + timedelta(microseconds=1))
    assert not credited(sent, sent - timedelta(microseconds=1))


@given(st.integers(min_value=1, max_value=outreach.MAX_ATTEMPTS))
def test_retries_back_off_and_stay_within_an_hour(attempts: int) -> None:
    delay = retry_delay(attempts)
    assert timedelta(seconds=30) <= delay <= RETRY_MAX
    assert retry_delay(attempts + 1) >= delay


def _mail(lang: str, line: str, name: str = "Keten <Gömlek>") -> LookMail:
    return LookMail(
        look_id=7,
        lang=lang,  # type: ignore[arg-type]
        line=line,
        who=Signature("Elif & Co", "Nişantaşı"),
        items=(MailItem(name, "Bej", "M", 129990, "https://s.example/v1/media/1.webp?a=1&v=1"),),
        look_url="https://s.example/l/RY1LA",
        optout_url="https://s.example/o/RY1OA",
    )


@given(st.text(max_size=200))
def test_the_personal_line_never_becomes_markup(line: str) -> None:
    html = email_body.html(_mail("tr", line))
    assert escape(line.strip()).replace("\n", "<br>") in html
    assert "<script" not in html.lower()
    assert "Keten &lt;Gömlek&gt;" in html and "Elif &amp; Co, Nişantaşı" in html


def test_the_e_mail_has_its_button_pixel_opt_out_and_headers() -> None:
    mail = _mail("tr", 'Merhaba <b>"Ayşe"</b>\nyeni sezon')
    html = email_body.html(mail)
    assert "Merhaba &lt;b&gt;&quot;Ayşe&quot;&lt;/b&gt;<br>yeni sezon" in html
    assert 'src="https://s.example/v1/media/1.webp?a=1&amp;v=1"' in html
    assert "1.299,90 TL" in html and "Renk: Bej · Beden: M" in html
    assert 'href="https://s.example/l/RY1LA"' in html and "Kombini görün" in html
    assert '<img src="https://s.example/l/RY1LA/pixel.png" width="1" height="1"' in html
    assert 'href="https://s.example/o/RY1OA"' in html
    assert email_body.headers(mail) == {
        "List-Unsubscribe": "<https://s.example/o/RY1OA>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert email_body.message_id(7, "shop.example") == "<look-7@shop.example>"
    english = email_body.html(_mail("en", "Hi"))
    assert "See the look" in english and "Colour: Bej · Size: M" in english
    assert email_body.subject(_mail("en", "Hi")) == "Elif & Co picked these for you"
