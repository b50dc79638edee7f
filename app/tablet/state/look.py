"""Scene 15, send a look: for the customer being served, a few products with pictures (from
what they saved and tried on, or found by search), a personal line started from a template in
Turkish or English, and one channel the customer opted into and has an address for. The API
checks that consent again when it takes the look and when it sends it; a look composed as the
Wi-Fi drops waits in the outbox and is made once. WhatsApp is opened on the tablet with the
text filled in (the view opens the link the API answers with)."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.contracts.catalog import ProductDetail
from app.contracts.customers import CustomerView, ItemRef
from app.contracts.looks import LookCreate, LookOut
from app.domain import outreach
from app.domain.consent import Lang
from app.tablet.gateway import QueuedWork, checked
from app.tablet.i18n import LOCAL, t
from app.tablet.problem import ApiProblem
from app.tablet.state.customer import CustomerScene
from app.tablet.state.look_parts import (
    CHANNELS,
    ChannelChoice,
    LookSearch,
    Offer,
    channel_choices,
    item_of,
    look_status,
)
from app.tablet.state.session import Scene

MAX_ITEMS = outreach.MAX_ITEMS
MAX_LINE = outreach.MAX_LINE
TEMPLATES = tuple(outreach.TEMPLATES)
# A look the worker may send within this long is "sent"; later, the associate is told when.
SOON = timedelta(minutes=2)


@dataclass
class LookScene(Scene):
    customer: CustomerScene = field(repr=False, kw_only=True)
    offers: list[Offer] = field(default_factory=list)
    chosen: list[str] = field(default_factory=list)  # SKUs, in the order chosen
    template: str = ""
    line: str = ""
    lang: str = "tr"
    channel: str | None = None
    # Made at the first tap on Send; kept while a retry of the same look may follow, forgotten
    # when the look changes or is refused: the API makes one look per key.
    key: str | None = None
    busy: bool = False
    result: LookOut | None = None  # what the API made
    queued: bool = False  # waits in the outbox for the network
    history: list[LookOut] = field(default_factory=list)  # the customer's looks, newest first
    history_of: int | None = None
    _filled: str = field(default="", repr=False)  # the template text last put into the line
    _variants: dict[str, int] = field(default_factory=dict, repr=False)  # SKU -> variant id
    _launch: str | None = field(default=None, repr=False)  # a wa.me link for the view, once
    _sending: threading.Lock = field(default_factory=threading.Lock, repr=False)
    finder: LookSearch = field(init=False, repr=False)  # more products, by search

    def __post_init__(self) -> None:
        self.finder = LookSearch(self.gateway, self.session, picked=self.take, learned=self._learn)

    # -- what the view reads ---------------------------------------------------------------

    @property
    def view(self) -> CustomerView | None:
        return self.customer.view

    @property
    def channels(self) -> list[ChannelChoice]:
        return channel_choices(self.view) if self.view is not None else []

    @property
    def done(self) -> bool:
        return self.result is not None or self.queued

    def is_chosen(self, sku: str) -> bool:
        return sku in self.chosen

    def offer(self, sku: str) -> Offer | None:
        return next((o for o in self.offers if o.item.sku == sku), None)

    def name(self, item: ItemRef) -> str:
        return item.name_en if self.session.lang == "en" else item.name_tr

    @property
    def line_room(self) -> int:
        return max(0, MAX_LINE - len(self.line))

    @property
    def queued_looks(self) -> list[QueuedWork]:
        """Looks for the customer on screen that wait in this tablet's outbox."""
        cid = self.customer.customer_id
        return [
            w
            for w in self.gateway.waiting()
            if w.kind == "look" and w.customer_id == cid and w.status != "failed"
        ]

    def take_launch(self) -> str | None:
        """The WhatsApp link to open now (once), after the API made a WhatsApp look."""
        url, self._launch = self._launch, None
        return url

    # -- composing -------------------------------------------------------------------------

    def open(self) -> None:
        """A new look for the customer being served, starting from what they saved and tried."""
        view = self.view
        if view is None:
            self.customer.show()
            return
        self._compose_anew()
        offers: list[Offer] = []
        seen: set[str] = set()
        kept = [(w.item, "wishlist") for w in view.wishlist]
        kept += [(x.item, "try_on") for x in view.try_ons if x.outcome != "disliked"]
        for item, source in kept:
            if item.sku not in seen:
                seen.add(item.sku)
                offers.append(Offer(item, source))
        self.offers = offers
        self.gateway.prefetch_pictures(o.item.thumb_url for o in offers)
        self.session.show("look")
        self.session.say(None)
        self.session.changed()

    def _compose_anew(self) -> None:
        self.offers, self.chosen = [], []
        self.finder.clear()
        self.template, self.line, self._filled = "", "", ""
        self.lang = self.session.lang if self.session.lang in ("tr", "en") else "tr"
        self.channel, self.key, self.result, self.queued = None, None, None, False
        self._launch = None

    def new_look(self) -> None:
        """After one was sent: another for the same customer."""
        self.open()

    def back(self) -> None:
        """Back to the customer (what was composed stays until the next look is opened)."""
        self.finder.opened = None
        self.customer.show()
        self.load_history()

    def toggle(self, sku: str) -> None:
        """An offered item in or out of the look."""
        if self.done:
            return
        if sku in self.chosen:
            self.chosen.remove(sku)
        else:
            offer = self.offer(sku)
            if offer is None:
                return
            if len(self.chosen) >= MAX_ITEMS:
                self.session.say("look_too_many", {"n": MAX_ITEMS}, error=True)
                self.session.changed()
                return
            if self._variant_id(offer.item) is None:
                return
            self.chosen.append(sku)
        self.key = None
        self.session.say(None)
        self.session.changed()

    def take(self, item: ItemRef) -> None:
        """An item found by search: offered, and chosen."""
        if self.offer(item.sku) is None:
            self.offers.append(Offer(item, "search"))
            self.gateway.prefetch_pictures([item.thumb_url])
        if item.sku in self.chosen:
            self.session.changed()
        else:
            self.toggle(item.sku)

    def scan(self, payload: str) -> None:
        """A product's barcode or shelf label read while composing: that item, into the look."""
        text = payload.strip()
        if not text or self.done:
            return
        try:
            result = self.gateway.scan(text)
            found = result.product if result.valid else None
            if found is None:
                self.session.say("look_scan_not_product", error=True)
                self.session.changed()
                return
            product = self.gateway.product(found.product_id)
        except ApiProblem as exc:
            self.refused(exc)
            return
        self._learn(product)
        item = item_of(product, found.sku) if found.sku else None
        if item is not None:
            self.take(item)
        else:  # a shelf label names the product, not a size: offer its sizes and colours
            self.finder.opened = product
            self.session.changed()

    def _variant_id(self, item: ItemRef) -> int | None:
        """The look names variants by id; lists name them by SKU: the product says which is
        which (from the cache when offline)."""
        if item.sku not in self._variants:
            try:
                product = self.gateway.product(item.product_id)
            except ApiProblem as exc:
                self.refused(exc)
                return None
            self._learn(product)
        found = self._variants.get(item.sku)
        if found is None:  # no longer sold
            self.session.say("look_item_gone", error=True)
            self.session.changed()
        return found

    def _learn(self, product: ProductDetail) -> None:
        for v in product.variants:
            self._variants[v.sku] = v.variant_id

    # -- the words and the way ---------------------------------------------------------------

    def use_template(self, key: str) -> None:
        """A template, with the customer's first name, into the line (which stays editable)."""
        if key not in outreach.TEMPLATES or self.view is None or self.done:
            return
        self.template = key
        self._fill()
        self.session.changed()

    def _fill(self) -> None:
        assert self.view is not None
        lang: Lang = "en" if self.lang == "en" else "tr"
        text = outreach.template_text(self.template, lang, name=self.view.profile.first_name)
        self.line = self._filled = text[:MAX_LINE]
        self.key = None

    def set_line(self, text: str) -> None:
        """What the associate typed (at most MAX_LINE characters)."""
        text = text[:MAX_LINE]
        if text != self.line:
            self.line = text
            self.key = None

    def set_lang(self, lang: str) -> None:
        """The message's language; a template line not edited yet follows it."""
        if lang not in ("tr", "en") or self.done:
            return
        self.lang = lang
        if self.template and self.line == self._filled:
            self._fill()
        self.key = None
        self.session.changed()

    def choose_channel(self, channel: str) -> None:
        if self.done:
            return
        if any(c.channel == channel and c.allowed for c in self.channels):
            self.channel = channel
            self.key = None
        self.session.changed()

    # -- sending -------------------------------------------------------------------------------

    def send(self, line: str | None = None) -> None:
        """`line`: the field's text as the tap found it (a change event may still be on its
        way). A double tap sends once: the second finds the first running or done."""
        if not self._sending.acquire(blocking=False):
            return
        try:
            if self.busy or self.done:
                return
            if line is not None:
                self.set_line(line)
            problem = self._missing()
            if problem is not None:
                self.session.say(problem, error=True)
                self.session.changed()
                return
            self.busy = True
            try:
                self._send()
            finally:
                self.busy = False
        finally:
            self._sending.release()

    def _missing(self) -> str | None:
        if self.view is None:
            return "look_no_customer"
        if not self.chosen:
            return "look_need_items"
        if not self.line.strip():
            return "look_need_line"
        if self.channel is None:
            return "look_need_channel"
        return None

    def _send(self) -> None:
        view = self.view
        assert view is not None and self.channel is not None
        ids = [self._variants[sku] for sku in self.chosen]
        body = checked(
            lambda: LookCreate.model_validate(
                {
                    "customer_id": view.profile.id,
                    "variant_ids": ids,
                    "channel": self.channel,
                    "lang": self.lang,
                    "template": self.template,
                    "line": self.line,
                }
            )
        )
        self.key = self.key or str(uuid.uuid4())
        p = view.profile
        label = f"{p.first_name} {p.last_name} · {self.channel} · {len(ids)}"
        submitted = self.gateway.send_look(self.session.author, body, key=self.key, label=label)
        if submitted.status == "failed" and submitted.problem is not None:
            self.key = None
            self._refusal(submitted.problem)
            return
        channel = self.t_channel(self.channel)
        if submitted.status == "queued":
            self.queued = True
            self.session.say(
                "look_queued_whatsapp" if self.channel == "whatsapp" else "look_queued",
                {"channel": channel},
            )
        else:
            look: LookOut = submitted.answer
            self.result = look
            self.history = [look, *(x for x in self.history if x.id != look.id)]
            self.history_of = look.customer_id
            self._said_sent(look, channel)
        self.session.changed()

    def _said_sent(self, look: LookOut, channel: str) -> None:
        if look.whatsapp_url:
            self._launch = look.whatsapp_url
            self.session.say("look_whatsapp", {})
        elif look.not_before > datetime.now(UTC) + SOON:
            local = look.not_before.astimezone(LOCAL)
            self.session.say("look_waits", {"channel": channel, "time": local.strftime("%H:%M")})
        else:
            self.session.say("look_sent", {"channel": channel})

    def _refusal(self, exc: ApiProblem) -> None:
        if exc.kind == "consent-missing":
            missing = exc.extra.get("missing")
            channel = self.t_channel(str(exc.extra.get("channel") or self.channel or ""))
            key = "look_refused_address" if missing == "address" else "look_refused_consent"
            self.session.say(key, {"channel": channel}, error=True)
            self.channel = None
            self.customer.refresh()  # their consents as the API has them now: the chips follow
            self.session.changed()
            return
        self.refused(exc)

    def t_channel(self, channel: str) -> str:
        """A channel's name in the associate's language, for the words that name it."""
        return t(self.session.lang, "look_via_" + channel) if channel in CHANNELS else channel

    # -- the customer's looks ---------------------------------------------------------------

    def load_history(self, customer_id: int | None = None) -> None:
        """The looks of the customer on screen (or `customer_id`), newest first; nothing when
        they cannot be read now: the customer scene works without them."""
        cid = customer_id if customer_id is not None else self.customer.customer_id
        if cid is None:
            return
        try:
            looks = self.gateway.looks_of(cid)
        except ApiProblem:
            looks = self.history if self.history_of == cid else []
        self.history, self.history_of = looks, cid

    def looks_for(self, customer_id: int) -> list[LookOut]:
        return self.history if self.history_of == customer_id else []

    @staticmethod
    def look_status(look: LookOut) -> str:
        return look_status(look)
