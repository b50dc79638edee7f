"""The manager's tablets and staff: a one-time code to enrol a tablet, revoking a lost one,
lifting a PIN lock-out, deactivating someone who left (each asked to be confirmed first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.tablet.i18n import local_time, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, notice_bar, tagged


def _do(action: Callable[..., None], *args: Any) -> Callable[[object], None]:
    """A click handler for one row's action (a lambda in a loop would see the last row)."""

    def handler(_: object) -> None:
        action(*args)

    return handler


def build(state: Tablet) -> ft.Control:
    lang, team = state.lang, state.team
    body: list[ft.Control] = [
        ft.Row(
            [
                button(t(lang, "back"), lambda _: state.manager.show(), "back", primary=False),
                ft.Text(t(lang, "team_title"), size=22, weight=ft.FontWeight.BOLD),
            ],
            wrap=True,
        ),
        notice_bar(t(lang, team.error) if team.error else None, True),
        notice_bar(t(lang, team.done) if team.done and not team.error else None, False),
    ]
    if team.confirming is not None:
        what, ident = team.confirming
        name = ident
        if what == "deactivate":
            name = next((s.name for s in team.staff if str(s.id) == ident), ident)
        else:
            name = next((d.name for d in team.devices if d.id == ident), ident)
        body.append(
            tagged(
                ft.Container(
                    ft.Row(
                        [
                            ft.Text(t(lang, f"team_confirm_{what}", name=name), expand=True),
                            button(t(lang, "team_no"), lambda _: team.cancel(), "confirm-no",
                                   primary=False),
                            button(t(lang, "team_yes"), lambda _: team.confirm(), "confirm-yes"),
                        ],
                    ),
                    bgcolor=ft.Colors.AMBER_50,
                    padding=12,
                    border_radius=8,
                ),
                "team-confirm",
            )
        )  # fmt: skip

    # Enrolling a tablet: the code is large enough to read across the counter.
    code_row: list[ft.Control] = [
        button(t(lang, "team_make_code"), lambda _: team.make_code(), "make-code")
    ]
    if team.code is not None:
        code_row.append(
            tagged(
                ft.Text(team.code.code, size=40, weight=ft.FontWeight.BOLD),
                "enrol-code",
            )
        )
        code_row.append(
            ft.Text(t(lang, "team_code_until", at=local_time(team.code.expires_at)), size=16)
        )
    body += [
        ft.Text(t(lang, "team_tablets"), size=18, weight=ft.FontWeight.BOLD),
        ft.Text(t(lang, "team_code_help"), size=14),
        ft.Row(code_row, wrap=True, vertical_alignment=ft.CrossAxisAlignment.CENTER),
    ]
    for d in team.devices:
        this = d.id == state.session.device_id
        status = (
            t(lang, "team_revoked_at", at=local_time(d.revoked_at))
            if d.revoked_at
            else t(lang, "team_this_tablet")
            if this
            else t(lang, "team_active")
        )
        actions: list[ft.Control] = []
        if d.revoked_at is None and not this:
            actions.append(
                button(
                    t(lang, "team_revoke"),
                    _do(team.ask, "revoke", d.id),
                    f"revoke-{d.id}",
                    primary=False,
                )
            )
        body.append(
            ft.Container(
                ft.Row(
                    # An expanded text wraps itself; a wrapping row cannot hold one.
                    [ft.Text(f"{d.name} · {d.id}", expand=True), ft.Text(status), *actions],
                ),
                padding=ft.Padding.symmetric(vertical=4),
                height=None if actions else TOUCH,
            )
        )

    body.append(ft.Text(t(lang, "team_staff"), size=18, weight=ft.FontWeight.BOLD))
    for s in team.staff:
        me = state.session.who is not None and s.id == state.session.who.associate.id
        notes = [t(lang, f"role_{s.role}")]
        if not s.active:
            notes.append(t(lang, "team_inactive"))
        if s.locked_on:
            notes.append(t(lang, "team_locked_on", n=len(s.locked_on)))
        actions = []
        if s.locked_on:
            actions.append(
                button(t(lang, "team_unlock"), _do(team.unlock, s.id),
                       f"unlock-{s.code}", primary=False)
            )  # fmt: skip
        if s.active and not me:
            actions.append(
                button(t(lang, "team_deactivate"),
                       _do(team.ask, "deactivate", str(s.id)),
                       f"deactivate-{s.code}", primary=False)
            )  # fmt: skip
        if not s.active:
            actions.append(
                button(t(lang, "team_activate"), _do(team.activate, s.id),
                       f"activate-{s.code}", primary=False)
            )  # fmt: skip
        body.append(
            ft.Row(
                [ft.Text(f"{s.name} ({s.code}) · {', '.join(notes)}", expand=True), *actions],
            )
        )
    return ft.Column(body, spacing=10, scroll=ft.ScrollMode.AUTO, expand=True)
