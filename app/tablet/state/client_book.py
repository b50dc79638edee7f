"""Scene 14, the client book: the associate's own clients (those they served, sold to, or were
given by a manager) as rows to search, filter, sort and page through; a tap opens the customer
through the customer scene's own way in, so the API's access rules apply as for any customer.

Offline the book is the last one read in this shift, filtered and sorted here by the same pure
rules the API applies, with the time it was read: the tablet's cache has no place for such
lists, and a book is the associate's own, so it is kept in memory and gone at log-out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.contracts.clienteling import ClientRow
from app.domain import clienteling as rules
from app.domain.clienteling import BookSort
from app.tablet.gateway import BookQuery
from app.tablet.problem import ApiProblem
from app.tablet.state.customer import CustomerScene
from app.tablet.state.session import Scene

PAGE = 25
TIERS = ("classic", "silver", "gold", "platinum")
FLAGS = ("birthday", "back_in_stock", "lapsed")  # the filter chips besides the tiers
LAPSED_DAYS = 90  # "not visited for 90 days"
SORTS = tuple(s.value for s in BookSort)


@dataclass
class ClientBookScene(Scene):
    customer: CustomerScene = field(repr=False, kw_only=True)
    q: str = ""
    tiers: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)
    sort: str = BookSort.LAST_VISIT.value
    rows: list[ClientRow] = field(default_factory=list)
    total: int = 0
    loaded: bool = False
    # Offline: the rows shown are the ones kept from this shift, read at `as_of`.
    offline: bool = False
    as_of: datetime | None = None
    _kept: dict[int, ClientRow] = field(default_factory=dict, repr=False)
    _kept_at: datetime | None = field(default=None, repr=False)

    @property
    def more(self) -> bool:
        return len(self.rows) < self.total

    def days_since_visit(self, row: ClientRow) -> int | None:
        if row.last_visit_at is None:
            return None
        return max(0, (datetime.now(UTC) - row.last_visit_at).days)

    # -- actions ------------------------------------------------------------------------------

    def show(self) -> None:
        self.session.show("client_book")
        self.session.say(None)
        self._load(reset=True)
        self.session.changed()

    def search(self, text: str) -> None:
        self.q = text.strip()[:100]
        self._load(reset=True)
        self.session.changed()

    def toggle_tier(self, tier: str) -> None:
        if tier in TIERS:
            self.tiers ^= {tier}
            self._load(reset=True)
        self.session.changed()

    def toggle_flag(self, flag: str) -> None:
        if flag in FLAGS:
            self.flags ^= {flag}
            self._load(reset=True)
        self.session.changed()

    def set_sort(self, sort: str) -> None:
        if sort in SORTS and sort != self.sort:
            self.sort = sort
            self._load(reset=True)
        self.session.changed()

    def load_more(self) -> None:
        if self.more and not self.offline:
            self._load(reset=False)
        self.session.changed()

    def open_client(self, customer_id: int) -> None:
        """Through the customer scene's own way in: the API decides again who may see them."""
        self.customer.open(customer_id)

    # -- reading ------------------------------------------------------------------------------

    def query(self, offset: int = 0) -> BookQuery:
        return BookQuery(
            q=self.q,
            tiers=tuple(sorted(self.tiers)),
            birth_month=self.session.today().month if "birthday" in self.flags else None,
            back_in_stock=True if "back_in_stock" in self.flags else None,
            not_visited_days=LAPSED_DAYS if "lapsed" in self.flags else None,
            sort=self.sort,
            offset=offset,
            limit=PAGE,
        )

    def _load(self, *, reset: bool) -> None:
        query = self.query(0 if reset else len(self.rows))
        try:
            book = self.gateway.client_book(query)
        except ApiProblem as exc:
            if exc.offline and self._kept:
                self._from_kept()
                return
            self.refused(exc)
            return
        now = datetime.now(UTC)
        for row in book.items:
            self._kept[row.id] = row
        self._kept_at = now
        self.rows = book.items if reset else [*self.rows, *book.items]
        self.total, self.loaded, self.offline, self.as_of = book.total, True, False, None

    def _from_kept(self) -> None:
        """The rows of this shift that the filters keep, in the order asked, all at once. The
        birthday flag comes with the row (the API knew the month; the row does not carry the
        date); the rest are the API's own rules from app/domain/clienteling.py."""
        flt = rules.BookFilter(
            q=self.q or None,
            tiers=frozenset(self.tiers),
            not_visited_days=LAPSED_DAYS if "lapsed" in self.flags else None,
            back_in_stock=True if "back_in_stock" in self.flags else None,
        )
        facts = [
            rules.ClientFacts(
                id=r.id,
                first_name=r.first_name,
                last_name=r.last_name,
                phone=r.phone,
                tier=r.tier,
                sizes=r.sizes,
                birth_date=None,
                last_visit=r.last_visit_at,
                spend_kurus=r.spend_12m_kurus,
                favourite_category=r.favourite_category,
                favourite_brand=r.favourite_brand,
                back_in_stock_here=r.back_in_stock_here,
                open_tasks=r.open_tasks,
                assigned=r.assigned,
            )
            for r in self._kept.values()
            if "birthday" not in self.flags or r.birthday_this_month
        ]
        kept = rules.select_clients(
            facts, flt, sort=BookSort(self.sort), direction=None, now=datetime.now(UTC)
        )
        self.rows = [self._kept[c.id] for c in kept]
        self.total, self.loaded, self.offline, self.as_of = (
            len(self.rows),
            True,
            True,
            self._kept_at,
        )
