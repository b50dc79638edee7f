"""The HTML of booking an appointment from the look page, phone first and without script: the
kind and the day as links (48 px targets), the free times as the buttons of one form, the
client's appointments already booked, the confirmation, and a refusal that leads back to the
times. Same frame and style as the look page (storefront/look_pages.py)."""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from app.domain.appointments import AppointmentKind, AppointmentStatus
from app.server.clienteling.appointment_models import Appointment
from app.server.storefront.i18n import Lang, t
from app.server.storefront.look_pages import _page, notice
from app.server.storefront.look_service import LookView


def _local(at: datetime, zone: str) -> datetime:
    return at.astimezone(ZoneInfo(zone))


def _day_words(lang: Lang, day: date) -> str:
    return f"{t(lang, 'weekday_short').split()[day.weekday()]} {day:%d.%m}"


def _link(base: str, lang: Lang, kind: AppointmentKind, day: date) -> str:
    return f"{base}/appointment?lang={lang}&kind={kind}&day={day.isoformat()}"


def _pill(text: str, href: str, on: bool) -> str:
    current = ' aria-current="true"' if on else ""
    return f'<a class="pill{" on" if on else ""}" href="{escape(href)}"{current}>{escape(text)}</a>'


def choose(
    look: LookView,
    lang: Lang,
    *,
    self_path: str,
    kind: AppointmentKind,
    day: date,
    days: list[date],
    times: list[datetime],
    booked: list[Appointment],
    zone: str,
) -> str:
    title = t(lang, "appointment_title")
    kinds = "".join(
        _pill(t(lang, f"appointment_kind_{k}"), _link(self_path, lang, k, day), k == kind)
        for k in AppointmentKind
    )
    day_links = "".join(
        _pill(_day_words(lang, d), _link(self_path, lang, kind, d), d == day) for d in days
    )
    if times:
        buttons = "".join(
            f'<button type="submit" name="at" value="{escape(at.isoformat())}">'
            f"{_local(at, zone):%H:%M}</button>"
            for at in times
        )
        slots = (
            f'<form method="post" action="{escape(self_path)}/appointment?lang={lang}">'
            f'<input type="hidden" name="kind" value="{kind}"><div class="times">{buttons}</div>'
            "</form>"
        )
    else:
        slots = f'<p class="note warn">{escape(t(lang, "appointment_none"))}</p>'
    yours = ""
    if booked:
        lines = "".join(
            f'<li><a href="{escape(self_path)}/appointment/{a.id}?lang={lang}">'
            + escape(
                t(
                    lang,
                    "appointment_line",
                    day=_day_words(lang, _local(a.starts_at, zone).date()),
                    time=f"{_local(a.starts_at, zone):%H:%M}",
                    kind=t(lang, f"appointment_kind_{a.kind}"),
                )
            )
            + "</a></li>"
            for a in booked
        )
        yours = f'<section class="yours"><h2>{t(lang, "appointment_yours")}</h2><ul>{lines}</ul></section>'
    body = (
        f"<h1>{escape(title)}</h1>"
        f"<p>{escape(t(lang, 'appointment_intro', store=look.store_name))}</p>{yours}"
        f'<section><div class="pills">{kinds}</div></section>'
        f'<section><h2>{t(lang, "appointment_day")}</h2><div class="pills">{day_links}</div></section>'
        f"<section><h2>{t(lang, 'appointment_times')} · {escape(_day_words(lang, day))}</h2>{slots}</section>"
        f'<a class="btn secondary" href="{escape(self_path)}?lang={lang}">{t(lang, "back_to_look")}</a>'
    )
    return _page(lang, title, body, self_path=f"{self_path}/appointment")


def booked(
    look: LookView,
    appointment: Appointment,
    lang: Lang,
    *,
    self_path: str,
    with_name: str,
    zone: str,
) -> str:
    start = _local(appointment.starts_at, zone)
    values = {"day": _day_words(lang, start.date()), "time": f"{start:%H:%M}"}
    if appointment.status == AppointmentStatus.CANCELLED:
        title = t(lang, "appointment_cancelled_title")
        text = f'<p class="note warn">{escape(t(lang, "appointment_cancelled_text", **values))}</p>'
    else:
        title = t(lang, "appointment_booked_title")
        words = t(
            lang,
            "appointment_booked_text",
            store=look.store_name,
            kind=t(lang, f"appointment_kind_{appointment.kind}"),
            name=with_name,
            **values,
        )
        text = f'<p class="note">{escape(words)}</p><p class="muted">{t(lang, "appointment_change")}</p>'
    body = (
        f"<h1>{escape(title)}</h1>{text}"
        f'<a class="btn primary" href="{escape(self_path)}?lang={lang}">{t(lang, "back_to_look")}</a>'
        f'<a class="btn secondary" href="{escape(self_path)}/appointment?lang={lang}">'
        f"{t(lang, 'appointment_again')}</a>"
    )
    return _page(lang, title, body, self_path=f"{self_path}/appointment/{appointment.id}")


def refused(lang: Lang, key: str, *, self_path: str, back: str) -> str:
    """The time could not be booked: say why, and lead back to the times."""
    links = [(t(lang, "appointment_back"), back)]
    title = t(lang, "appointment_refused_title")
    return notice(lang, title, t(lang, key), self_path=self_path, links=links)
