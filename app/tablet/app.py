"""The associate tablet app: builds the current scene from Tablet and rebuilds it when
the state changes (views -> state -> client; views never call HTTP)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import traceback
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import flet as ft

from app.tablet.client import ReyonClient
from app.tablet.gateway.live import LiveGateway
from app.tablet.i18n import t
from app.tablet.offline import Offline
from app.tablet.state.tablet import Tablet
from app.tablet.views import (
    appointments,
    basket,
    client_book,
    customer,
    enrol,
    home,
    login,
    look,
    manager,
    order,
    prepare,
    product,
    returns,
    settings,
    sync,
    tasks,
    team,
    till,
    transfers,
)
from app.tablet.views.common import BRAND, TOUCH, notice_bar, tagged
from app.tablet.views.scanner import camera_button, photo_button
from app.tablet.views.toast import Toast
from app.tablet.web_server import FLET_WEB_LOGGER, QuietDisconnects, SameOriginOnly

log = logging.getLogger("reyon.tablet")
# Each redraw and the tablet actions that asked for it (`reyon tablet --trace-redraws`): what
# a browser test's failure shows next to the screen, to tell "the app drew over the field"
# from "the browser lost the keystrokes".
redraws = logging.getLogger("reyon.tablet.redraws")

LOCALES = {"tr": ft.Locale("tr", "TR"), "en": ft.Locale("en", "GB")}
PREFS = "reyon."  # prefix of this app's keys in the device's preferences
REMEMBERED = (
    "lang",
    "store_code",
    "api_url",
    "device_id",
    "enrolled_device_id",
    "device_secret",
)


async def _recall(prefs: ft.SharedPreferences) -> dict[str, str]:
    saved: dict[str, str] = {}
    for key in REMEMBERED:
        with contextlib.suppress(Exception):  # storage unavailable: start from defaults
            value = await prefs.get(PREFS + key)
            if isinstance(value, str) and value:
                saved[key] = value
    return saved


def _top_bar(state: Tablet, chip: ft.Control) -> ft.Control:
    lang = state.lang
    session = state.session.who
    assert session is not None
    a = session.associate

    def nav(icon: ft.IconData, tip: str, action: Callable[[], None], ident: str) -> ft.Control:
        return tagged(
            ft.IconButton(
                icon,
                icon_color=ft.Colors.WHITE,
                tooltip=tip,
                on_click=lambda _: action(),
                width=TOUCH,
                height=TOUCH,
            ),
            ident,
        )

    buttons = [
        nav(ft.Icons.HOME, t(lang, "home"), state.go_home, "nav-home"),
        nav(ft.Icons.CONTACTS, t(lang, "nav_client_book"), state.client_book.show, "nav-book"),
        nav(ft.Icons.CHECKLIST, t(lang, "nav_tasks"), state.tasks.show, "nav-tasks"),
    ]
    if state.session.is_manager:
        buttons.append(
            nav(ft.Icons.INSIGHTS, t(lang, "manager_title"), state.manager.show, "nav-manager")
        )
    buttons += [
        nav(ft.Icons.SETTINGS, t(lang, "settings"), state.settings.show, "nav-settings"),
        tagged(
            ft.TextButton(
                t(lang, "language"),
                on_click=lambda _: state.set_language("en" if state.lang == "tr" else "tr"),
                style=ft.ButtonStyle(color=ft.Colors.WHITE),
                height=TOUCH,
            ),
            "language",
        ),
        tagged(
            ft.TextButton(
                t(lang, "log_out"),
                on_click=lambda _: state.log_out(),
                style=ft.ButtonStyle(color=ft.Colors.WHITE),
                height=TOUCH,
            ),
            "log-out",
        ),
    ]
    who = t(lang, "logged_in_as", name=a.name, role=t(lang, "role_" + a.role), store=a.store.code)
    return ft.Container(
        ft.Row(
            [
                ft.Text("REYON", color=ft.Colors.WHITE, weight=ft.FontWeight.BOLD),
                # expand on the wrapper: the Row sees it, not the Text inside the Semantics,
                # and a narrow (portrait) tablet cuts the name short, not the log-out button.
                ft.Container(
                    tagged(
                        ft.Text(
                            who,
                            color=ft.Colors.WHITE,
                            max_lines=1,
                            overflow=ft.TextOverflow.ELLIPSIS,
                        ),
                        "who",
                    ),
                    expand=True,
                ),
                chip,
                ft.Row(buttons, spacing=0),
            ],
            alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
        ),
        bgcolor=BRAND,
        padding=ft.Padding.symmetric(horizontal=16, vertical=4),
    )


def make_main(
    api_url: str,
    *,
    data_dir: str | Path | None = None,
    sync_seconds: float = 5.0,
    customer_keep_days: int = 30,
) -> Callable[[ft.Page], Awaitable[None]]:
    """data_dir: where each tablet's offline cache lives (one SQLite file per device id);
    None runs the tablet online only."""

    async def main(page: ft.Page) -> None:
        page.title = "Reyon"
        page.padding = 0
        page.bgcolor = "#f4f1ec"
        page.theme = ft.Theme(color_scheme_seed=BRAND)
        locales = ft.LocaleConfiguration(
            supported_locales=list(LOCALES.values()), current_locale=LOCALES["tr"]
        )
        page.locale_configuration = locales
        # The device's own storage (the browser's in web mode): what this tablet remembers.
        prefs = ft.SharedPreferences()
        picker = ft.FilePicker()
        saved = await _recall(prefs)
        # One offline cache per install of the app, named before any enrolment (the name
        # predates enrolment: the key is still "device_id" on tablets already in use).
        install = saved.get("device_id")
        if not install:
            install = f"tablet-{uuid.uuid4().hex[:12]}"
            await prefs.set(PREFS + "device_id", install)
        # The enrolment: from the device's own storage, or given to the process (the demo
        # enrols its tablet itself and hands it the credential).
        enrolled_id = os.environ.get("REYON_DEVICE_ID") or saved.get("enrolled_device_id", "")
        secret = os.environ.get("REYON_DEVICE_SECRET") or saved.get("device_secret", "")
        cache_name = os.environ.get("REYON_DEVICE_ID") or install

        def remember(key: str, value: str) -> None:
            page.run_task(prefs.set, PREFS + key, value)

        client = ReyonClient(saved.get("api_url") or api_url)
        kit = (
            Offline.open(
                client,
                Path(data_dir) / f"{_safe(cache_name)}.db",
                customer_keep_days=customer_keep_days,
            )
            if data_dir is not None
            else None
        )
        state = Tablet(
            LiveGateway(client, kit),
            device_id=enrolled_id,
            device_secret=secret,
            lang=saved.get("lang", "tr"),
            remember=remember,
        )
        state.login.store_code = saved.get("store_code", "")

        # A call in flight shows as a thin bar under the top bar, on every screen. The bar
        # stays in the tree and fades: an invisible control inside Semantics is an error.
        bar = ft.ProgressBar(height=4, color=BRAND, opacity=0)
        progress = tagged(ft.Container(bar, height=4), "progress")

        def activity(on: bool) -> None:
            bar.opacity = 1 if on else 0
            with contextlib.suppress(Exception):  # the page is being rebuilt at this moment
                bar.update()

        client.on_activity = activity

        scenes: dict[str, Callable[[Tablet], ft.Control]] = {
            "enrol": enrol.build,
            "login": login.build,
            "home": lambda s: home.build(
                s, [camera_button(page, s), photo_button(page, s, picker)]
            ),
            "customer": customer.build,
            "look": look.build,
            "client_book": client_book.build,
            "tasks": tasks.build,
            "appointments": appointments.build,
            "product": product.build,
            "order": order.build,
            "prepare": lambda s: prepare.build(
                s, [camera_button(page, s), photo_button(page, s, picker)]
            ),
            "transfers": lambda s: transfers.build(
                s, [camera_button(page, s), photo_button(page, s, picker)]
            ),
            "returns": lambda s: returns.build(
                s, [camera_button(page, s), photo_button(page, s, picker)]
            ),
            "basket": basket.build,
            "till": lambda s: till.build(
                s, [camera_button(page, s), photo_button(page, s, picker)]
            ),
            "manager": manager.build,
            "team": team.build,
            "settings": settings.build,
            "sync": sync.build,
        }
        chip = sync.status_chip(state)

        def status() -> None:
            with drawing:
                sync.fill_status(chip.content, state)  # type: ignore[attr-defined]
                with contextlib.suppress(Exception):  # the page is being rebuilt now
                    chip.update()

        state.session.on_status(status)

        # Event handlers and the background sync both redraw: one scene is built at a time.
        drawing = threading.RLock()

        def render() -> None:
            """A scene that fails to build is logged and replaced by the home scene with a
            message, never Flet's red error screen."""
            with drawing:
                if redraws.isEnabledFor(logging.DEBUG):
                    redraws.debug("redraw %s by %s", state.screen, _asked_by())
                try:
                    draw()
                except Exception:
                    log.exception("the %s scene failed to build", state.screen)
                    state.session.show("home" if state.session.who else "login")
                    state.session.say("unexpected_error", error=True)
                    try:
                        draw()
                    except Exception:
                        log.exception("the %s scene failed to build too", state.screen)

        # The page's frame is made once; a redraw puts a new scene in the body and a new
        # notice above it, and the top bar only when who is logged in or the language
        # changed. A tap on the top bar while a scene is redrawn is never lost (its controls
        # are the same ones), and a redraw sends only the scene.
        bar_slot = ft.Container()
        notice_slot = ft.Container()
        body_slot = ft.Container(expand=True)
        page.add(
            ft.Column(
                [
                    bar_slot,
                    progress,
                    ft.Container(
                        ft.Column([notice_slot, body_slot], expand=True),
                        padding=16,
                        expand=True,
                    ),
                ],
                expand=True,
                spacing=0,
            )
        )
        drawn_bar: list[object] = [None]  # what the top bar now shows
        toast_shown = Toast()

        def draw() -> None:
            lang = state.lang
            notice = state.session.notice
            body = scenes[state.screen](state)
            sync.fill_status(chip.content, state)  # type: ignore[attr-defined]
            who = state.session.who
            bar_key = (lang, who.associate.id, who.associate.role) if who is not None else None
            if locales.current_locale != LOCALES[lang]:
                # Flutter's own words (a date picker's month names, its buttons) follow too.
                locales.current_locale = LOCALES[lang]
            if bar_key != drawn_bar[0]:
                bar_slot.content = _top_bar(state, chip) if who is not None else None
                drawn_bar[0] = bar_key
            notice_slot.content = notice_bar(
                t(lang, notice.key, **notice.values) if notice else None,
                notice.error if notice else False,
            )
            body_slot.content = body
            toast_shown.translate(lang)
            page.update()
            toast = state.session.take_toast()
            if toast is not None:
                toast_shown.show(page, lang, toast)

        state.session.subscribe(render)
        render()

        def quiet_sync() -> None:
            with client.quietly():
                try:
                    state.sync.sync_now()
                except Exception:  # never let one bad round stop the syncing for good
                    log.exception("sync round failed; trying again next round")

        async def keep_in_sync() -> None:
            """Every few seconds while someone is logged in: send the queue, pull changes.
            When the network returns this is what notices, within one period."""
            while True:
                await asyncio.sleep(sync_seconds)
                if state.session.who is not None:
                    await asyncio.to_thread(quiet_sync)

        if kit is not None:
            task = asyncio.get_running_loop().create_task(keep_in_sync())

            def closed(_: object) -> None:
                task.cancel()
                kit.close()

            page.on_close = closed

    return main


def _asked_by() -> str:
    """The tablet's own functions on the stack that led to a redraw, outermost first."""
    here = Path(__file__).resolve().parent
    frames = traceback.extract_stack()[:-2]
    return " > ".join(
        f"{Path(f.filename).stem}.{f.name}" for f in frames if Path(f.filename).is_relative_to(here)
    )


def _safe(device_id: str) -> str:
    """A device id as a file name."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in device_id)[:64] or "tablet"


def serve(
    api_url: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8550,
    data_dir: str | Path | None = None,
    sync_seconds: float = 5.0,
    customer_keep_days: int = 30,
) -> None:
    """The tablet app as a web app (what a browser on the tablet opens). no_cdn: stores have
    no internet to fetch Flutter's renderer from (FLET.md); SameOriginOnly: nor anything else
    (web_server.py)."""
    import uvicorn

    logging.getLogger(FLET_WEB_LOGGER).addFilter(QuietDisconnects())

    web = ft.run(
        make_main(
            api_url,
            data_dir=data_dir,
            sync_seconds=sync_seconds,
            customer_keep_days=customer_keep_days,
        ),
        export_asgi_app=True,
        no_cdn=True,
        assets_dir=str(Path(__file__).resolve().parents[2] / "assets"),
    )
    uvicorn.run(
        SameOriginOnly(web),
        host=host,
        port=port,
        ws="websockets-sansio",  # what Flet's own web server uses
        log_level="warning",
        # Open tablet sessions (websockets) do not hold a stop up for long.
        timeout_graceful_shutdown=5,
    )
