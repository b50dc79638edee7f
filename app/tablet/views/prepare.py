"""Scene 11: the store's orders to prepare and hand over. The list groups them by what comes
next (pick, mark ready, wait for the customer), oldest first, with each order's pictures; one
opened shows every line's progress, and the one button its step needs. One scan field takes
an item's barcode at the shelf and the customer's code at the desk (a hardware scanner types
into it and presses Enter)."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from app.contracts.fulfilment import PickupLine, PickupOrder
from app.domain.fulfilment import Step
from app.tablet.i18n import colour_name, local_time, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, picture, tagged
from app.tablet.views.order import MUTED, card, channel_chip, chip
from app.tablet.views.scan_bar import scan_bar

# (background, text, icon) of each step: to do warm, waiting for the customer teal.
STEP_LOOK = {
    Step.PICK: (ft.Colors.AMBER_100, ft.Colors.AMBER_900, ft.Icons.SHOPPING_BASKET_OUTLINED),
    Step.MARK_READY: (ft.Colors.BLUE_50, ft.Colors.BLUE_900, ft.Icons.INVENTORY_2_OUTLINED),
    Step.HAND_OVER: (ft.Colors.TEAL_50, ft.Colors.TEAL_900, ft.Icons.HOW_TO_REG_OUTLINED),
    Step.PACK: (ft.Colors.BLUE_50, ft.Colors.BLUE_900, ft.Icons.INVENTORY_2_OUTLINED),
    Step.SHIP: (ft.Colors.INDIGO_50, ft.Colors.INDIGO_900, ft.Icons.LOCAL_SHIPPING_OUTLINED),
    Step.DONE: (ft.Colors.GREEN_50, ft.Colors.GREEN_900, ft.Icons.CHECK),
}


def step_chip(lang: str, step: Step) -> ft.Control:
    bg, fg, icon = STEP_LOOK[step]
    return chip(t(lang, "prepare_step_" + step.value), bg, fg, icon)


def _when(lang: str, order: PickupOrder) -> str:
    if order.held_until is not None:
        return t(lang, "prepare_held_until", time=local_time(order.held_until))
    if order.due_on is not None:
        return t(lang, "prepare_due_on", day=order.due_on.strftime("%d.%m.%Y"))
    return t(lang, "prepare_placed", time=local_time(order.placed_at))


def _late(order: PickupOrder) -> bool:
    """Past the day promised to the customer, or past the hold: the desk should see it first."""
    now = datetime.now(UTC)
    if order.held_until is not None:
        held = order.held_until
        return (held if held.tzinfo else held.replace(tzinfo=UTC)) < now
    return order.due_on is not None and order.due_on < now.astimezone().date()


# Up to three pictures in a box of one width, so every tile's words start at the same place.
THUMBS = 3
THUMB_W = 48


def _order_tile(state: Tablet, order: PickupOrder) -> ft.Control:
    lang, scene = state.lang, state.prepare
    units = sum(ln.quantity for ln in order.lines)
    thumbs = [
        picture(state, scene.picture_url(ln), width=THUMB_W, height=60)
        for ln in order.lines[:THUMBS]
    ]
    chips = [step_chip(lang, order.step)]
    if _late(order):
        chips.append(
            chip(t(lang, "prepare_late"), ft.Colors.RED_50, ft.Colors.RED_900, ft.Icons.ALARM)
        )
    facts = ft.Column(
        [
            ft.Row(
                [
                    ft.Text(order.number, size=17, weight=ft.FontWeight.BOLD),
                    *chips,
                ],
                wrap=True,
            ),
            ft.Text(
                f"{order.customer_name} · {t(lang, 'prepare_units', n=units)}",
                size=14,
                max_lines=1,
                overflow=ft.TextOverflow.ELLIPSIS,
            ),
            ft.Text(_when(lang, order), size=13, color=MUTED),
        ],
        spacing=4,
        expand=True,
    )
    return tagged(
        ft.Container(
            ft.Row(
                [
                    ft.Container(
                        ft.Row(thumbs, spacing=4), width=THUMBS * THUMB_W + (THUMBS - 1) * 4
                    ),
                    facts,
                ],
                spacing=12,
            ),
            bgcolor=ft.Colors.WHITE,
            border_radius=12,
            padding=12,
            on_click=lambda _: scene.open(order.order_id),
            ink=True,
        ),
        f"prepare-order-{order.order_id}",
    )


def _line(state: Tablet, line: PickupLine, step: Step) -> ft.Control:
    lang, scene = state.lang, state.prepare
    # At the desk the count that matters is what the customer has taken, not what was picked.
    at_desk = step in (Step.HAND_OVER, Step.DONE)
    done = (line.collected if at_desk else line.picked) >= line.quantity
    progress = (
        t(lang, "prepare_line_collected", n=line.collected, of=line.quantity)
        if at_desk
        else t(lang, "prepare_line_picked", n=line.picked, of=line.quantity)
    )
    look = (
        (ft.Colors.GREEN_50, ft.Colors.GREEN_900, ft.Icons.CHECK_CIRCLE)
        if done
        else (ft.Colors.AMBER_50, ft.Colors.AMBER_900, ft.Icons.RADIO_BUTTON_UNCHECKED)
    )
    return tagged(
        ft.Container(
            ft.Row(
                [
                    picture(state, scene.picture_url(line), width=72, height=90),
                    ft.Column(
                        [
                            ft.Text(scene.line_name(line), size=16, weight=ft.FontWeight.BOLD),
                            ft.Text(
                                f"{line.size} · {colour_name(lang, line.colour, line.colour_en)}",
                                size=14,
                                color=MUTED,
                            ),
                            ft.Text(f"{line.sku} · {line.ean13 or ''}", size=12, color=MUTED),
                            chip(progress, *look),
                        ],
                        spacing=3,
                        expand=True,
                    ),
                ],
                spacing=12,
            ),
            bgcolor=ft.Colors.WHITE,
            border_radius=10,
            padding=10,
        ),
        f"prepare-line-{line.line_id}",
    )


def _actions(state: Tablet, order: PickupOrder) -> list[ft.Control]:
    lang, scene = state.lang, state.prepare
    back = button(t(lang, "prepare_back"), lambda _: scene.close(), "prepare-back", primary=False)
    if order.step == Step.PICK:
        return [ft.Text(t(lang, "prepare_scan_items"), size=15), back]
    if order.step == Step.PACK:
        return [button(t(lang, "prepare_pack"), lambda _: scene.pack(), "prepare-pack"), back]
    if order.step == Step.SHIP:
        return [button(t(lang, "prepare_ship"), lambda _: scene.ship(), "prepare-ship"), back]
    if order.step == Step.MARK_READY:
        return [
            button(t(lang, "prepare_mark_ready"), lambda _: scene.mark_ready(), "prepare-ready"),
            back,
        ]
    if order.step == Step.HAND_OVER:
        proof = (
            chip(
                t(lang, "prepare_proof_taken"),
                ft.Colors.GREEN_50,
                ft.Colors.GREEN_900,
                ft.Icons.VERIFIED,
            )
            if scene.proof
            else ft.Text(t(lang, "prepare_scan_proof"), size=15)
        )
        hand = tagged(
            ft.Button(
                t(lang, "prepare_hand_over"),
                on_click=lambda _: scene.hand_over(),
                disabled=not scene.proof,
                height=TOUCH,
                icon=ft.Icons.HOW_TO_REG,
            ),
            "prepare-hand-over",
        )
        return [tagged(proof, "prepare-proof"), hand, back]
    return [back]


def _opened(state: Tablet, order: PickupOrder) -> list[ft.Control]:
    lang = state.lang
    head = ft.Row(
        [step_chip(lang, order.step), channel_chip(lang, order.channel.value)],
        wrap=True,
    )
    return [
        card(
            t(lang, "prepare_order_title", number=order.number, name=order.customer_name),
            [
                head,
                ft.Text(_when(lang, order), size=14, color=MUTED),
                *(_line(state, ln, order.step) for ln in order.lines),
                ft.Row(_actions(state, order), wrap=True, spacing=12),
            ],
            "prepare-opened",
        )
    ]


def _queue(state: Tablet) -> list[ft.Control]:
    lang, scene = state.lang, state.prepare
    if scene.loaded and not scene.orders:
        return [tagged(ft.Text(t(lang, "prepare_empty"), size=16, color=MUTED), "prepare-empty")]
    out: list[ft.Control] = []
    for step in (Step.PICK, Step.PACK, Step.SHIP, Step.MARK_READY, Step.HAND_OVER):
        orders = scene.waiting(step)
        if orders:
            out.append(
                ft.Text(
                    t(lang, "prepare_group_" + step.value, n=len(orders)),
                    size=18,
                    weight=ft.FontWeight.W_600,
                )
            )
            out += [_order_tile(state, o) for o in orders]
    return out


def build(state: Tablet, scan_tools: list[ft.Control] | None = None) -> ft.Control:
    lang, scene = state.lang, state.prepare

    def set_text(text: str) -> None:
        scene.scan_text = text

    head = scan_bar(
        title=t(lang, "prepare_title"),
        hint=t(lang, "prepare_scan_hint"),
        scan_label=t(lang, "scan"),
        refresh_label=t(lang, "prepare_refresh"),
        text=scene.scan_text,
        on_text=set_text,
        on_scan=scene.scan,
        on_refresh=scene.refresh,
        prefix="prepare",
        scan_tools=scan_tools,
    )
    body = _opened(state, scene.opened) if scene.opened is not None else _queue(state)
    return ft.Column([*head, *body], spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
