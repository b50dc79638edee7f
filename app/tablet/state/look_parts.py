"""What the look scene (look.py) is made of: the items it offers, the channels it may use, and
the search that finds more products for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.contracts.catalog import ProductDetail, ProductQuery, ProductSummary
from app.contracts.customers import CustomerView, ItemRef
from app.contracts.looks import LookOut
from app.domain import outreach
from app.tablet.problem import ApiProblem
from app.tablet.state.session import Scene

CHANNELS = outreach.LOOK_CHANNELS
RESULTS = 12  # search results offered at a time: two rows of tiles
QUERY_MAX = 100  # characters, as the API takes them (ProductQuery.q)


@dataclass(frozen=True)
class Offer:
    """An item that may go into the look, and where it was found: the customer's wishlist,
    one of their try-ons, or a search."""

    item: ItemRef
    source: str  # wishlist | try_on | search


@dataclass(frozen=True)
class ChannelChoice:
    channel: str
    allowed: bool
    why_not: str | None  # i18n key: no consent, or nowhere to send it


def channel_choices(view: CustomerView) -> list[ChannelChoice]:
    """Every channel, allowed only where the customer opted in and has an address for it, as
    the API decides (app/domain/outreach.allowed)."""
    p = view.profile
    given: dict[str, bool] = {c: getattr(p.consents, c).given for c in CHANNELS}
    out = []
    for c in CHANNELS:
        address = p.email if c == "email" else p.phone
        if outreach.allowed(c, consents=given, address=address):
            out.append(ChannelChoice(c, True, None))
        elif not given[c]:
            out.append(ChannelChoice(c, False, "look_no_consent"))
        else:
            out.append(
                ChannelChoice(c, False, "look_no_email" if c == "email" else "look_no_phone")
            )
    return out


def look_status(look: LookOut) -> str:
    """What became of a look, as far as it got: clicked, opened, or its message's status."""
    if look.clicked_at is not None:
        return "clicked"
    if look.opened_at is not None:
        return "opened"
    return str(look.status)


def item_of(product: ProductDetail, sku: str) -> ItemRef | None:
    """One size and colour of a product, as the customer's lists name an item."""
    v = next((x for x in product.variants if x.sku == sku), None)
    if v is None:
        return None
    return ItemRef(
        sku=v.sku,
        product_id=product.id,
        name_tr=product.name_tr,
        name_en=product.name_en,
        brand=product.brand,
        size=v.size,
        colour=v.colour,
        colour_en=v.colour_en,
        price_kurus=v.price_kurus,
    )


@dataclass
class LookSearch(Scene):
    """More products for the look: search the catalogue (from the cache when offline), open a
    result to see its sizes and colours, and pick one; `picked` takes it into the look."""

    picked: Callable[[ItemRef], None] = field(default=lambda _: None, repr=False, kw_only=True)
    learned: Callable[[ProductDetail], None] = field(
        default=lambda _: None, repr=False, kw_only=True
    )
    query: str = ""
    results: list[ProductSummary] = field(default_factory=list)
    opened: ProductDetail | None = None  # a result whose sizes and colours are offered

    def clear(self) -> None:
        self.query, self.results, self.opened = "", [], None

    def search(self, text: str | None = None) -> None:
        if text is not None:
            self.query = text
        words = self.query.strip()[:QUERY_MAX]
        self.opened = None
        if not words:
            self.results = []
            self.session.changed()
            return
        try:
            page = self.gateway.search_products(ProductQuery(q=words, limit=RESULTS))
        except ApiProblem as exc:
            self.refused(exc)
            return
        self.results = page.items
        self.gateway.prefetch_pictures(p.thumb_url for p in self.results)
        self.session.say(None if self.results else "look_no_results")
        self.session.changed()

    def open_result(self, product_id: int) -> None:
        try:
            product = self.gateway.product(product_id)
        except ApiProblem as exc:
            self.refused(exc)
            return
        self.learned(product)
        self.opened = product
        self.gateway.prefetch_pictures({v.thumb_url for v in product.variants})
        self.session.changed()

    def close_result(self) -> None:
        self.opened = None
        self.session.changed()

    def add_variant(self, sku: str) -> None:
        """One size and colour of the opened product, into the look."""
        item = item_of(self.opened, sku) if self.opened is not None else None
        if item is None:
            return
        self.opened = None
        self.picked(item)
