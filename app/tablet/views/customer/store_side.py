"""The customer scene's store side: orders waiting at their pickup store, returns, and transfers
made for the customer, each with its state. A pickup or a return opens its order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import flet as ft

from app.contracts.customers import CustomerView
from app.contracts.store_side import PickupWaiting, ReturnSummary, TransferSummary
from app.tablet.i18n import count, items, local_date, local_time, money, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, tagged
from app.tablet.views.customer.parts import more, section, small
from app.tablet.views.order import MUTED, chip

T = TypeVar("T")
SHOWN = 4  # of each list, until the associate asks for all
GREY = (ft.Colors.GREY_200, ft.Colors.GREY_900)
# (background, text): what waits on the store amber, what waits on the customer teal.
STEP_COLOURS = {
    "pick": (ft.Colors.AMBER_100, ft.Colors.AMBER_900),
    "mark_ready": (ft.Colors.AMBER_100, ft.Colors.AMBER_900),
    "hand_over": (ft.Colors.TEAL_50, ft.Colors.TEAL_900),
}
TRANSFER_COLOURS = {
    "requested": (ft.Colors.AMBER_100, ft.Colors.AMBER_900),
    "sent": (ft.Colors.BLUE_50, ft.Colors.BLUE_900),
    "received": (ft.Colors.GREEN_50, ft.Colors.GREEN_900),
    "partly_received": (ft.Colors.ORANGE_50, ft.Colors.ORANGE_900),
    "cancelled": (ft.Colors.RED_50, ft.Colors.RED_900),
    "refused": (ft.Colors.RED_50, ft.Colors.RED_900),
}


def _row(
    icon: ft.IconData,
    title: str,
    state_chip: ft.Control,
    lines: list[str],
    identifier: str,
    *,
    amount: str | None = None,
    on_click: Callable[[object], None] | None = None,
    tooltip: str | None = None,
) -> ft.Control:
    """One entry as the orders section draws its own: a round picture of what it is, the
    number and its state, the facts below, the money on the right; a tappable one is a whole
    touch target with a chevron."""
    tail: list[ft.Control] = []
    if amount is not None:
        tail.append(ft.Text(amount, size=15, weight=ft.FontWeight.W_500))
    if on_click is not None:
        tail.append(ft.Icon(ft.Icons.CHEVRON_RIGHT, color=MUTED))
    return tagged(
        ft.Container(
            ft.Row(
                [
                    ft.Container(
                        ft.Icon(icon, size=22),
                        width=44,
                        height=44,
                        border_radius=22,
                        bgcolor=ft.Colors.GREY_100,
                        alignment=ft.Alignment.CENTER,
                    ),
                    ft.Column(
                        [
                            ft.Row(
                                [ft.Text(title, size=15, weight=ft.FontWeight.BOLD), state_chip],
                                spacing=8,
                                wrap=True,
                            ),
                            *(small(line) for line in lines if line),
                        ],
                        spacing=2,
                        expand=True,
                    ),
                    *tail,
                ],
                spacing=10,
            ),
            padding=ft.Padding.symmetric(horizontal=8, vertical=6),
            border_radius=10,
            ink=on_click is not None,
            on_click=on_click,
            tooltip=tooltip,
            # A touch target whatever it holds; a second line of facts needs room of its own.
            height=max(TOUCH + 12, 60) + 16 * (len([x for x in lines if x]) - 1),
        ),
        identifier,
    )


def _open_order(state: Tablet, order_id: int) -> Callable[[object], None]:
    return lambda _: state.order.open(order_id)


def _pickup(state: Tablet, p: PickupWaiting) -> ft.Control:
    lang = state.lang
    when = [t(lang, "side_pickup_due", day=p.due_on.strftime("%d.%m.%Y")) if p.due_on else ""]
    if p.held_until is not None:
        when.append(t(lang, "side_pickup_held", time=local_time(p.held_until)))
    if p.units_waiting:
        when.append(t(lang, "side_pickup_waiting", n=count(lang, p.units_waiting)))
    return _row(
        ft.Icons.STOREFRONT_OUTLINED,
        p.number,
        chip(t(lang, "prepare_step_" + p.step), *STEP_COLOURS.get(p.step, GREY)),
        [
            t(lang, "side_pickup_where", store=p.pickup_location_code, items=items(lang, p.units)),
            " · ".join(w for w in when if w),
        ],
        f"pickup-{p.order_id}",
        on_click=_open_order(state, p.order_id),
        tooltip=t(lang, "side_open_order"),
    )


def _return(state: Tablet, r: ReturnSummary) -> ft.Control:
    lang = state.lang
    whole = r.state == "whole_order"
    return _row(
        ft.Icons.ASSIGNMENT_RETURN_OUTLINED,
        r.order_number,
        chip(
            t(lang, "side_return_state_" + r.state),
            *(GREY if whole else (ft.Colors.BLUE_50, ft.Colors.BLUE_900)),
        ),
        [
            t(
                lang,
                "side_return_where",
                day=local_date(r.created_at),
                store=r.location_code,
                items=items(lang, r.units),
                method=t(lang, "return_method_" + r.refund_method),
            )
        ],
        f"return-{r.id}",
        amount=money(r.refund_kurus),
        on_click=_open_order(state, r.order_id),
        tooltip=t(lang, "side_open_order"),
    )


def _transfer(lang: str, x: TransferSummary) -> ft.Control:
    return _row(
        ft.Icons.LOCAL_SHIPPING_OUTLINED,
        t(lang, "side_transfer_route", source=x.from_code, target=x.to_code),
        chip(t(lang, "transfer_status_" + x.status), *TRANSFER_COLOURS.get(x.status, GREY)),
        [
            t(
                lang,
                "side_transfer_when",
                day=local_date(x.requested_at),
                items=items(lang, x.units),
                received=count(lang, x.units_received),
            )
        ],
        f"transfer-{x.id}",
    )


def sections(state: Tablet, view: CustomerView) -> list[ft.Control]:
    """The three sections, each its latest few entries and the way to the rest."""
    lang = state.lang

    def latest(
        kind: str, entries: Sequence[T], draw: Callable[[T], ft.Control]
    ) -> list[ft.Control]:
        shown = [draw(e) for e in entries[: state.customer.shown(kind, SHOWN)]]
        return [*shown, *more(state, kind, len(entries), len(shown))]

    return [
        section(
            t(lang, "side_pickups"),
            ft.Icons.STOREFRONT,
            latest("pickups", view.pickups_waiting, lambda p: _pickup(state, p)),
            "section-pickups",
            lang,
        ),
        section(
            t(lang, "side_returns"),
            ft.Icons.ASSIGNMENT_RETURN,
            latest("returns", view.returns, lambda r: _return(state, r)),
            "section-returns",
            lang,
        ),
        section(
            t(lang, "side_transfers"),
            ft.Icons.SWAP_HORIZ,
            latest("transfers", view.transfers, lambda x: _transfer(lang, x)),
            "section-transfers",
            lang,
        ),
    ]
