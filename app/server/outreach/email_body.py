"""A look as an e-mail: the subject, an HTML body that mail programs render (tables and inline
styles: most strip <style> blocks and ignore flexbox), the plain-text alternative, and the
headers that let a mail program offer "unsubscribe" itself (RFC 2369 and RFC 8058).

Everything the associate or the catalogue wrote is escaped: the personal line is free text, and
an e-mail is HTML that the customer's mail program runs."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from app.domain import outreach
from app.domain.consent import Lang
from app.domain.money import format_try
from app.domain.outreach import Signature


@dataclass(frozen=True, slots=True)
class MailItem:
    name: str
    colour: str
    size: str
    price_kurus: int
    picture_url: str  # absolute: a mail program has no base to resolve a relative one against


@dataclass(frozen=True, slots=True)
class LookMail:
    look_id: int
    lang: Lang
    line: str
    who: Signature
    items: tuple[MailItem, ...]
    look_url: str
    optout_url: str


_WORDS: dict[Lang, dict[str, str]] = {
    "tr": {
        "button": "Kombini görün",
        "colour": "Renk",
        "size": "Beden",
        "optout": "Bu e-postaları almak istemiyorsanız",
        "optout_link": "buradan ayrılabilirsiniz",
        "stock": "Güncel fiyat ve mağaza stoku kombin sayfasında.",
    },
    "en": {
        "button": "See the look",
        "colour": "Colour",
        "size": "Size",
        "optout": "To stop these e-mails,",
        "optout_link": "unsubscribe here",
        "stock": "Current prices and store stock are on the look page.",
    },
}


def message_id(look_id: int, domain: str) -> str:
    """The same for every send of one look's e-mail: a resend after a worker died mid-send is
    recognisably the same message, not a second one."""
    return f"<look-{look_id}@{domain}>"


def subject(mail: LookMail) -> str:
    return outreach.subject(mail.lang, mail.who)


def text(mail: LookMail) -> str:
    """The plain-text part: what an SMS of the look says."""
    return outreach.short_text(
        mail.lang, line=mail.line, who=mail.who, look_url=mail.look_url, optout_url=mail.optout_url
    )


def headers(mail: LookMail) -> dict[str, str]:
    """One-click unsubscribe: the mail program POSTs `List-Unsubscribe=One-Click` to the link
    (RFC 8058), which large mailbox providers expect of bulk senders."""
    return {
        "List-Unsubscribe": f"<{mail.optout_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _item(item: MailItem, words: dict[str, str], look_url: str) -> str:
    details = f"{words['colour']}: {item.colour} · {words['size']}: {item.size}"
    return (
        '<tr><td style="padding:12px 0;border-bottom:1px solid #eee8df">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr>'
        '<td width="168" valign="top" style="padding-right:16px">'
        f'<a href="{escape(look_url)}"><img src="{escape(item.picture_url)}" width="168" '
        f'height="210" alt="{escape(item.name)}" style="display:block;border:0;'
        'border-radius:8px;background:#f4f1ec"></a></td>'
        '<td valign="top" style="font-family:Helvetica,Arial,sans-serif;color:#222">'
        f'<p style="margin:0 0 6px;font-size:16px;font-weight:bold">{escape(item.name)}</p>'
        f'<p style="margin:0 0 6px;font-size:14px;color:#666">{escape(details)}</p>'
        f'<p style="margin:0;font-size:16px">{escape(format_try(item.price_kurus))}</p>'
        "</td></tr></table></td></tr>"
    )


def html(mail: LookMail) -> str:
    words = _WORDS["en" if mail.lang == "en" else "tr"]
    look = escape(mail.look_url)
    line = escape(mail.line.strip()).replace("\n", "<br>")
    items = "".join(_item(item, words, mail.look_url) for item in mail.items)
    return _PAGE.format(
        lang=mail.lang,
        title=escape(subject(mail)),
        preview=escape(mail.line.strip()[:140]),
        line=line,
        items=items,
        look=look,
        button=escape(words["button"]),
        stock=escape(words["stock"]),
        signature=escape(f"{mail.who.associate}, {mail.who.store}"),
        optout=escape(words["optout"]),
        optout_link=escape(words["optout_link"]),
        optout_url=escape(mail.optout_url),
    )


# One column, at most 600 px wide: a phone shows it without sideways scrolling. The 1x1 picture
# at the end tells the look it was opened (when the mail program loads pictures).
_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body style="margin:0;padding:0;background:#f4f1ec">
<div style="display:none;max-height:0;overflow:hidden">{preview}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f1ec">
<tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"
 style="max-width:600px;background:#ffffff;border-radius:12px">
<tr><td style="padding:24px 24px 8px;font-family:Helvetica,Arial,sans-serif;color:#222">
<p style="margin:0;font-size:17px;line-height:1.5">{line}</p>
</td></tr>
<tr><td style="padding:0 24px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0">{items}</table>
</td></tr>
<tr><td align="center" style="padding:24px">
<table role="presentation" cellpadding="0" cellspacing="0"><tr>
<td align="center" bgcolor="#222222" style="border-radius:8px">
<a href="{look}" style="display:inline-block;padding:16px 40px;font-family:Helvetica,Arial,sans-serif;
font-size:18px;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:8px">{button}</a>
</td></tr></table>
<p style="margin:12px 0 0;font-family:Helvetica,Arial,sans-serif;font-size:13px;color:#666">{stock}</p>
</td></tr>
<tr><td style="padding:0 24px 24px;font-family:Helvetica,Arial,sans-serif;font-size:15px;color:#222">
{signature}</td></tr>
</table>
<p style="margin:16px 0 0;font-family:Helvetica,Arial,sans-serif;font-size:12px;color:#888">
{optout} <a href="{optout_url}" style="color:#888">{optout_link}</a>.</p>
</td></tr></table>
<img src="{look}/pixel.png" width="1" height="1" alt="" style="display:block;border:0">
</body></html>
"""
