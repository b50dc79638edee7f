"""Booking an appointment from the look page (/l/{token}/appointment): the kind and the day as
links, the free times as buttons of one form, and the booking's confirmation. No log-in: the
signed link is the key, as on the look page, and a post another site's page makes the browser
send is refused the same way. Post/redirect/get: a reload shows the appointment, never books
again."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from app.domain.appointments import AppointmentKind
from app.domain.errors import Conflict, DomainError
from app.server.auth.models import Associate
from app.server.clienteling import look_booking, look_booking_pages
from app.server.clienteling.appointment_models import Appointment
from app.server.db import utcnow
from app.server.deps import DbDep, SettingsDep
from app.server.storefront.look_routes import FormDep, LookLinkDep, _cross_site
from app.server.storefront.routes import _HEADERS as PAGE_HEADERS
from app.server.storefront.routes import _html

router = APIRouter(tags=["storefront"], include_in_schema=False)


def _kind(raw: str | None) -> AppointmentKind:
    return AppointmentKind(raw) if raw in set(AppointmentKind) else AppointmentKind.STYLING


def _day(raw: str | None, today: date) -> date:
    """The day asked for, if it is one of the days offered; else today."""
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return today
    last = today + timedelta(days=look_booking.DAYS_OFFERED - 1)
    return day if today <= day <= last else today


@router.get("/l/{token}/appointment", response_class=HTMLResponse)
def appointment_page(
    link: LookLinkDep, request: Request, db: DbDep, settings: SettingsDep
) -> Response:
    lang, self_path, look = link.lang, link.self_path, link.look
    if look is None:
        return link.invalid()
    now = utcnow()
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    kind = _kind(request.query_params.get("kind"))
    day = _day(request.query_params.get("day"), today)
    with db.read_session() as session:
        times = look_booking.free_times(session, look, kind, day, now, settings.timezone)
        booked = look_booking.upcoming(session, look, now)
    page = look_booking_pages.choose(
        look,
        lang,
        self_path=self_path,
        kind=kind,
        day=day,
        days=[today + timedelta(days=n) for n in range(look_booking.DAYS_OFFERED)],
        times=times,
        booked=booked,
        zone=settings.timezone,
    )
    return _html(page)


@router.post("/l/{token}/appointment")
def book_appointment(
    link: LookLinkDep, request: Request, form: FormDep, db: DbDep, settings: SettingsDep
) -> Response:
    lang, self_path, look = link.lang, link.self_path, link.look
    if look is None:
        return link.invalid()
    back = f"{self_path}/appointment?lang={lang}"
    if _cross_site(request, settings.public_base_url):
        page = look_booking_pages.refused(lang, "cross_site", self_path=self_path, back=back)
        return _html(page, 403)
    raw_kind, raw_at = form.get("kind", ""), form.get("at", "")
    try:
        kind = AppointmentKind(raw_kind)
        at = datetime.fromisoformat(raw_at) if len(raw_at) <= 40 else None
        if at is not None and at.tzinfo is not None:
            at.astimezone(ZoneInfo(settings.timezone))  # year 9999 in a far zone overflows
    except (ValueError, OverflowError):
        at = None
    if at is None or at.tzinfo is None:
        page = look_booking_pages.refused(lang, "appointment_bad", self_path=self_path, back=back)  # fmt: skip
        return _html(page, 422)
    back = f"{back}&kind={kind}&day={at.astimezone(ZoneInfo(settings.timezone)).date()}"
    try:
        appointment_id = look_booking.book(db, look, kind, at, utcnow(), settings.timezone)
    except DomainError as err:
        key = {
            "appointment-slot-taken": "appointment_taken",
            "appointment-overlap": "appointment_overlap",
            "appointment-limit": "appointment_limit",
            "consent-required": "appointment_no_consent",
        }.get(err.kind, "appointment_bad")
        page = look_booking_pages.refused(lang, key, self_path=self_path, back=back)
        return _html(page, 409 if isinstance(err, Conflict) else 422)
    except OverflowError:  # a start at the edge of the calendar: not a time we offered
        page = look_booking_pages.refused(lang, "appointment_bad", self_path=self_path, back=back)
        return _html(page, 422)
    return RedirectResponse(
        f"{self_path}/appointment/{appointment_id}?lang={lang}", 303, headers=PAGE_HEADERS
    )


@router.get("/l/{token}/appointment/{appointment_id}", response_class=HTMLResponse)
def booked_page(
    link: LookLinkDep, appointment_id: str, db: DbDep, settings: SettingsDep
) -> Response:
    lang, self_path, look = link.lang, link.self_path, link.look
    # ASCII digits that fit the column: anything else is no appointment of this link's.
    if look is None or not (appointment_id.isascii() and appointment_id.isdigit()):
        return link.invalid()
    if len(appointment_id) > 9:
        return link.invalid()
    with db.read_session() as session:
        appointment = session.exec(
            select(Appointment).where(
                col(Appointment.id) == int(appointment_id),
                col(Appointment.customer_id) == look.customer_id,
                col(Appointment.store_id) == look.location_id,
            )
        ).first()
        if appointment is None:  # not this client's: the link does not show it
            return link.invalid()
        with_whom = session.get(Associate, appointment.associate_id)
    page = look_booking_pages.booked(
        look,
        appointment,
        lang,
        self_path=self_path,
        with_name=with_whom.name.split()[0] if with_whom is not None else "",
        zone=settings.timezone,
    )
    return _html(page)
