"""The demo's mailbox in a browser: /demo/mail lists what the demo's SMTP server received
(newest first), /demo/mail/{n} shows one message as the customer's mail program would (its
HTML part, else its text). Demo mode only, like the wallet."""

from __future__ import annotations

import html
from email.message import EmailMessage

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse

from app.domain.errors import NotFound
from app.server.demo.mailbox import numbers, read
from app.server.deps import SettingsDep

router = APIRouter(tags=["demo"], include_in_schema=False)
LIST_LIMIT = 200
# A received message is shown as it is: its pictures load (and the look's open pixel counts the
# opening, as a real mail program's would), its scripts never run, nothing posts anywhere.
_MAIL_CSP = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; form-action 'none'"
_HEADERS = {"Cache-Control": "no-store"}


@router.get("/demo/mail", response_class=HTMLResponse)
def mailbox(settings: SettingsDep) -> HTMLResponse:
    rows = []
    for number in numbers(settings.demo_mail_dir)[:LIST_LIMIT]:
        message = read(settings.demo_mail_dir, number, headers_only=True)
        if message is None:
            continue
        rows.append(
            f'<tr><td><a href="/demo/mail/{number}">{html.escape(str(message["Subject"] or "-"))}'
            f"</a></td><td>{html.escape(str(message['To'] or ''))}</td>"
            f"<td>{html.escape(str(message['Date'] or ''))}</td></tr>"
        )
    body = (
        "<table><tr><th>Konu / Subject</th><th>Kime / To</th><th>Tarih / Date</th></tr>"
        + "".join(rows)
        + "</table>"
        if rows
        else "<p>Henüz e-posta yok. / No e-mail yet.</p>"
    )
    return HTMLResponse(_LIST.format(body=body), headers=_HEADERS)


@router.get("/demo/mail/{number}", response_class=HTMLResponse)
def one_mail(settings: SettingsDep, number: int = Path(ge=1, le=10**6)) -> HTMLResponse:
    message = read(settings.demo_mail_dir, number)
    if message is None:
        raise NotFound("Mail", number)
    return HTMLResponse(
        _as_html(message), headers={**_HEADERS, "Content-Security-Policy": _MAIL_CSP}
    )


def _as_html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html", "plain"))
    content = part.get_content() if part is not None else ""
    if part is not None and part.get_content_subtype() == "html":
        return str(content)
    return (
        '<!doctype html><meta charset="utf-8"><title>'
        + html.escape(str(message["Subject"] or ""))
        + '</title><pre style="white-space:pre-wrap;font:15px system-ui,sans-serif;padding:16px">'
        + html.escape(str(content))
        + "</pre>"
    )


_LIST = """<!doctype html>
<html lang="tr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="10">
<title>Reyon demo e-posta / mail</title>
<style>
body{{font-family:system-ui,sans-serif;margin:0;background:#f4f1ec;color:#222}}
header{{background:#222;color:#fff;padding:16px}} h1{{margin:0;font-size:1.3rem}}
main{{padding:12px;max-width:960px;margin:auto}}
table{{width:100%;border-collapse:collapse;background:#fff;border-radius:12px}}
th,td{{text-align:left;padding:10px;border-bottom:1px solid #eee8df;font-size:.95rem}}
</style></head><body>
<header><h1>Demo e-posta kutusu / Demo mailbox</h1>
<div>Demonun gönderdiği her e-posta burada (10 sn'de bir yenilenir). · Every e-mail the demo
sends lands here (refreshes every 10 s).</div></header>
<main>{body}</main>
</body></html>
"""
