"""Turkish-aware text folding for search: "gomlek" finds "Gömlek", "ISIK" finds "ışık"."""

from __future__ import annotations

import re
import unicodedata

# Turkish dotted/dotless i must be mapped before lower-casing: Python's lower() turns "I" into
# "i" and "İ" into "i̇" (i + combining dot), neither of which a Turkish reader expects.
_TURKISH = str.maketrans(
    {
        "İ": "i",
        "I": "i",
        "ı": "i",
        "Ç": "c",
        "ç": "c",
        "Ğ": "g",
        "ğ": "g",
        "Ö": "o",
        "ö": "o",
        "Ş": "s",
        "ş": "s",
        "Ü": "u",
        "ü": "u",
    }
)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ASCII-ish form used on both sides of a search comparison."""
    # Decompose first (compatibility forms like "™" or "Ⅸ" become letters, accents split off),
    # then drop the accents (é, â, î in loanwords: "sapka" matches "Şâpka"), then map the
    # Turkish letters and lower-case what is left.
    # Format characters (zero-width space and joiners, soft hyphen, direction marks) are
    # invisible: pasted from a chat or a web page they must not split or hide a word.
    decomposed = unicodedata.normalize("NFKD", text.translate(_TURKISH))
    bare = "".join(
        ch
        for ch in decomposed
        if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
    )
    return _SPACES.sub(" ", bare.translate(_TURKISH).lower()).strip()


def search_terms(query: str) -> list[str]:
    """Split a user query into folded terms; every term must match (AND)."""
    return [t for t in fold(query).split(" ") if t]


def like_escape(term: str) -> str:
    """Escape LIKE wildcards so a user typing "%" or "_" searches for them literally."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
