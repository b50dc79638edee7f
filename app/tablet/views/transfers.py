"""Scene 13: transfers between stores. The lists group them by what this store does next (send,
receive, wait); one opened shows every line with its picture and count, and the one button
its step needs; a request started from a product's stock elsewhere is written at the top."""

from __future__ import annotations

import flet as ft

from app.contracts.transfers import TransferLineOut, TransferOut
from app.tablet.i18n import colour_name, local_time, t
from app.tablet.state.tablet import Tablet
from app.tablet.state.transfers import Draft
from app.tablet.views.common import TOUCH, button, picture, tagged
from app.tablet.views.order import MUTED, card, chip
from app.tablet.views.scan_bar import scan_bar

# (background, text, icon) of what this store does next.
MODE_LOOK = {
    "send": (ft.Colors.AMBER_100, ft.Colors.AMBER_900, ft.Icons.OUTBOX_OUTLINED),
    "receive": (ft.Colors.BLUE_50, ft.Colors.BLUE_900, ft.Icons.LOCAL_SHIPPING_OUTLINED),
    "wait": (ft.Colors.GREY_200, ft.Colors.GREY_800, ft.Icons.HOURGLASS_EMPTY),
    "done": (ft.Colors.GREEN_50, ft.Colors.GREEN_900, ft.Icons.CHECK),
}
THUMBS, THUMB_W = 3, 48
# "»" between the two stores: the font the tablet bundles has no arrow (it drew a box).


def _mode_chip(state: Tablet, tr: TransferOut) -> ft.Control:
    mode = state.transfers.mode(tr)
    bg, fg, icon = MODE_LOOK[mode]
    words = "transfer_mode_" + mode if mode != "done" else "transfer_status_" + tr.status.value
    return chip(t(state.lang, words), bg, fg, icon)


def _reason_chip(lang: str, tr: TransferOut) -> ft.Control:
    icon = ft.Icons.PERSON_OUTLINE if tr.reason.value == "customer" else ft.Icons.SHELVES
    return chip(t(lang, "transfer_reason_" + tr.reason.value), ft.Colors.GREY_100, MUTED, icon)


def _tile(state: Tablet, tr: TransferOut) -> ft.Control:
    lang, scene = state.lang, state.transfers
    thumbs = [
        picture(state, scene.picture_url(ln), width=THUMB_W, height=60) for ln in tr.lines[:THUMBS]
    ]
    units = sum(ln.quantity for ln in tr.lines)
    facts = ft.Column(
        [
            ft.Row(
                [
                    ft.Text(f"{tr.from_code} » {tr.to_code}", size=17, weight=ft.FontWeight.BOLD),
                    _mode_chip(state, tr),
                    _reason_chip(lang, tr),
                ],
                wrap=True,
            ),
            ft.Text(
                f"{t(lang, 'transfer_units', n=units)} · "
                + ", ".join(scene.line_name(ln) for ln in tr.lines[:2]),
                size=14,
                max_lines=1,
                overflow=ft.TextOverflow.ELLIPSIS,
            ),
            ft.Text(
                t(lang, "transfer_asked_at", time=local_time(tr.requested_at)),
                size=13,
                color=MUTED,
            ),
        ],
        spacing=4,
        expand=True,
    )
    return tagged(
        ft.Container(
            ft.Row(
                [ft.Container(ft.Row(thumbs, spacing=4), width=THUMBS * THUMB_W + 8), facts],
                spacing=12,
            ),
            bgcolor=ft.Colors.WHITE,
            border_radius=12,
            padding=12,
            on_click=lambda _: scene.open(tr.id),
            ink=True,
        ),
        f"transfer-{tr.id}",
    )


def _progress(state: Tablet, tr: TransferOut, line: TransferLineOut) -> list[ft.Control]:
    lang, scene = state.lang, state.transfers
    mode = scene.mode(tr)
    if mode in ("send", "receive"):
        n, room = scene.counted(line), scene.room(line, mode)
        full = n >= room
        look = (
            (ft.Colors.GREEN_50, ft.Colors.GREEN_900, ft.Icons.CHECK_CIRCLE)
            if full
            else (ft.Colors.AMBER_50, ft.Colors.AMBER_900, ft.Icons.RADIO_BUTTON_UNCHECKED)
        )
        words = "transfer_in_box" if mode == "send" else "transfer_scanned_out"
        out = [chip(t(lang, words, n=n, of=room), *look)]
        bad = scene.damaged.get(line.line_id, 0)
        if bad:
            out.append(
                chip(t(lang, "transfer_damaged_n", n=bad), ft.Colors.RED_50, ft.Colors.RED_900)
            )
        return out
    if tr.received_at is None:
        return [chip(t(lang, "transfer_units", n=line.quantity), ft.Colors.GREY_100, MUTED)]
    out = [
        chip(
            t(lang, "transfer_arrived", n=line.received, of=line.quantity),
            ft.Colors.GREEN_50,
            ft.Colors.GREEN_900,
            ft.Icons.CHECK_CIRCLE,
        )
    ]
    for key, units in (
        ("transfer_not_sent_n", line.not_sent),
        ("transfer_short_n", line.short),
        ("transfer_damaged_n", line.damaged),
    ):
        if units:
            out.append(chip(t(lang, key, n=units), ft.Colors.RED_50, ft.Colors.RED_900))
    return out


def _line(state: Tablet, tr: TransferOut, line: TransferLineOut) -> ft.Control:
    lang, scene = state.lang, state.transfers
    back_one: list[ft.Control] = []
    if scene.mode(tr) in ("send", "receive") and scene.counted(line):
        back_one = [
            tagged(
                ft.IconButton(
                    ft.Icons.REMOVE_CIRCLE_OUTLINE,
                    tooltip=t(lang, "transfer_take_one_back"),
                    on_click=lambda _: scene.take_one_back(line.line_id),
                    width=TOUCH,
                    height=TOUCH,
                ),
                f"transfer-line-{line.line_id}-less",
            )
        ]
    return tagged(
        ft.Container(
            ft.Row(
                [
                    picture(state, scene.picture_url(line), width=72, height=90),
                    ft.Column(
                        [
                            ft.Text(scene.line_name(line), size=16, weight=ft.FontWeight.W_600),
                            ft.Text(
                                f"{line.size} · {colour_name(lang, line.colour, line.colour_en)}",
                                size=14,
                                color=MUTED,
                            ),
                            ft.Text(f"{line.sku} · {line.ean13 or ''}", size=12, color=MUTED),
                            ft.Row(_progress(state, tr, line), wrap=True, spacing=6),
                        ],
                        spacing=3,
                        expand=True,
                    ),
                    *back_one,
                ],
                spacing=12,
            ),
            bgcolor=ft.Colors.WHITE,
            border_radius=10,
            padding=10,
        ),
        f"transfer-line-{line.line_id}",
    )


def _actions(state: Tablet, tr: TransferOut) -> list[ft.Control]:
    lang, scene = state.lang, state.transfers
    mode = scene.mode(tr)
    back = button(t(lang, "transfer_back"), lambda _: scene.close(), "transfer-back", primary=False)
    if mode == "send":
        n = sum(scene.box.values())
        return [
            button(t(lang, "transfer_send", n=n), lambda _: scene.send(), "transfer-send"),
            button(
                t(lang, "transfer_refuse"),
                lambda _: scene.take_back(),
                "transfer-refuse",
                primary=False,
            ),
            back,
        ]
    if mode == "receive":
        n = sum(scene.box.values()) + sum(scene.damaged.values())
        damaged = tagged(
            ft.Switch(
                label=t(lang, "transfer_damaged_mode"),
                value=scene.damaged_mode,
                on_change=lambda e: scene.set_damaged_mode(bool(e.control.value)),
            ),
            "transfer-damaged",
        )
        # Said in words as well as by the switch: the next scans count as damaged.
        mode_words = (
            [
                tagged(
                    chip(t(lang, "transfer_damaged_on"), ft.Colors.RED_50, ft.Colors.RED_900),
                    "transfer-damaged-on",
                )
            ]
            if scene.damaged_mode
            else []
        )
        return [
            damaged,
            *mode_words,
            button(t(lang, "transfer_receive", n=n), lambda _: scene.receive(), "transfer-receive"),
            back,
        ]
    if mode == "wait":
        return [
            button(
                t(lang, "transfer_cancel"),
                lambda _: scene.take_back(),
                "transfer-cancel",
                primary=False,
            ),
            back,
        ]
    return [back]


def _hint(lang: str, tr: TransferOut, mode: str) -> list[ft.Control]:
    key = {"send": "transfer_send_hint", "receive": "transfer_receive_hint"}.get(mode)
    if mode == "wait":
        key = "transfer_wait_hint"
    return [ft.Text(t(lang, key, from_code=tr.from_code), size=15)] if key else []


def _opened(state: Tablet, tr: TransferOut) -> list[ft.Control]:
    lang, mode = state.lang, state.transfers.mode(tr)
    title = t(lang, "transfer_title_one", from_code=tr.from_code, to_code=tr.to_code, id=tr.id)
    return [
        card(
            title,
            [
                ft.Row([_mode_chip(state, tr), _reason_chip(lang, tr)], wrap=True),
                ft.Text(
                    t(lang, "transfer_asked_at", time=local_time(tr.requested_at)), color=MUTED
                ),
                *_hint(lang, tr, mode),
                *(_line(state, tr, ln) for ln in tr.lines),
                ft.Row(_actions(state, tr), wrap=True, spacing=12),
            ],
            "transfer-opened",
        )
    ]


def _draft(state: Tablet, d: Draft) -> list[ft.Control]:
    lang, scene = state.lang, state.transfers
    who: list[ft.Control] = []
    if d.customer_id is not None and d.customer_name:
        who = [
            tagged(
                ft.Switch(
                    label=t(lang, "transfer_ask_for_customer", name=d.customer_name),
                    value=d.for_customer,
                    on_change=lambda e: scene.set_for_customer(bool(e.control.value)),
                ),
                "transfer-ask-customer",
            )
        ]

    def stepper(icon: ft.IconData, words: str, to: int, tag: str) -> ft.Control:
        return tagged(
            ft.IconButton(
                icon,
                tooltip=t(lang, words),
                on_click=lambda _: scene.set_quantity(to),
                width=TOUCH,
                height=TOUCH,
            ),
            tag,
        )

    quantity = ft.Row(
        [
            stepper(ft.Icons.REMOVE, "transfer_ask_less", d.quantity - 1, "transfer-ask-less"),
            ft.Text(t(lang, "transfer_ask_quantity", n=d.quantity), size=18),
            stepper(ft.Icons.ADD, "transfer_ask_more", d.quantity + 1, "transfer-ask-more"),
        ]
    )
    return [
        card(
            t(lang, "transfer_ask_title", from_label=d.from_label),
            [
                ft.Row(
                    [
                        picture(state, d.picture, width=72, height=90),
                        ft.Column(
                            [
                                ft.Text(d.item, size=16, weight=ft.FontWeight.W_600),
                                ft.Text(d.sku, size=12, color=MUTED),
                                ft.Text(t(lang, "transfer_ask_available", n=d.available)),
                            ],
                            expand=True,
                        ),
                    ],
                    spacing=12,
                ),
                quantity,
                *who,
                ft.Row(
                    [
                        button(
                            t(lang, "transfer_ask_submit"),
                            lambda _: scene.submit_request(),
                            "transfer-ask-submit",
                        ),
                        button(
                            t(lang, "transfer_ask_drop"),
                            lambda _: scene.drop_draft(),
                            "transfer-ask-drop",
                            primary=False,
                        ),
                    ],
                    wrap=True,
                    spacing=12,
                ),
            ],
            "transfer-draft",
        )
    ]


def _lists(state: Tablet) -> list[ft.Control]:
    lang, scene = state.lang, state.transfers
    groups = (
        ("transfer_group_send", scene.outgoing),
        ("transfer_group_receive", [x for x in scene.incoming if scene.mode(x) == "receive"]),
        ("transfer_group_wait", [x for x in scene.incoming if scene.mode(x) == "wait"]),
    )
    out: list[ft.Control] = []
    for words, rows in groups:
        if rows:
            out.append(ft.Text(t(lang, words, n=len(rows)), size=18, weight=ft.FontWeight.W_600))
            out += [_tile(state, x) for x in rows]
    if scene.loaded and not out:
        out = [tagged(ft.Text(t(lang, "transfer_empty"), size=16, color=MUTED), "transfer-empty")]
    return out


def build(state: Tablet, scan_tools: list[ft.Control] | None = None) -> ft.Control:
    lang, scene = state.lang, state.transfers

    def set_text(text: str) -> None:
        scene.scan_text = text

    head = scan_bar(
        title=t(lang, "transfer_title"),
        hint=t(lang, "transfer_scan_hint"),
        scan_label=t(lang, "scan"),
        refresh_label=t(lang, "transfer_refresh"),
        text=scene.scan_text,
        on_text=set_text,
        on_scan=scene.scan,
        on_refresh=scene.refresh,
        prefix="transfer",
        scan_tools=scan_tools,
    )
    if scene.draft is not None:
        body = _draft(state, scene.draft)
    elif scene.opened is not None:
        body = _opened(state, scene.opened)
    else:
        body = _lists(state)
    return ft.Column([*head, *body], spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
