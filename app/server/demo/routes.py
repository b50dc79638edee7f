"""The demo wallet: what the brand app would show on a customer's phone, for trying Reyon
without one. Served only when the API runs in demo mode (`reyon demo`, REYON_DEMO_MODE=1).

/demo/wallet/{customer} shows the customer's live identity QR (a new code every 30 seconds,
signed by a stand-in device key, see customers/identity.py `demo_device`) and the QR codes
of their coupons, each with its text so it can be pasted into a tablet too. /demo/mail is the
demo's mailbox (mail_pages.py).
"""

from __future__ import annotations

import html

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.contracts.common import EntityId
from app.domain.errors import NotFound
from app.domain.money import format_try
from app.qr.identity import STEP_SECONDS, make_identity
from app.qr.images import render_svg
from app.server.customers.identity import demo_device
from app.server.customers.models import Customer
from app.server.demo.mail_pages import router as mail_router
from app.server.deps import DbDep, KeyRingDep
from app.server.promotions.models import Coupon
from app.server.promotions.service import coupon_code, wallet_coupons

router = APIRouter(tags=["demo"], include_in_schema=False)
_NO_STORE = {"Cache-Control": "no-store"}
router.include_router(mail_router)


@router.get("/demo/wallet/{customer_id}/identity")
def identity_code(customer_id: EntityId, request: Request, db: DbDep, ring: KeyRingDep) -> Response:
    """The code the phone shows right now, as SVG (or the text with ?format=text)."""
    with db.write() as session:
        private, key_id = demo_device(session, ring, customer_id)
    payload = make_identity(private, key_id)
    if request.query_params.get("format") == "text":
        return Response(payload, media_type="text/plain", headers=_NO_STORE)
    return Response(render_svg(payload), media_type="image/svg+xml", headers=_NO_STORE)


@router.get("/demo/wallet/{customer_id}", response_class=HTMLResponse)
def wallet(customer_id: EntityId, db: DbDep, ring: KeyRingDep) -> HTMLResponse:
    with db.session() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound("Customer", customer_id)
        coupons = wallet_coupons(session, customer_id, limit=6)
        cards = "".join(_coupon_card(c, coupon_code(ring, c)) for c in coupons)
    name = html.escape(f"{customer.first_name} {customer.last_name}")
    page = _PAGE.format(
        name=name,
        loyalty=html.escape(customer.loyalty_number),
        tier=html.escape(customer.tier),
        points=customer.points,
        customer_id=customer_id,
        step_ms=STEP_SECONDS * 1000,
        coupons=cards or "<p>Kupon yok / No coupons</p>",
    )
    return HTMLResponse(page, headers=_NO_STORE)


def _coupon_card(coupon: Coupon, payload: str) -> str:
    value = f"%{coupon.value / 100:g}" if coupon.kind == "percent" else format_try(coupon.value)
    return (
        f'<section class="card"><h2>{html.escape(coupon.campaign)}</h2>'
        f"<p>{html.escape(value)} · {html.escape(coupon.code)}</p>"
        f'<div class="qr">{render_svg(payload)}</div>'
        f'<input readonly value="{html.escape(payload)}" aria-label="coupon code text"></section>'
    )


_PAGE = """<!doctype html>
<html lang="tr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reyon demo cüzdan · {name}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:0;background:#f4f1ec;color:#222}}
header{{background:#222;color:#fff;padding:16px}} h1{{margin:0;font-size:1.3rem}}
main{{padding:12px;max-width:480px;margin:auto}}
.card{{background:#fff;border-radius:12px;padding:16px;margin:12px 0;text-align:center}}
.qr svg{{width:100%;max-width:280px;height:auto}}
input{{width:100%;font:12px monospace;padding:6px;box-sizing:border-box}}
.bar{{height:6px;background:#ddd;border-radius:3px;overflow:hidden}}
.bar i{{display:block;height:100%;background:#2a7;width:100%}}
</style></head><body>
<header><h1>{name}</h1><div>{loyalty} · {tier} · {points} puan / points</div></header>
<main>
<section class="card"><h2>Kimlik kodu / Identity code</h2>
<p>Mağazada görevliye gösterin · Show it to the associate</p>
<div class="qr"><img id="idqr" alt="identity QR" width="280" height="280"
 src="/demo/wallet/{customer_id}/identity"></div>
<div class="bar" aria-hidden="true"><i id="left"></i></div>
<input id="idtext" readonly aria-label="identity code text">
</section>
{coupons}
<p><small>Demo only: a real customer's codes are made by the brand app on their phone.</small></p>
</main>
<script>
const step = {step_ms};
async function refresh() {{
  const t = Date.now();
  document.getElementById("idqr").src = "/demo/wallet/{customer_id}/identity?t=" + t;
  const r = await fetch("/demo/wallet/{customer_id}/identity?format=text&t=" + t);
  document.getElementById("idtext").value = await r.text();
  setTimeout(refresh, step - (Date.now() % step) + 50);
}}
function tick() {{
  document.getElementById("left").style.width = (100 - (Date.now() % step) / step * 100) + "%";
}}
refresh(); setInterval(tick, 250);
</script>
</body></html>
"""
