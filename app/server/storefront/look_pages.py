"""The look page's HTML, phone first: the associate's picks, each with its picture, live stock at
their store, "reserve in store" and "buy online"; the reservation's confirmation; the opt-out.
Same shape and style as the other storefront pages (pages.py): one response, no script, no
outside assets; everything the associate or the catalogue wrote is escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from app.contracts.media import IMAGE_SIZES, product_image_url
from app.contracts.orders import OrderOut
from app.domain.money import format_try
from app.domain.orders import OTHER_STORE_DAYS, WAREHOUSE_DAYS
from app.server.storefront.i18n import Lang, t
from app.server.storefront.look_service import LookItemView, LookView
from app.server.storefront.pages import CSS

LOOK_CSS = """
.intro{background:#fff;border-radius:14px;padding:16px;margin:0 0 14px;
box-shadow:0 1px 3px rgba(0,0,0,.06)}.from{color:#6e6e73;font-size:.85rem;letter-spacing:.04em}
blockquote{margin:10px 0 0;padding:0 0 0 12px;border-left:3px solid #c8a27a;font-style:italic;
overflow-wrap:anywhere}.items{display:grid;gap:14px}.item{display:grid;
grid-template-columns:120px 1fr;gap:12px;background:#fff;border-radius:14px;padding:12px;
box-shadow:0 1px 3px rgba(0,0,0,.06)}.pic{width:120px;height:150px;object-fit:cover;
border-radius:10px;background:#f1ede6}.item h2{margin:0 0 4px;font-size:1.05rem}
.item .price{font-size:1.15rem;margin:6px 0 4px}.stock{font-size:.9rem;font-weight:600}
.stock-ok{color:#1a7f37}.stock-low{color:#b35900}.stock-away{color:#6e6e73;font-weight:400}
.intro p{margin-bottom:0}button.btn{font:inherit;font-weight:600;cursor:pointer}
.acts{grid-column:1/-1;display:grid;grid-template-columns:1fr 1fr;gap:8px}
.acts .btn,.acts form{margin:0}.acts .btn{line-height:1.2;padding:14px 6px}
.acts .only{grid-column:1/-1}.done{display:flex;gap:12px;align-items:center}
.done img{width:80px;height:100px;object-fit:cover;border-radius:8px;background:#f1ede6}
.optout{font-size:.85rem}.pills{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0 4px}
.pill{min-height:48px;line-height:46px;padding:0 14px;border-radius:24px;border:1px solid #d2d2d7;
color:#1d1d1f;text-decoration:none;background:#fff;white-space:nowrap}.pill.on{background:#1d1d1f;
color:#fff;border-color:#1d1d1f}.times{display:grid;gap:8px;
grid-template-columns:repeat(auto-fill,minmax(88px,1fr))}.times button{min-height:48px;
border-radius:10px;border:1px solid #1d1d1f;background:#fff;font:inherit;font-weight:600;
cursor:pointer}.yours a{color:#1d1d1f}
@media (min-width:760px){main{max-width:960px}.items{grid-template-columns:1fr 1fr}
.intro{padding:22px}}
"""

DELIVERY_DAYS = f"{WAREHOUSE_DAYS}–{OTHER_STORE_DAYS}"  # the warehouse's days, another store's


def _page(
    lang: Lang,
    title: str,
    body: str,
    *,
    self_path: str,
    optout_path: str | None = None,
    refresh: bool = False,
) -> str:
    other = "en" if lang == "tr" else "tr"
    # While a first tap is still being placed, the page asks again by itself (no script).
    meta = '<meta http-equiv="refresh" content="1">' if refresh else ""
    optout = (
        f' · <a class="optout" href="{escape(optout_path)}?lang={lang}">'
        f"{t(lang, 'optout_link')}</a>"
        if optout_path
        else ""
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"{meta}<title>{escape(title)}</title><style>{CSS}{LOOK_CSS}</style></head><body>"
        f"<header>REYON</header><main>{body}"
        f'<footer><a href="{escape(self_path)}?lang={other}">{t(lang, "language")}</a>'
        f"{optout}</footer></main></body></html>"
    )


def _stock(lang: Lang, item: LookItemView, store: str) -> tuple[str, str]:
    if item.here > 0:
        return ("low" if item.here <= 2 else "ok"), t(lang, "stock_here", n=item.here, store=store)
    if item.online + item.other_stores > 0:
        return "away", t(lang, "stock_online", days=DELIVERY_DAYS)
    return "away", t(lang, "stock_none")


def _picture(item: LookItemView, lang: Lang, css: str, size: str = "full") -> str:
    width, height = IMAGE_SIZES["full" if size == "full" else "thumb"]
    src = product_image_url(item.product_id, item.colour, "full" if size == "full" else "thumb")
    alt = t(lang, "picture_alt", name=item.name(lang), colour=item.colour_in(lang))
    return (
        f'<img class="{css}" src="{escape(src)}" width="{width}" height="{height}" '
        f'alt="{escape(alt)}">'
    )


def _item(
    lang: Lang, look: LookView, item: LookItemView, *, base: str, buy: str, reserved: str | None
) -> str:
    cls, stock = _stock(lang, item, look.store_name)
    action = ""
    if reserved is not None:  # this look's reservation of it: its page, not another button
        cls, stock = "ok", t(lang, "reserved_item", number=reserved)
        done = f"{base}/reserved/{item.variant_id}?lang={lang}"
        action = f'<a class="btn primary" href="{escape(done)}">{t(lang, "reserved_see")}</a>'

    elif item.here > 0:
        action = (
            f'<form method="post" action="{escape(base)}/reserve?lang={lang}">'
            f'<input type="hidden" name="variant_id" value="{item.variant_id}">'
            f'<button class="btn primary" type="submit">{t(lang, "reserve")}</button></form>'
        )
    only = "" if action else " only"
    return (
        f'<article class="item" data-variant="{item.variant_id}">{_picture(item, lang, "pic")}'
        f"<div><h2>{escape(item.name(lang))}</h2>"
        f'<div class="muted">{t(lang, "colour")}: {escape(item.colour_in(lang))} · '
        f"{t(lang, 'size')}: {escape(item.size)}</div>"
        f'<div class="price">{escape(format_try(item.price_kurus))}</div>'
        f'<div class="stock stock-{cls}">{escape(stock)}</div></div>'
        f'<div class="acts">{action}<a class="btn secondary{only}" href="{escape(buy)}">'
        f"{t(lang, 'buy_online')}</a></div></article>"
    )


def _line(text: str) -> str:
    return "<br>".join(escape(part) for part in text.strip().splitlines())


def look(
    look: LookView,
    lang: Lang,
    *,
    self_path: str,
    buy_links: dict[int, str],
    reserved: dict[int, str],
    optout_path: str | None,
    hold_hours: int,
) -> str:
    title = t(lang, "look_title", associate=look.associate_first_name)
    items = "".join(
        _item(
            lang,
            look,
            item,
            base=self_path,
            buy=buy_links[item.product_id],
            reserved=reserved.get(item.variant_id),
        )
        for item in look.items
    )
    body = (
        f'<section class="intro"><div class="from">'
        f"{escape(t(lang, 'look_from', associate=look.associate_first_name, store=look.store_name))}"
        f"</div><h1>{escape(title)}</h1><blockquote>{_line(look.line)}</blockquote>"
        f'<p class="muted">{escape(t(lang, "reserve_note", hours=hold_hours))}</p></section>'
        f'<div class="items">{items}</div>'
        f'<a class="btn secondary" href="{escape(self_path)}/appointment?lang={lang}">'
        f"{t(lang, 'appointment_link')}</a>"
    )
    return _page(lang, title, body, self_path=self_path, optout_path=optout_path)


def _until(order: OrderOut, zone: str) -> datetime | None:
    held = [line.held_until for line in order.lines if line.held_until is not None]
    return min(held).astimezone(ZoneInfo(zone)) if held else None


def reserved(
    look: LookView,
    item: LookItemView,
    order: OrderOut,
    lang: Lang,
    *,
    self_path: str,
    back: str,
    zone: str,
) -> str:
    title = t(lang, "reserved_title")
    until = _until(order, zone)
    held = (
        f"<p>{escape(t(lang, 'reserved_until', until=until.strftime('%d.%m.%Y %H:%M')))}</p>"
        if until is not None
        else ""
    )
    body = (
        f"<h1>{escape(title)}</h1>"
        f'<p class="note">{escape(t(lang, "reserved_text", number=order.number, store=look.store_name))}</p>'
        f'<section class="done">{_picture(item, lang, "thumb", "thumb")}<div>'
        f'<b>{escape(item.name(lang))}</b><div class="muted">{escape(item.colour_in(lang))} · '
        f"{escape(item.size)}</div><div>{escape(format_try(order.total_kurus))}</div></div>"
        f"</section>{held}<p>{t(lang, 'reserved_pay')}</p>"
        f'<a class="btn secondary" href="{escape(back)}">{t(lang, "back_to_look")}</a>'
    )
    return _page(lang, title, body, self_path=self_path)


def reserving(lang: Lang, *, self_path: str) -> str:
    text = t(lang, "reserving")
    return _page(
        lang, text, f'<p class="note">{escape(text)}</p>', self_path=self_path, refresh=True
    )


def notice(
    lang: Lang, title: str, text: str, *, self_path: str, links: list[tuple[str, str]]
) -> str:
    """A short page with words and the ways on (back to the look, buy online)."""
    buttons = "".join(
        f'<a class="btn {"primary" if n == 0 else "secondary"}" href="{escape(href)}">'
        f"{escape(label)}</a>"
        for n, (label, href) in enumerate(links)
    )
    body = f'<h1>{escape(title)}</h1><p class="note warn">{escape(text)}</p>{buttons}'
    return _page(lang, title, body, self_path=self_path)


def refusal(lang: Lang, key: str, *, self_path: str, back: str | None = None) -> str:
    """The link is not (or no longer) good, or what it asked cannot be done: say so, and lead
    back to the look when there is one."""
    links = [(t(lang, "back_to_look"), back)] if back else []
    return notice(lang, t(lang, "link_title"), t(lang, key), self_path=self_path, links=links)


def sold_out(
    lang: Lang, look: LookView, item: LookItemView, *, self_path: str, back: str, buy: str
) -> str:
    text = t(lang, "sold_out", name=item.name(lang), size=item.size, store=look.store_name)
    links = [(t(lang, "back_to_look"), back), (t(lang, "buy_online"), buy)]
    return notice(lang, t(lang, "sold_out_title"), text, self_path=self_path, links=links)


def optout(lang: Lang, channel: str, *, self_path: str, consented: bool, done: bool) -> str:
    words = t(lang, f"channel_{channel}")
    title = t(lang, "optout_title")
    if done:
        body = f'<h1>{escape(title)}</h1><p class="note">{escape(t(lang, "optout_done", channel=words))}</p>'
    elif not consented:
        text = t(lang, "optout_already", channel=words)
        body = f'<h1>{escape(title)}</h1><p class="note">{escape(text)}</p>'
    else:
        body = (
            f"<h1>{escape(title)}</h1><p>{escape(t(lang, 'optout_question', channel=words))}</p>"
            f'<form method="post" action="{escape(self_path)}?lang={lang}">'
            f'<button class="btn primary" type="submit">{t(lang, "optout_button")}</button></form>'
        )
    return _page(lang, title, body, self_path=self_path)
