"""The storefront's HTML: one small, mobile-first page per view, no framework, no outside
assets (a shopper on store Wi-Fi or 3G gets it in one response of a few kilobytes)."""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

from app.contracts.media import IMAGE_SIZES, product_image_url
from app.contracts.orders import OrderOut
from app.domain.money import format_try
from app.server.storefront.i18n import Lang, t
from app.server.storefront.service import ProductPage

CSS = """
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,sans-serif;
color:#1d1d1f;background:#faf8f5}main{max-width:560px;margin:auto;padding:16px}
header{background:#1d1d1f;color:#fff;padding:10px 16px;font-weight:600;letter-spacing:.08em}
h1{font-size:1.35rem;margin:.2em 0}.brand{color:#6e6e73;text-transform:uppercase;
font-size:.8rem;letter-spacing:.06em}.price{font-size:1.6rem;font-weight:700;margin:.3em 0 0}
.muted{color:#6e6e73;font-size:.85rem}section{background:#fff;border-radius:14px;
padding:14px;margin:14px 0;box-shadow:0 1px 3px rgba(0,0,0,.06)}h2{font-size:1rem;margin:0 0 8px}
.sizes{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0 10px}.size{min-width:64px;
min-height:48px;border-radius:10px;padding:6px 8px;text-align:center;border:1px solid #d2d2d7}
.size b{display:block}.ok{border-color:#1a7f37;color:#1a7f37}.low{border-color:#b35900;
color:#b35900}.none{color:#86868b;background:#f5f5f7}.btn{display:block;text-align:center;
min-height:48px;line-height:48px;border-radius:12px;margin:10px 0;text-decoration:none;
font-weight:600;border:0;width:100%;font-size:1rem}.primary{background:#1d1d1f;color:#fff}
.secondary{background:#fff;color:#1d1d1f;border:1px solid #1d1d1f}table{width:100%;
border-collapse:collapse}td{padding:6px 0;border-bottom:1px solid #eee;vertical-align:top}
td.r{text-align:right;white-space:nowrap}input{width:100%;min-height:48px;font-size:1rem;
padding:8px;border:1px solid #d2d2d7;border-radius:10px}footer{text-align:center;margin:20px 0}
footer a{color:#6e6e73}.note{padding:12px;border-radius:10px;background:#eef7f0}
.warn{background:#fff4e5}.hero{display:block;width:100%;max-width:480px;height:auto;
aspect-ratio:4/5;margin:0 auto 12px;border-radius:14px;background:#f1ede6}
.swatch{width:40px;height:50px;border-radius:6px;vertical-align:middle;margin-right:8px}
"""


def _page(lang: Lang, title: str, body: str, switch_to: str) -> str:
    other = "en" if lang == "tr" else "tr"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<header>REYON</header><main>{body}"
        f'<footer><a href="{escape(switch_to)}lang={other}">{t(lang, "language")}</a>'
        "</footer></main></body></html>"
    )


def _availability(lang: Lang, n: int) -> tuple[str, str]:
    if n <= 0:
        return "none", t(lang, "none_here")
    if n <= 2:
        return "low", t(lang, "last_few", n=n)
    return "ok", t(lang, "in_stock")


def product(
    page: ProductPage, lang: Lang, *, scan_id: int | None, shop_url: str, self_path: str
) -> str:
    p = page.product
    assert p.id is not None  # read from the database
    name = p.name_tr if lang == "tr" else p.name_en
    price = format_try(page.price_min)
    if page.price_max != page.price_min:
        price = f"{price} – {format_try(page.price_max)}"
    grids = []
    for colour in page.colours:
        cells = "".join(
            f'<div class="size {cls}"><b>{escape(size)}</b>{escape(label)}</div>'
            for size, n in colour.sizes
            for cls, label in [_availability(lang, n)]
        )
        swatch = product_image_url(p.id, colour.colour, "thumb")
        grids.append(
            f'<div class="muted"><img class="swatch" src="{escape(swatch)}" width="40" '
            f'height="50" alt="">{escape(colour.colour)}</div><div class="sizes">{cells}</div>'
        )
    online = (
        t(lang, "online_available", n=page.online_available)
        if page.online_available > 0
        else t(lang, "online_none")
    )
    # The brand app registers this scheme; it opens the app on "add to wishlist" and credits
    # the store. Without the app installed the phone offers to get it.
    # No scan recorded (a replayed URL past its limit): the links credit the store only.
    credit = {"store": page.store.code, **({"scan": scan_id} if scan_id is not None else {})}
    save = "reyon-app://wishlist/add?" + urlencode({"product": p.id, **credit})
    buy = shop_url + "?" + urlencode(credit)
    # The first colour's picture, its size given so the page does not jump when it arrives.
    first = page.colours[0].colour if page.colours else None
    width, height = IMAGE_SIZES["full"]
    alt = t(lang, "picture_alt", name=name, colour=first or "")
    hero = (
        f'<img class="hero" src="{escape(product_image_url(p.id, first))}" width="{width}" '
        f'height="{height}" alt="{escape(alt)}">'
    )
    body = (
        f'{hero}<div class="brand">{escape(p.brand)}</div><h1>{escape(name)}</h1>'
        f'<p class="price">{escape(price)}</p><div class="muted">{t(lang, "price_incl")}</div>'
        f"<section><h2>{t(lang, 'in_this_store')}: {escape(page.store.name)}</h2>"
        f"{''.join(grids)}</section>"
        f"<section><h2>{t(lang, 'online')}</h2><div>{escape(online)}</div></section>"
        f'<a class="btn primary" href="{escape(save)}">{t(lang, "save")}</a>'
        f'<a class="btn secondary" href="{escape(buy)}">{t(lang, "buy_online")}</a>'
    )
    return _page(lang, name, body, self_path + "?")


def not_found(lang: Lang) -> str:
    body = f"<h1>{t(lang, 'not_found_title')}</h1><p>{t(lang, 'not_found')}</p>"
    return _page(lang, t(lang, "not_found_title"), body, "?")


def message(lang: Lang, title: str, text: str, *, warn: bool = True) -> str:
    body = f'<h1>{escape(title)}</h1><p class="note{" warn" if warn else ""}">{escape(text)}</p>'
    return _page(lang, title, body, "?")


def pay(order: OrderOut, lang: Lang, *, action: str, notice: str | None = None) -> str:
    rows = "".join(
        f"<tr><td>{escape(line.name_tr if lang == 'tr' else line.name_en)}<br>"
        f'<span class="muted">{escape(line.size)} · {escape(line.colour)} · '
        f"{t(lang, 'qty')} {line.quantity}</span></td>"
        f'<td class="r">{escape(format_try(line.line_total_kurus))}</td></tr>'
        for line in order.lines
    )
    title = t(lang, "pay_title", number=order.number)
    body = (
        f"<h1>{escape(title)}</h1>"
        + (f'<p class="note">{escape(notice)}</p>' if notice else "")
        + f"<section><table>{rows}"
        f"<tr><td><b>{t(lang, 'pay_total')}</b></td>"
        f'<td class="r"><b>{escape(format_try(order.total_kurus))}</b></td></tr>'
        f'<tr><td class="muted">{t(lang, "pay_kdv")}</td>'
        f'<td class="r muted">{escape(format_try(order.kdv_kurus))}</td></tr></table></section>'
    )
    if order.status == "placed":
        body += (
            f'<form method="post" action="{escape(quote(action))}"><section>'
            f'<label>{t(lang, "pay_holder")}<input name="holder" autocomplete="cc-name" '
            f'maxlength="80"></label></section>'
            f'<button class="btn primary" type="submit">{t(lang, "pay_button")} '
            f"{escape(format_try(order.total_kurus))}</button></form>"
        )
    elif order.status == "paid" and not notice:
        body += f'<p class="note">{t(lang, "paid")}</p>'
    return _page(lang, title, body, "?")
