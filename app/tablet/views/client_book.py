"""Scene 14, the client book: a search box, filter chips (tiers, birthday this month, back in
stock here, not seen for 90 days), the sort, then one row per client (name, tier, last visit,
spend of 12 months, favourite category, small flag chips); "show more" pages on. Rows wrap on a
portrait tablet; every tap target is at least 48 px."""

from __future__ import annotations

import flet as ft

from app.contracts.clienteling import ClientRow
from app.tablet.i18n import LOCAL, count, money, t
from app.tablet.state.client_book import FLAGS, SORTS, TIERS
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, notice_bar, tagged

MUTED = ft.Colors.GREY_700


def flag(text: str, icon: ft.IconData, colour: str, identifier: str) -> ft.Control:
    """A small chip that only says something (not a button)."""
    return tagged(
        ft.Container(
            ft.Row(
                [ft.Icon(icon, size=14, color=colour), ft.Text(text, size=12, color=colour)],
                spacing=4,
                tight=True,
            ),
            bgcolor=ft.Colors.with_opacity(0.08, colour),
            border_radius=12,
            padding=ft.Padding.symmetric(horizontal=8, vertical=4),
        ),
        identifier,
    )


def category(lang: str, slug: str) -> str:
    """The catalogue's category slug in words ("shirts" -> "Gömlek"); a new one as it is."""
    key = "category_" + slug
    words = t(lang, key)
    return slug if words == key else words


def visit_words(state: Tablet, row: ClientRow) -> str:
    days = state.client_book.days_since_visit(row)
    if days is None:
        return t(state.lang, "book_visit_never")
    return t(state.lang, "book_visit_today" if days == 0 else "book_visit_days", n=days)


def _row(state: Tablet, row: ClientRow) -> ft.Control:
    lang = state.lang
    flags: list[ft.Control] = []
    if row.birthday_this_month:
        flags.append(flag(t(lang, "book_chip_birthday"), ft.Icons.CAKE, ft.Colors.PINK_700, f"client-{row.id}-birthday"))  # fmt: skip
    if row.back_in_stock_here:
        flags.append(flag(t(lang, "book_chip_back_in_stock"), ft.Icons.INVENTORY_2, ft.Colors.GREEN_800, f"client-{row.id}-back"))  # fmt: skip
    if row.open_tasks:
        flags.append(flag(t(lang, "book_chip_tasks", n=row.open_tasks), ft.Icons.CHECKLIST, ft.Colors.BLUE_800, f"client-{row.id}-tasks"))  # fmt: skip
    if row.assigned:
        flags.append(flag(t(lang, "book_chip_assigned"), ft.Icons.PERSON_PIN, ft.Colors.BROWN_700, f"client-{row.id}-assigned"))  # fmt: skip
    facts = [
        t(lang, "tier_" + row.tier),
        visit_words(state, row),
        t(lang, "book_spend", amount=money(row.spend_12m_kurus)),
        *([category(lang, row.favourite_category)] if row.favourite_category else []),
    ]
    return tagged(
        ft.Container(
            ft.Row(
                [
                    ft.CircleAvatar(
                        content=ft.Text(f"{row.first_name[:1]}{row.last_name[:1]}"),
                        bgcolor=ft.Colors.BROWN_100,
                        radius=22,
                    ),
                    ft.Column(
                        [
                            ft.Text(
                                f"{row.first_name} {row.last_name}",
                                size=17,
                                weight=ft.FontWeight.W_600,
                            ),
                            ft.Text(" · ".join(facts), size=14, color=MUTED),
                            *(
                                [ft.Row(flags, wrap=True, spacing=6, run_spacing=4)]
                                if flags
                                else []
                            ),
                        ],
                        spacing=4,
                        expand=True,
                    ),
                    ft.Icon(ft.Icons.CHEVRON_RIGHT, color=MUTED),
                ],
                spacing=12,
            ),
            bgcolor=ft.Colors.WHITE,
            border_radius=10,
            padding=ft.Padding.symmetric(horizontal=14, vertical=10),
            on_click=lambda _: state.client_book.open_client(row.id),
            ink=True,  # the whole row is the button, taller than a thumb
        ),
        f"client-{row.id}",
    )


def _chip(label: str, selected: bool, on_select: object, identifier: str) -> ft.Control:
    return tagged(
        ft.Chip(
            label=ft.Text(label),
            selected=selected,
            on_select=on_select,  # type: ignore[arg-type]
            height=TOUCH,
        ),
        identifier,
    )


def build(state: Tablet) -> ft.Control:
    lang, book = state.lang, state.client_book

    def search(text: str) -> None:
        book.search(text)

    search_field = ft.TextField(
        label=t(lang, "book_search"),
        value=book.q,
        on_submit=lambda e: search(e.control.value or ""),
        prefix_icon=ft.Icons.SEARCH,
        height=TOUCH + 8,
        width=360,
    )
    filters = [
        *(
            _chip(
                t(lang, "tier_" + x),
                x in book.tiers,
                lambda _, x=x: book.toggle_tier(x),
                f"book-tier-{x}",
            )
            for x in TIERS
        ),
        *(
            _chip(
                t(lang, "book_filter_" + f),
                f in book.flags,
                lambda _, f=f: book.toggle_flag(f),
                f"book-flag-{f}",
            )
            for f in FLAGS
        ),
    ]
    sorts = [
        tagged(
            ft.TextButton(
                t(lang, "book_sort_" + s),
                icon=ft.Icons.CHECK if s == book.sort else None,
                on_click=lambda _, s=s: book.set_sort(s),
                height=TOUCH,
                style=ft.ButtonStyle(
                    bgcolor=ft.Colors.BROWN_50 if s == book.sort else None,
                    shape=ft.RoundedRectangleBorder(radius=10),
                ),
            ),
            f"book-sort-{s}",
        )
        for s in SORTS
    ]
    rows = [_row(state, r) for r in book.rows]
    body: list[ft.Control] = [
        ft.Row(
            [
                button(t(lang, "back"), lambda _: state.go_home(), "back", primary=False),
                ft.Text(t(lang, "book_title"), size=22, weight=ft.FontWeight.BOLD),
                button(
                    t(lang, "nav_tasks"),
                    lambda _: state.tasks.show(),
                    "book-to-tasks",
                    primary=False,
                ),
            ],
            wrap=True,
        ),
        ft.Row(
            [
                tagged(search_field, "book-search"),
                button(
                    t(lang, "book_search_button"),
                    lambda _: search(search_field.value or ""),
                    "book-search-submit",
                ),
            ],
            wrap=True,
        ),
        ft.Row(filters, wrap=True, spacing=8, run_spacing=8),
        ft.Row([ft.Text(t(lang, "book_sort"), color=MUTED), *sorts], wrap=True, spacing=4),
    ]
    if book.offline and book.as_of is not None:
        when = book.as_of.astimezone(LOCAL).strftime("%H:%M")
        body.append(notice_bar(t(lang, "book_offline", time=when), True))
    if book.loaded:
        body.append(
            tagged(
                ft.Text(
                    t(
                        lang,
                        "book_count",
                        shown=count(lang, len(rows)),
                        total=count(lang, book.total),
                    ),
                    color=MUTED,
                ),
                "book-count",
            )
        )
    body += rows or ([ft.Text(t(lang, "book_empty"), color=MUTED)] if book.loaded else [])
    if book.more and not book.offline:
        body.append(button(t(lang, "book_more"), lambda _: book.load_more(), "book-more", primary=False))  # fmt: skip
    return ft.Column(body, spacing=10, scroll=ft.ScrollMode.AUTO, expand=True)
