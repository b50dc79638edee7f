"""Reading the cached catalogue: a product, a scanned code, the offline product search."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlmodel import col

from app.contracts.catalog import ProductDetail, ProductPage, ProductQuery, ProductSummary
from app.domain.text import search_terms
from app.tablet.cache.engine import CacheBase
from app.tablet.cache.models import CachedProduct, CachedVariant

_CACHE_CURSOR = "cache:"
# A search matching more products ranks only the newest this many (see CacheCatalogue.search).
RANKED = 2_000
# The RANKED-th newest match (None: fewer match, all are ranked); the ranked ones, best
# first; the older ones after them, newest first.
_RANKED_FROM = text(
    "SELECT rowid FROM product_fts WHERE product_fts MATCH :m ORDER BY rowid DESC LIMIT 1 OFFSET :n"
)
_BEST = text(
    "SELECT rowid FROM product_fts WHERE product_fts MATCH :m AND rowid >= :b "
    "ORDER BY bm25(product_fts), rowid LIMIT :l"
)
_OLDER = text(
    "SELECT rowid FROM product_fts WHERE product_fts MATCH :m AND rowid < :b "
    "ORDER BY rowid DESC LIMIT :l"
)


def _cache_offset(cursor: str | None) -> int | None:
    """Where a page the cache made goes on from; None for a cursor the API made."""
    if not cursor:
        return 0
    head, _, tail = cursor.partition(_CACHE_CURSOR)
    return int(tail) if not head and tail.isdigit() else None


def _filters(query: ProductQuery) -> tuple[list[str], dict[str, object]]:
    """SQL conditions on the cached product `p` (its detail JSON) for the query's filters."""
    where: list[str] = ["1 = 1"]
    values: dict[str, object] = {}
    if query.category:
        where.append("json_extract(p.detail, '$.category') = :category")
        values["category"] = query.category
    if query.size or query.in_stock_at is not None:
        # One variant both in the size and in stock there, as the API means it.
        variant = ["SELECT 1 FROM json_each(p.detail, '$.variants') AS v"]
        conditions = []
        if query.size:
            conditions.append("json_extract(v.value, '$.size') = :size")
            values["size"] = query.size
        if query.in_stock_at is not None:
            variant.append(
                "JOIN stock s ON s.variant_id = json_extract(v.value, '$.variant_id') "
                "AND s.location_id = :at AND s.on_hand - s.reserved > 0"
            )
            values["at"] = query.in_stock_at
        if conditions:
            variant.append("WHERE " + " AND ".join(conditions))
        where.append(f"EXISTS ({' '.join(variant)})")
    return where, values


class CacheCatalogue(CacheBase):
    def product(self, product_id: int) -> ProductDetail | None:
        with self.read() as conn:
            detail = conn.execute(
                select(col(CachedProduct.detail)).where(col(CachedProduct.id) == product_id)
            ).scalar()
        return ProductDetail.model_validate_json(detail) if detail else None

    def find_code(self, code: str) -> tuple[int, str] | None:
        """A scanned EAN-13 or SKU, as the product and the variant's SKU."""
        code = code.strip()
        with self.read() as conn:
            row = conn.execute(
                select(col(CachedVariant.product_id), col(CachedVariant.sku)).where(
                    (col(CachedVariant.ean13) == code) | (col(CachedVariant.sku) == code.upper())
                )
            ).first()
        return (int(row[0]), str(row[1])) if row else None

    @staticmethod
    def _match(query: str) -> str | None:
        """What people type as an FTS5 query: every folded term quoted (FTS5 syntax in it is
        text, not operators), as a prefix, all of them required; None when nothing is left."""
        # Control characters (a NUL, a scanner's GS separator) end an FTS5 string early.
        printable = "".join(ch if ch.isprintable() else " " for ch in query)
        terms = [t for t in search_terms(printable) if t]
        if not terms:
            return None
        return " ".join('"' + t.replace('"', '""') + '"*' for t in terms)

    def search(self, query: str, limit: int = 20) -> list[ProductSummary]:
        """Every folded term must match the start of a word ("gom" finds "Gömlek"), best
        matches first: the same Turkish folding as the API's search. When more than RANKED
        products match, the newest RANKED (the highest ids) are ranked and the older ones
        follow, newest first: one order, whatever the limit, so pages neither repeat nor skip."""
        match = self._match(query)
        if match is None:
            return []
        with self.read() as conn:
            # bm25 reads each match's length: a word in half the catalogue (the house brand)
            # cost 40-80 ms to rank in full, its newest RANKED 5-10 ms. Finding where they
            # start walks the index in rowid order and scores nothing.
            bound = conn.execute(_RANKED_FROM, {"m": match, "n": RANKED - 1}).scalar()
            ids = list(conn.execute(_BEST, {"m": match, "b": bound or 0, "l": limit}).scalars())
            if bound is not None and len(ids) < limit:
                ids += conn.execute(
                    _OLDER, {"m": match, "b": bound, "l": limit - len(ids)}
                ).scalars()
            # Only the few shown are joined to their rows: sorting every match with its
            # JSON cost 3x (make bench). The summary is read straight from the detail's JSON
            # (its other keys ignored): building each detail's variants was most of the rest.
            details: dict[int, str] = {
                pid: detail
                for pid, detail in conn.execute(
                    select(col(CachedProduct.id), col(CachedProduct.detail)).where(
                        col(CachedProduct.id).in_(ids)
                    )
                )
            }
        return [ProductSummary.model_validate_json(details[i]) for i in ids if i in details]

    def search_products(self, query: ProductQuery) -> ProductPage:
        """The API's search offline: the same filters (category; a variant in `size`, and
        available at `in_stock_at` from the stock this tablet follows), one page and the count
        of every match. Its own cursors (an offset): it cannot go on from the API's."""
        match = self._match(query.q or "")
        filtered = bool(query.category or query.size or query.in_stock_at is not None)
        offset = _cache_offset(query.cursor)
        if (match is None and not filtered) or offset is None:
            return ProductPage(items=[], next_cursor=None, total=0 if offset is not None else None)
        if not filtered:
            assert match is not None
            found = self.search(query.q or "", offset + query.limit + 1)
            with self.read() as conn:
                total = conn.execute(
                    text("SELECT count(*) FROM product_fts WHERE product_fts MATCH :m"),
                    {"m": match},
                ).scalar_one()
            items = found[offset : offset + query.limit]
            more = len(found) > offset + query.limit
        else:
            where, values = _filters(query)
            condition = " AND ".join(where)
            if match is not None:
                # As search() orders them, among the matches the filters keep.
                source = (
                    "(SELECT rowid AS id, CASE WHEN rowid >= :b THEN bm25(product_fts) END "
                    "AS rank FROM product_fts WHERE product_fts MATCH :m) AS best "
                    "JOIN product p ON p.id = best.id"
                )
                order = (
                    "best.rank IS NULL, best.rank, "
                    "CASE WHEN best.rank IS NULL THEN -p.id ELSE p.id END"
                )
                values["m"] = match
            else:
                source, order = "product p", "p.id"
            with self.read() as conn:
                if match is not None:
                    bound = conn.execute(
                        text(
                            "SELECT p.id FROM (SELECT rowid AS id FROM product_fts WHERE "
                            "product_fts MATCH :m) AS best JOIN product p ON p.id = best.id "
                            f"WHERE {condition} ORDER BY p.id DESC LIMIT 1 OFFSET :n"
                        ),
                        {**values, "n": RANKED - 1},
                    ).scalar()
                    values["b"] = bound or 0
                total = conn.execute(
                    text(f"SELECT count(*) FROM {source} WHERE {condition}"), values
                ).scalar_one()
                rows = conn.execute(
                    text(
                        f"SELECT p.detail FROM {source} WHERE {condition} ORDER BY {order} "
                        "LIMIT :l OFFSET :o"
                    ),
                    {**values, "l": query.limit + 1, "o": offset},
                ).scalars()
                found = [ProductSummary.model_validate_json(d) for d in rows]
            more = len(found) > query.limit
            items = found[: query.limit]
        return ProductPage(
            items=items,
            next_cursor=f"{_CACHE_CURSOR}{offset + query.limit}" if more else None,
            total=int(total),
        )
