"""Scenes 4 and 5: find a product (search, or a scanned barcode or shelf label), see its
variants and where each is in stock (this store, nearby stores by distance, the online
warehouse), record what the current customer saved or tried on in two taps, and put it in
the endless-aisle basket."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from app.contracts.catalog import ProductDetail, ProductQuery, ProductSummary, VariantOut
from app.contracts.customers import ItemRef
from app.contracts.inventory import Availability, ProductStock, VariantStock
from app.contracts.media import product_image_url
from app.contracts.recommendations import Recommendation
from app.tablet.gateway import Submitted
from app.tablet.problem import ApiProblem
from app.tablet.state.basket import BasketScene
from app.tablet.state.customer import CustomerScene
from app.tablet.state.session import Scene
from app.tablet.state.transfers import Draft, TransfersScene

_RECORDED = ("saved_for_customer", "try_on_recorded", "saved_queued", "try_on_queued")
PAGE = 24  # results per page: whole rows of cards in both orientations (6 or 4 a row)
QUERY_MAX = 100  # characters, as the API takes them (ProductQuery.q)
# The catalogue's categories, as the filter offers them (each has its words in
# i18n/words_product.py). A fixed list rather than one gathered from the results: the chips
# stay where they are while the associate filters, and a search needs no extra request.
CATEGORIES = (
    "shirts",
    "tshirts",
    "trousers",
    "dresses",
    "knitwear",
    "jackets",
    "shoes",
    "accessories",
)
# The sizes the catalogue is made in: letters, waists, shoes, and one size (STD).
SIZES = (
    *("XS", "S", "M", "L", "XL", "XXL"),
    *("28", "30", "32", "34", "36", "38"),
    *(str(n) for n in range(36, 46) if n not in (36, 38)),
    "STD",
)
LOW_STOCK = 3  # fewer than this here: the cell is amber


@dataclass
class ProductScene(Scene):
    customer: CustomerScene = field(repr=False, kw_only=True)
    basket: BasketScene = field(repr=False, kw_only=True)
    transfers: TransfersScene = field(repr=False, kw_only=True)
    query: str = ""
    # The search's filters: a category, a size, only what this store has now.
    category: str | None = None
    size: str | None = None
    in_stock_here: bool = False
    results: list[ProductSummary] = field(default_factory=list)
    total: int | None = None  # how many match in all; None before a search
    next_cursor: str | None = None  # where "more" goes on from; None: no more
    product: ProductDetail | None = None
    stock: ProductStock | None = None  # the size x colour grid's numbers
    sku: str | None = None  # the selected variant
    availability: Availability | None = None
    error: str | None = None  # i18n key
    done: str | None = None  # i18n key of the last successful action (also a snack bar)
    # What completes the look, and, when the chosen size is not on this store's shelf,
    # similar products that are (in `similar_size`). Empty offline: the API learns them.
    look: list[Recommendation] = field(default_factory=list)
    similar: list[Recommendation] = field(default_factory=list)
    similar_size: str | None = None
    _recommended: tuple[int, str | None] | None = field(default=None, repr=False)

    @property
    def variant(self) -> VariantOut | None:
        if self.product is None or self.sku is None:
            return None
        return next((v for v in self.product.variants if v.sku == self.sku), None)

    @property
    def filtered(self) -> bool:
        return self.category is not None or self.size is not None or self.in_stock_here

    @property
    def sizes(self) -> tuple[str, ...]:
        """The size filter's choices: the catalogue's, and the one chosen if it is not."""
        return SIZES if self.size is None or self.size in SIZES else (*SIZES, self.size)

    def cell(self, sku: str) -> VariantStock | None:
        """One variant's stock on the grid; None while it is not known (offline, no cache)."""
        if self.stock is None:
            return None
        return next((c for c in self.stock.variants if c.sku == sku), None)

    @staticmethod
    def level(cell: VariantStock | None) -> str:
        """How the grid shows a cell: none / low / good here, or unknown."""
        if cell is None:
            return "unknown"
        if cell.here <= 0:
            return "none"
        return "good" if cell.here >= LOW_STOCK else "low"

    @staticmethod
    def elsewhere(cell: VariantStock | None) -> bool:
        """None here but another store or the online warehouse has it: it can be ordered."""
        return cell is not None and cell.here <= 0 and (cell.other_stores + cell.online) > 0

    def colour_name(self, colour: str) -> str:
        """A colour as the catalogue spells it ("Lacivert"), in English where it has one."""
        if self.session.lang == "en" and self.product is not None:
            for v in self.product.variants:
                if v.colour == colour and v.colour_en:
                    return v.colour_en
        return colour

    def picture_url(self, colour: str | None = None, size: str = "full") -> str | None:
        """The open product's picture: in `colour`, else in the selected variant's colour."""
        if self.product is None:
            return None
        shown = colour or (self.variant.colour if self.variant else None)
        return product_image_url(self.product.id, shown, "thumb" if size == "thumb" else "full")

    def ask_from(self, location_id: int) -> None:
        """Ask the location for the selected variant (scene 13), for the customer on the
        tablet if there is one."""
        p, v, here = self.product, self.variant, self.availability
        loc = (
            None
            if here is None
            else next((x for x in here.locations if x.location_id == location_id), None)
        )
        if p is None or v is None or loc is None or loc.available <= 0:
            return
        name = p.name_tr if self.session.lang == "tr" else p.name_en
        view = self.customer.view
        self.transfers.ask(
            Draft(
                from_location_id=loc.location_id,
                from_label=f"{loc.code} · {loc.name}",
                sku=v.sku,
                item=f"{name} · {v.size} · {self.colour_name(v.colour)}",
                picture=self.picture_url(v.colour, "thumb"),
                available=loc.available,
                customer_id=None if view is None else view.profile.id,
                customer_name=None
                if view is None
                else f"{view.profile.first_name} {view.profile.last_name}",
                for_customer=view is not None,
            )
        )

    def show(self) -> None:
        self.product = None
        self.session.show("product")
        self.session.changed()

    def close(self) -> None:
        """Back from a product to the results it was opened from."""
        self.product = None
        self.session.say(None)
        self.session.changed()

    def _query(self, cursor: str | None = None) -> ProductQuery | None:
        """The search as the API takes it; None when there is nothing to look for (fewer
        than two letters and no filter)."""
        text = self.query.strip()[:QUERY_MAX].strip()
        q = text if len(text) >= 2 else None
        store = self.session.store_id
        in_stock_at = store if self.in_stock_here and store else None
        if q is None and not (self.category or self.size or in_stock_at):
            return None
        return ProductQuery(
            q=q,
            category=self.category,
            size=self.size,
            in_stock_at=in_stock_at,
            limit=PAGE,
            cursor=cursor,
        )

    def _search(self) -> None:
        self.product = None
        self.results, self.total, self.next_cursor, self.error = [], None, None, None
        query = self._query()
        if query is not None:
            try:
                page = self.gateway.search_products(query)
            except ApiProblem as exc:
                if not exc.offline:
                    self.refused(exc)
                    return
                self.error = "offline"
            else:
                self.results, self.next_cursor = page.items, page.next_cursor
                self.total = page.total if page.total is not None else len(page.items)
                self.error = None if self.results else "no_products"
                self.gateway.prefetch_pictures(p.thumb_url for p in self.results)
        self.session.show("product")
        self.session.changed()

    def search(self) -> None:
        self._search()

    def set_category(self, category: str | None) -> None:
        """A category chip: tapped again, it is let go."""
        self.category = None if category == self.category else category
        self._search()

    def set_size(self, size: str | None) -> None:
        self.size = size or None
        self._search()

    def set_in_stock_here(self, on: bool) -> None:
        self.in_stock_here = on
        self._search()

    def clear_filters(self) -> None:
        self.category, self.size, self.in_stock_here = None, None, False
        self._search()

    def more(self) -> None:
        """The next page of the same search, after what is shown."""
        query = self._query(self.next_cursor) if self.next_cursor else None
        if query is None:
            return
        try:
            page = self.gateway.search_products(query)
        except ApiProblem as exc:
            self.refused(exc)
            return
        shown = {p.id for p in self.results}
        self.results = [*self.results, *(p for p in page.items if p.id not in shown)]
        self.next_cursor = page.next_cursor
        if page.total is not None:
            self.total = page.total
        self.gateway.prefetch_pictures(p.thumb_url for p in page.items)
        self.session.changed()

    def open(self, product_id: int, sku: str | None = None) -> None:
        # Another product's recommendations are never shown beside this one, even when
        # reading this one fails half-way.
        self.look, self.similar, self.similar_size = [], [], None
        try:
            self.product = self.gateway.product(product_id)
            self.done = None
            self.stock = self._grid(product_id)
            first = sku or self._first_here()
            self._recommended = None  # another product: its own recommendations
            if first is not None:
                self._select(first)
            else:
                self._recommend()
        except ApiProblem as exc:
            self.refused(exc)
            return
        # The large picture and one small one per colour row of the grid.
        colours = dict.fromkeys(v.colour for v in self.product.variants)
        self.gateway.prefetch_pictures(
            [self.picture_url(), *(self.picture_url(c, "thumb") for c in colours)]
        )
        self.session.show("product")
        self.session.say(None)
        self.session.changed()

    def _grid(self, product_id: int) -> ProductStock | None:
        """The grid's numbers; without them (an older API, offline with nothing cached) the
        product still shows, its cells without counts."""
        try:
            return self.gateway.product_stock(product_id, near=self.session.store_id or None)
        except ApiProblem as exc:
            if exc.status == 401:
                raise
            return None

    def _first_here(self) -> str | None:
        """The variant a product opens on: the first this store has, else the first."""
        if self.product is None or not self.product.variants:
            return None
        for v in self.product.variants:
            cell = self.cell(v.sku)
            if cell is not None and cell.here > 0:
                return v.sku
        return self.product.variants[0].sku

    def select(self, sku: str) -> None:
        self._act(lambda: self._select(sku))

    def _select(self, sku: str) -> None:
        self.sku = sku
        self.done = None
        self.availability = self.gateway.availability(sku, near=self.session.store_id)
        self._recommend()

    def _recommend(self) -> None:
        """Read the recommendations when the product or the missing size changed. Quietly:
        offline, or an API that does not know them, the scene simply goes without."""
        if self.product is None:
            return
        v = self.variant
        missing = v.size if v is not None and self.level(self.cell(v.sku)) == "none" else None
        if self._recommended == (self.product.id, missing):
            return
        try:
            got = self.gateway.product_recommendations(self.product.id, missing)
        except ApiProblem as exc:
            if exc.status == 401:
                raise
            self.look, self.similar, self.similar_size = [], [], None
            self._recommended = None  # ask again at the next tap: the network may be back
            return
        self._recommended = (self.product.id, missing)
        self.look, self.similar, self.similar_size = (
            got.complete_the_look,
            got.similar_here,
            missing,
        )
        self.gateway.prefetch_pictures(r.product.thumb_url for r in (*self.look, *self.similar))

    def _item(self) -> ItemRef | None:
        """The chosen variant as a customer's lists show it (for the optimistic entry)."""
        p, v = self.product, self.variant
        if p is None or v is None:
            return None
        return ItemRef(
            sku=v.sku,
            product_id=p.id,
            name_tr=p.name_tr,
            name_en=p.name_en,
            brand=p.brand,
            size=v.size,
            colour=v.colour,
            colour_en=v.colour_en,
            price_kurus=v.price_kurus,
        )

    def _done(self, submitted: Submitted, sent: str, queued: str) -> None:
        if submitted.status == "failed" and submitted.problem is not None:
            raise submitted.problem
        self.done = sent if submitted.status == "sent" else queued
        self.session.confirm(self.done)

    def save_for_customer(self) -> None:
        customer_id = self.customer.customer_id
        if customer_id is None or self.sku is None:
            return
        sku, item = self.sku, self._item()
        # The key is made when the associate taps: a retry after a dropped connection
        # cannot save twice.
        self._act(
            lambda: self._done(
                self.gateway.add_wishlist(
                    self.session.author, customer_id, sku, key=str(uuid.uuid4()), item=item
                ),
                "saved_for_customer",
                "saved_queued",
            )
        )

    def record_try_on(self, outcome: str) -> None:
        customer_id = self.customer.customer_id
        if customer_id is None or self.sku is None:
            return
        sku, item = self.sku, self._item()
        self._act(
            lambda: self._done(
                self.gateway.add_try_on(
                    self.session.author,
                    customer_id,
                    sku,
                    outcome,
                    key=str(uuid.uuid4()),
                    item=item,
                ),
                "try_on_recorded",
                "try_on_queued",
            )
        )

    def add_to_basket(self) -> None:
        v, p = self.variant, self.product
        if v is None or p is None:
            return
        name = p.name_tr if self.session.lang == "tr" else p.name_en
        self.basket.add(
            v.sku,
            f"{name} · {v.size} · {self.colour_name(v.colour)}",
            v.price_kurus,
            product_id=p.id,
            colour=v.colour,  # as the catalogue spells it: the picture's address
            size=v.size,
            # Units anywhere (the endless aisle sources from any location): more than that
            # cannot be ordered, so the stepper stops there.
            available=(
                self.availability.total_available
                if self.availability is not None and self.availability.sku == v.sku
                else None
            ),
        )
        self.done = "added_to_basket"
        self.session.confirm(self.done)
        self.session.changed()

    def _act(self, action: Callable[[], None]) -> None:
        try:
            action()
        except ApiProblem as exc:
            self.refused(exc)
            return
        if self.done in _RECORDED:
            self.customer.refresh()  # what was saved or tried shows on the customer at once
        self.session.changed()
