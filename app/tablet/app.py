"""The associate tablet app: builds the current scene from TabletState and rebuilds it when
the state changes (views -> state -> client; views never call HTTP)."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

import flet as ft

from app.tablet.client import ReyonClient
from app.tablet.i18n import t
from app.tablet.state.tablet import TabletState
from app.tablet.views import basket, customer, home, login, product, till
from app.tablet.views.common import BRAND, notice_bar, tagged

SCENES = {
    "login": login.build,
    "home": home.build,
    "customer": customer.build,
    "product": product.build,
    "basket": basket.build,
    "till": till.build,
}


def make_main(api_url: str) -> Callable[[ft.Page], None]:
    def main(page: ft.Page) -> None:
        page.title = "Reyon"
        page.padding = 0
        page.bgcolor = "#f4f1ec"
        page.theme = ft.Theme(color_scheme_seed=BRAND)
        client = ReyonClient(api_url)
        device = os.environ.get("REYON_DEVICE_ID") or f"tablet-{socket.gethostname()}"
        state = TabletState(client=client, device_id=device)

        def render() -> None:
            lang = state.lang
            bar: list[ft.Control] = []
            session = state.login.session
            if session is not None:
                a = session.associate
                role = t(lang, "role_" + a.role)
                bar = [
                    ft.Container(
                        ft.Row(
                            [
                                ft.Text("REYON", color=ft.Colors.WHITE, weight=ft.FontWeight.BOLD),
                                tagged(
                                    ft.Text(
                                        t(
                                            lang,
                                            "logged_in_as",
                                            name=a.name,
                                            role=role,
                                            store=a.store.code,
                                        ),
                                        color=ft.Colors.WHITE,
                                    ),
                                    "who",
                                ),
                                ft.Row(
                                    [
                                        tagged(
                                            ft.TextButton(
                                                t(lang, "language"),
                                                on_click=lambda _: state.set_language(
                                                    "en" if state.lang == "tr" else "tr"
                                                ),
                                                style=ft.ButtonStyle(color=ft.Colors.WHITE),
                                            ),
                                            "language",
                                        ),
                                        tagged(
                                            ft.TextButton(
                                                t(lang, "log_out"),
                                                on_click=lambda _: state.log_out(),
                                                style=ft.ButtonStyle(color=ft.Colors.WHITE),
                                            ),
                                            "log-out",
                                        ),
                                    ]
                                ),
                            ],
                            alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
                        ),
                        bgcolor=BRAND,
                        padding=ft.Padding.symmetric(horizontal=16, vertical=8),
                    )
                ]
            notice = state.notice
            body = SCENES[state.screen](state)
            page.controls.clear()
            page.add(
                ft.Column(
                    [
                        *bar,
                        ft.Container(
                            ft.Column(
                                [
                                    notice_bar(
                                        t(lang, notice.key, **notice.values) if notice else None,
                                        notice.error if notice else False,
                                    ),
                                    body,
                                ],
                                expand=True,
                            ),
                            padding=16,
                            expand=True,
                        ),
                    ],
                    expand=True,
                    spacing=0,
                )
            )
            page.update()

        state.subscribe(render)
        render()

    return main


def serve(api_url: str, *, host: str = "127.0.0.1", port: int = 8550) -> None:
    """The tablet app as a web app (what a browser on the tablet opens). no_cdn: stores have
    no internet to fetch Flutter's renderer from (FLET.md)."""
    ft.run(
        make_main(api_url),
        host=host,
        port=port,
        view=ft.AppView.WEB_BROWSER,
        no_cdn=True,
        assets_dir=str(os.path.join(os.path.dirname(__file__), "..", "..", "assets")),
    )
