"""The in-memory gateway's looks, under the rules the API applies (app/server/outreach): a
client the associate may see, products that exist, a channel the client opted into and has an
address for (else 409 consent-missing, saying whether the consent or the address is missing);
e-mail and SMS wait for the worker past the quiet hours, WhatsApp is handed to the tablet with
its wa.me link. Queued like an order when the switch says offline."""

from __future__ import annotations

from urllib.parse import quote

from app.contracts.looks import LookCreate, LookItemOut, LookOut
from app.domain import outreach
from app.domain.outreach import MessageStatus
from app.tablet.gateway import Author, Submitted, checked
from app.tablet.gateway.memory.base import MemoryBase, utcnow
from app.tablet.problem import ApiProblem

ZONE = "Europe/Istanbul"  # the demo stores' zone, as the API's settings give it


class MemoryLooks(MemoryBase):
    def __init__(self) -> None:
        super().__init__()
        self.looks: dict[int, LookOut] = {}

    def send_look(self, by: Author, body: LookCreate, *, key: str, label: str) -> Submitted:
        request = checked(lambda: LookCreate.model_validate(body.model_dump()))
        return self._submit(
            by, "look", key, label, request.customer_id, lambda: self._look(by, request)
        )

    def looks_of(self, customer_id: int) -> list[LookOut]:
        if self.online:
            self._visible(customer_id)
        elif customer_id not in self._cached:
            return []
        mine = [x for x in self.looks.values() if x.customer_id == customer_id]
        return sorted(mine, key=lambda x: (x.created_at, x.id), reverse=True)[:50]

    def _look(self, by: Author, body: LookCreate) -> LookOut:
        view = self._visible(body.customer_id)
        items = [self._look_item(v, body.lang) for v in body.variant_ids]
        p = view.profile
        given = {
            "email": p.consents.email.given,
            "sms": p.consents.sms.given,
            "whatsapp": p.consents.whatsapp.given,
        }
        address = p.email if body.channel == "email" else p.phone
        if not outreach.allowed(body.channel, consents=given, address=address):
            missing = "consent" if not given[body.channel] else "address"
            raise ApiProblem(
                409,
                "consent-missing",
                "No consent for this channel",
                extra={"channel": body.channel, "missing": missing},
            )
        look_id, now = next(self._ids), utcnow()
        url = f"{self.api_url}/l/RY1L-DEMO-{look_id}"
        handed = body.channel == "whatsapp"
        wa = None
        if handed:
            who = outreach.Signature(associate=by.associate_name, store=by.store_code)
            text = outreach.short_text(
                body.lang,
                line=body.line,
                who=who,
                look_url=url,
                optout_url=f"{self.api_url}/o/RY1O-DEMO-{look_id}",
            )
            digits = "".join(c for c in p.phone or "" if c.isdigit())
            wa = f"https://wa.me/{digits}?text={quote(text, safe='')}"
        a = self._who.associate if self._who else None
        look = LookOut(
            id=look_id,
            customer_id=body.customer_id,
            associate_id=a.id if a else 0,
            associate_name=by.associate_name,
            location_id=a.store.id if a else 0,
            channel=body.channel,
            lang=body.lang,
            line=body.line,
            items=items,
            url=url,
            whatsapp_url=wa,
            status=MessageStatus.HANDED if handed else MessageStatus.QUEUED,
            not_before=now if handed else outreach.not_before(now, ZONE),
            sent_at=now if handed else None,
            created_at=now,
        )
        self.looks[look_id] = look
        return look

    def _look_item(self, variant_id: int, lang: str) -> LookItemOut:
        for p in self.products.values():
            for v in p.variants:
                if v.variant_id == variant_id:
                    return LookItemOut(
                        variant_id=v.variant_id,
                        product_id=p.id,
                        sku=v.sku,
                        name=p.name_en if lang == "en" else p.name_tr,
                        colour=v.colour_en if lang == "en" and v.colour_en else v.colour,
                        size=v.size,
                        price_kurus=v.price_kurus,
                        image_url=v.thumb_url,
                    )
        raise ApiProblem(404, "not-found", "No such product", str(variant_id))

    def mark_look(self, look_id: int, status: str) -> None:
        """What the worker and the customer do to a look later (tests): sent, opened, clicked."""
        look, now = self.looks[look_id], utcnow()
        change: dict[str, object] = {}
        if status in ("sent", "opened", "clicked"):
            change["status"] = MessageStatus.SENT
            change["sent_at"] = look.sent_at or now
        if status in ("opened", "clicked"):
            change["opened_at"] = look.opened_at or now
        if status == "clicked":
            change["clicked_at"] = now
        self.looks[look_id] = look.model_copy(update=change)
