"""The connection, always in sight (a chip in the top bar), and the sync scene behind it: when
the cache last synced, what is still waiting to be sent, and what the API refused, with what
to do about it."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from app.tablet.i18n import LOCAL, t
from app.tablet.state.sync import QueuedWork
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, tagged


def status_chip(state: Tablet) -> ft.Control:
    """Online or not, and how many commands wait; its content is redrawn in place."""
    chip = ft.Container(
        padding=ft.Padding.symmetric(horizontal=12, vertical=6),
        border_radius=16,
        on_click=lambda _: state.sync.show(),
        height=TOUCH,  # a touch target: it opens the sync screen
    )
    fill_status(chip, state)
    return tagged(chip, "net-status")


def fill_status(chip: ft.Container, state: Tablet) -> None:
    lang = state.lang
    online = state.sync.online
    words = t(lang, "online_now" if online else "offline_now")
    if state.sync.progress is not None:
        phase, done = state.sync.progress
        words = t(lang, "syncing", phase=t(lang, "phase_" + phase), n=f"{done:,}".replace(",", "."))
    elif state.sync.queued:
        words += " · " + t(lang, "queued_n", n=state.sync.queued)
    if state.sync.failed:
        words += " · " + t(lang, "failed_n", n=state.sync.failed)
    chip.bgcolor = ft.Colors.GREEN_700 if online else ft.Colors.RED_700
    chip.content = ft.Row(
        [
            ft.Icon(ft.Icons.WIFI if online else ft.Icons.WIFI_OFF, color=ft.Colors.WHITE, size=18),
            ft.Text(words, color=ft.Colors.WHITE, size=14),
        ],
        spacing=6,
        tight=True,
    )


def _when(at: datetime | str | None) -> str:
    if at is None:
        return "–"
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    if moment.tzinfo is None:  # the cache keeps UTC without saying so
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL).strftime("%d.%m.%Y %H:%M:%S")


def _command(state: Tablet, cmd: QueuedWork) -> ft.Control:
    lang = state.lang
    what = (
        f"{t(lang, 'command_' + cmd.kind)}: {cmd.label}"
        if cmd.label
        else t(lang, "command_" + cmd.kind)
    )
    lines: list[ft.Control] = [
        ft.Text(what, weight=ft.FontWeight.W_600),
        ft.Text(
            f"{_when(cmd.created_at)} · {cmd.associate_code} · "
            + t(lang, "status_command_" + cmd.status),
            color=ft.Colors.GREY_700,
            size=13,
        ),
    ]
    actions: list[ft.Control] = []
    if cmd.status == "failed":
        lines.append(
            ft.Text(
                f"{cmd.error_detail or cmd.error_kind} — {t(lang, _next_step(cmd))}",
                color=ft.Colors.RED_900,
            )
        )
        assert cmd.id is not None

        def dismiss(_: object, command_id: int = cmd.id) -> None:
            state.sync.dismiss(command_id)

        actions.append(button(t(lang, "dismiss"), dismiss, f"dismiss-{cmd.id}", primary=False))
    elif cmd.error_kind == "login-needed":
        lines.append(
            ft.Text(t(lang, "needs_login", who=cmd.associate_code), color=ft.Colors.AMBER_900)
        )
    return tagged(
        ft.Container(
            ft.Row([ft.Column(lines, spacing=2, expand=True), *actions]),
            bgcolor=ft.Colors.RED_50 if cmd.status == "failed" else ft.Colors.WHITE,
            padding=12,
            border_radius=10,
        ),
        f"command-{cmd.id}",
    )


def _next_step(cmd: QueuedWork) -> str:
    """What the associate does about a refusal."""
    return {
        "out-of-stock": "next_out_of_stock",
        "coupon-used-up": "next_coupon",
        "coupon-not-applicable": "next_coupon",
        "consent-required": "next_consent",
        "not-found": "next_not_found",
        "validation": "next_validation",
    }.get(cmd.error_kind or "", "next_other")


def build(state: Tablet) -> ft.Control:
    lang = state.lang
    sync = state.sync
    body: list[ft.Control] = [
        ft.Row([button(t(lang, "back"), lambda _: state.go_home(), "back", primary=False)]),
        ft.Text(t(lang, "sync_title"), size=22, weight=ft.FontWeight.BOLD),
    ]
    if not sync.keeps_cache:
        body.append(ft.Text(t(lang, "no_cache")))
        return ft.Column(body, spacing=12)
    progress = state.sync.progress
    body += [
        ft.Row(
            [
                ft.Text(t(lang, "online_now" if state.sync.online else "offline_now"), size=18),
                button(t(lang, "sync_now"), lambda _: state.sync.sync_now(), "sync-now"),
            ],
            spacing=16,
        ),
        tagged(ft.Text(t(lang, "last_sync", at=_when(sync.last_sync))), "last-sync"),
    ]
    if progress is not None:
        body.append(
            ft.Column(
                [
                    ft.Text(
                        t(lang, "syncing", phase=t(lang, "phase_" + progress[0]), n=progress[1])
                    ),
                    ft.ProgressBar(),
                ]
            )
        )
    waiting = sync.waiting
    body.append(
        ft.Text(t(lang, "waiting_commands", n=len(waiting)), size=18, weight=ft.FontWeight.W_600)
    )
    body += [_command(state, c) for c in waiting] or [
        ft.Text(t(lang, "nothing_waiting"), color=ft.Colors.GREY_600)
    ]
    return ft.Column(body, spacing=10, scroll=ft.ScrollMode.AUTO, expand=True)
