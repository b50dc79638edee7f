"""Scene 12: returns. The orders a code found; one opened shows every line with its picture,
what was bought and returned, and for what comes back the units, the reason and the item's
condition; the refund is summed as it is chosen; after the return, what the customer gets."""

from __future__ import annotations

import flet as ft

from app.contracts.returns import ReturnableLine, ReturnableOrder, ReturnOut
from app.domain.returns import ReturnReason
from app.tablet.i18n import local_date, money, t
from app.tablet.i18n.problems import problem_words
from app.tablet.state.tablet import Tablet
from app.tablet.views import returns_exchange
from app.tablet.views.common import TOUCH, button, picture, tagged
from app.tablet.views.order import MUTED, card, chip
from app.tablet.views.scan_bar import scan_bar


def _title(lang: str, o: ReturnableOrder) -> str:
    channel = t(lang, "return_channel_" + o.channel.value)
    return t(lang, "return_order_title", number=o.number, channel=channel)


def _when(lang: str, o: ReturnableOrder) -> str:
    if o.received_at is None:
        return t(lang, "return_not_received")
    last = o.last_day.strftime("%d.%m.%Y") if o.last_day else "-"
    return t(lang, "return_received", day=local_date(o.received_at), last=last)


def _refusal(state: Tablet, o: ReturnableOrder) -> list[ft.Control]:
    if o.refusal is None:
        return []
    # The problem type a return would be refused with, in the words the refusal itself has.
    words = problem_words(state.lang, o.refusal, status=409)
    return [chip(words, ft.Colors.RED_50, ft.Colors.RED_900, ft.Icons.BLOCK)]


def _tile(state: Tablet, o: ReturnableOrder) -> ft.Control:
    lang, scene = state.lang, state.returns
    thumbs = [picture(state, scene.picture_url(x), width=48, height=60) for x in o.lines[:3]]
    return tagged(
        ft.Container(
            ft.Row(
                [
                    ft.Container(ft.Row(thumbs, spacing=4), width=152),
                    ft.Column(
                        [
                            ft.Text(_title(lang, o), size=17, weight=ft.FontWeight.BOLD),
                            ft.Text(f"{money(o.total_kurus)} · {_when(lang, o)}", size=13),
                            ft.Row(_refusal(state, o), wrap=True),
                        ],
                        spacing=4,
                        expand=True,
                    ),
                ],
                spacing=12,
            ),
            bgcolor=ft.Colors.WHITE,
            border_radius=12,
            padding=12,
            on_click=lambda _: scene.open(o.order_id),
            ink=True,
        ),
        f"return-order-{o.order_id}",
    )


def _reason_chip(state: Tablet, lid: int, reason: ReturnReason, chosen: bool) -> ft.Control:
    scene = state.returns
    return tagged(
        ft.Chip(
            label=ft.Text(t(state.lang, "return_reason_" + reason.value)),
            selected=chosen,
            on_select=lambda _: scene.set_reason(lid, None if chosen else reason.value),
            height=TOUCH,
        ),
        f"return-line-{lid}-reason-{reason.value}",
    )


def _choices(state: Tablet, line: ReturnableLine) -> list[ft.Control]:
    lang, scene = state.lang, state.returns
    lid, pick = line.order_line_id, scene.pick(line.order_line_id)

    def step(icon: ft.IconData, words: str, to: int, tag: str) -> ft.Control:
        return tagged(
            ft.IconButton(
                icon,
                tooltip=t(lang, words),
                on_click=lambda _: scene.set_quantity(lid, to),
                width=TOUCH,
                height=TOUCH,
                disabled=line.returnable == 0,
            ),
            f"return-line-{lid}-{tag}",
        )

    out: list[ft.Control] = [
        step(ft.Icons.REMOVE, "return_less", pick.quantity - 1, "less"),
        ft.Text(t(lang, "return_units", n=pick.quantity), size=16),
        step(ft.Icons.ADD, "return_more", pick.quantity + 1, "more"),
    ]
    if pick.quantity:
        out += [
            # One tap per reason, big enough for a thumb: a drop-down would take two.
            *(_reason_chip(state, lid, r, pick.reason == r) for r in ReturnReason),
            tagged(
                ft.Checkbox(
                    label=t(lang, "return_damaged"),
                    value=pick.damaged,
                    on_change=lambda e: scene.set_damaged(lid, bool(e.control.value)),
                ),
                f"return-line-{lid}-damaged",
            ),
            ft.Text(money(scene.refund_of(line)), weight=ft.FontWeight.BOLD),
        ]
    return out


def _line(state: Tablet, line: ReturnableLine) -> ft.Control:
    lang, scene = state.lang, state.returns
    colour = line.colour_en if lang == "en" else line.colour
    return tagged(
        ft.Container(
            ft.Column(
                [
                    ft.Row(
                        [
                            picture(state, scene.picture_url(line), width=72, height=90),
                            ft.Column(
                                [
                                    ft.Text(
                                        scene.line_name(line), size=16, weight=ft.FontWeight.W_600
                                    ),
                                    ft.Text(f"{line.size} · {colour}", size=14, color=MUTED),
                                    ft.Text(
                                        f"{line.sku} · {line.ean13 or ''}", size=12, color=MUTED
                                    ),
                                    ft.Text(
                                        t(
                                            lang,
                                            "return_bought",
                                            n=line.quantity,
                                            returned=line.returned,
                                        ),
                                        size=14,
                                    ),
                                ],
                                spacing=3,
                                expand=True,
                            ),
                        ],
                        spacing=12,
                    ),
                    ft.Row(_choices(state, line), wrap=True, spacing=8),
                ]
            ),
            bgcolor=ft.Colors.WHITE,
            border_radius=10,
            padding=10,
        ),
        f"return-line-{line.order_line_id}",
    )


def _opened(state: Tablet, o: ReturnableOrder) -> list[ft.Control]:
    lang, scene = state.lang, state.returns
    methods = tagged(
        ft.RadioGroup(
            ft.Row(
                [
                    ft.Radio(value=m.value, label=t(lang, "return_method_" + m.value))
                    for m in o.refund_methods
                ],
                wrap=True,
            ),
            value=scene.method.value if scene.method else None,
            on_change=lambda e: scene.set_method(e.control.value or ""),
        ),
        "return-method",
    )
    total = ft.Text(
        t(lang, "return_refund_total", amount=money(scene.refund_total)),
        size=18,
        weight=ft.FontWeight.BOLD,
    )
    actions: list[ft.Control] = [
        button(
            t(lang, "return_confirm", n=scene.units), lambda _: scene.confirm(), "return-confirm"
        ),
        button(t(lang, "return_back"), lambda _: scene.close(), "return-back", primary=False),
    ]
    body: list[ft.Control] = [
        ft.Text(_when(lang, o), color=MUTED),
        ft.Row(_refusal(state, o), wrap=True),
        *(_line(state, x) for x in o.lines),
    ]
    plan = state.exchange.plan
    if plan is not None:
        if plan.done is not None:
            return [returns_exchange.done(state, plan.done)]
        body += returns_exchange.panel(state, plan)
    elif o.refusal is None:
        actions.insert(
            1,
            button(
                t(lang, "exchange_start"),
                lambda _: state.exchange.start(),
                "exchange-start",
                primary=False,
            ),
        )
        body += [methods, total, ft.Row(actions, wrap=True, spacing=12)]
    else:
        body.append(ft.Row(actions[1:]))
    return [card(_title(lang, o), body, "return-opened")]


def _done(state: Tablet, o: ReturnableOrder, r: ReturnOut | None) -> list[ft.Control]:
    lang, scene = state.lang, state.returns
    if r is None:  # confirmed offline: in the outbox
        facts: list[ft.Control] = [
            chip(
                t(lang, "return_queued_title"),
                ft.Colors.AMBER_100,
                ft.Colors.AMBER_900,
                ft.Icons.SCHEDULE,
            )
        ]
    else:
        method = t(lang, "return_method_" + r.refund_method.value)
        facts = [
            ft.Text(
                t(lang, "return_done_refund", amount=money(r.refund_kurus), method=method),
                size=20,
                weight=ft.FontWeight.BOLD,
            ),
            ft.Text(t(lang, "return_done_reference", ref=r.refund_reference), color=MUTED),
            ft.Text(t(lang, "return_done_points", n=r.points_reversed)),
            ft.Text(t(lang, "return_done_stock"), color=MUTED),
        ]
    actions = ft.Row(
        [
            button(t(lang, "return_again"), lambda _: scene.again(), "return-again", primary=False),
            button(t(lang, "return_new"), lambda _: scene.show(), "return-new"),
        ],
        wrap=True,
        spacing=12,
    )
    return [card(t(lang, "return_done_title", number=o.number), [*facts, actions], "return-done")]


def build(state: Tablet, scan_tools: list[ft.Control] | None = None) -> ft.Control:
    lang, scene = state.lang, state.returns

    def set_text(text: str) -> None:
        scene.scan_text = text

    head = scan_bar(
        title=t(lang, "return_title"),
        hint=t(lang, "return_scan_hint"),
        scan_label=t(lang, "scan"),
        refresh_label=t(lang, "return_refresh"),
        text=scene.scan_text,
        on_text=set_text,
        on_scan=scene.scan,
        on_refresh=lambda: scene.scan(scene.opened.number) if scene.opened else None,
        prefix="return",
        scan_tools=scan_tools,
    )
    o = scene.opened
    if o is not None and (scene.done is not None or scene.queued):
        body = _done(state, o, scene.done)
    elif o is not None:
        body = _opened(state, o)
    elif scene.orders:
        body = [
            ft.Text(
                t(lang, "return_found_n", n=len(scene.orders)), size=18, weight=ft.FontWeight.W_600
            ),
            *(_tile(state, x) for x in scene.orders),
        ]
    else:
        body = [tagged(ft.Text(t(lang, "return_start"), size=16, color=MUTED), "return-start")]
    return ft.Column([*head, *body], spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
