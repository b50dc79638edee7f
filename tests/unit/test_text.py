"""Turkish-aware search folding: app/domain/text.py."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from app.domain.text import fold, like_escape, search_terms

TURKISH_SPECIFIC = set("İIıÇçĞğÖöŞşÜü")

PROPERTY = settings(max_examples=120, deadline=None, database=None)

# What shoppers and associates actually type: ASCII, Turkish letters, Latin-1 and Latin
# Extended-A (accented loanwords), combining accents, digits, punctuation and assorted spaces.
realistic_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x17F, exclude_categories=("Cs",)),
        st.sampled_from(sorted(TURKISH_SPECIFIC)),
        st.sampled_from(["\u0301", "\u0302", "\u0307", "\u0308", "\u0327"]),
        st.sampled_from([" ", "\t", "\n", "\r", "\u00a0", "\u2003", "\u3000"]),
    ),
    max_size=40,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("İSTANBUL", "istanbul"),
        ("ISPARTA", "isparta"),
        ("ışık", "isik"),
        ("IŞIK", "isik"),
        ("Işık", "isik"),
        ("iğne", "igne"),
        ("İĞNE", "igne"),
        ("Gömlek", "gomlek"),
        ("ÇORAP", "corap"),
        ("çorap", "corap"),
        ("Şapka", "sapka"),
        ("şapka", "sapka"),
        ("Şâpka", "sapka"),
        ("ÜTÜ", "utu"),
        ("ütü", "utu"),
        ("Öğretmen", "ogretmen"),
        ("Çağrı Ünlü", "cagri unlu"),
        ("Café Crème", "cafe creme"),
        ("naïve résumé", "naive resume"),
        ("Ñandú", "nandu"),
        ("kâğıt", "kagit"),
        ("hâlâ", "hala"),
    ],
)
def test_fold_turkish_and_accents(raw: str, expected: str) -> None:
    assert fold(raw) == expected


def test_dotted_capital_i_does_not_leave_combining_dot() -> None:
    # Plain str.lower() would give "i̇" (i + U+0307).
    assert "İ".lower() != "i"
    assert fold("İ") == "i"
    assert fold("İzmir") == "izmir"


def test_decomposed_input_folds_like_composed() -> None:
    # "Ş" typed as S + combining cedilla, "İ" as I + combining dot above.
    assert fold("S\u0327apka") == fold("Şapka") == "sapka"
    assert fold("I\u0307zmir") == fold("İzmir") == "izmir"
    assert fold("g\u0306o\u0308mlek") == "gomlek"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  gömlek  ", "gomlek"),
        ("mavi\t\tgömlek", "mavi gomlek"),
        ("mavi \n gömlek", "mavi gomlek"),
        ("mavi\u00a0gömlek", "mavi gomlek"),
        ("mavi\u2003\u3000gömlek", "mavi gomlek"),
        ("", ""),
        ("   ", ""),
        ("\t\n\r", ""),
    ],
)
def test_fold_collapses_and_trims_whitespace(raw: str, expected: str) -> None:
    assert fold(raw) == expected


def test_fold_keeps_digits_and_punctuation() -> None:
    assert fold("Beden 42 / XL-%50") == "beden 42 / xl-%50"


def test_fold_same_on_both_sides_of_a_search() -> None:
    stored = fold("Erkek Pamuklu GÖMLEK Işıltı")
    for query in ["gomlek", "GÖMLEK", "gömlek", "ISILTI", "ışıltı", "isilti"]:
        assert fold(query) in stored


any_text = st.one_of(realistic_text, st.text(max_size=40))


@given(any_text)
@example("Reyon™")
@example("№5 ℌ ㎒ ᴬ ℐ 𝚤")
@PROPERTY
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@given(any_text)
@example("İIıÇçĞğÖöŞşÜü")
@example("𝚤 ℐ ᴵ")
@PROPERTY
def test_fold_output_is_lower_case_without_turkish_letters(text: str) -> None:
    out = fold(text)
    assert out == out.lower()
    assert not (set(out) & TURKISH_SPECIFIC)
    assert out == out.strip()
    assert "  " not in out
    assert not any(ch.isspace() and ch != " " for ch in out)
    assert not any(unicodedata.combining(ch) for ch in out)


@given(realistic_text)
@PROPERTY
def test_fold_ignores_case_turkish_or_not(text: str) -> None:
    assume("ß" not in text)  # upper-cases to "SS", a genuinely different spelling
    turkish_upper = text.replace("i", "İ").replace("ı", "I").upper()
    turkish_lower = text.replace("I", "ı").replace("İ", "i").lower()
    folded = fold(text)
    assert fold(text.upper()) == folded
    assert fold(text.lower()) == folded
    assert fold(turkish_upper) == folded
    assert fold(turkish_lower) == folded


# Compatibility characters whose NFKD form holds capitals or a dotless i. (Regression: fold used
# to lower-case before NFKD, so "Reyon™" folded to "reyonTM", which a case-sensitive LIKE on
# PostgreSQL never matches for the query "tm".)
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("™", "tm"),
        ("Reyon™", "reyontm"),
        ("№5", "no5"),
        ("ℌ", "h"),
        ("㎒", "mhz"),
        ("ᴬ", "a"),
        ("ℐ", "i"),
        ("𝚤", "i"),
        ("Ⅻ", "xii"),
        ("ﬁle", "file"),
        ("Ｇömlek", "gomlek"),  # full-width G
    ],
)
def test_fold_compatibility_characters(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("Mavi GÖMLEK", ["mavi", "gomlek"]),
        ("  ışık   lamba ", ["isik", "lamba"]),
        ("\tİpek\nŞal", ["ipek", "sal"]),
        ("", []),
        ("   ", []),
        ("tek", ["tek"]),
    ],
)
def test_search_terms(query: str, terms: list[str]) -> None:
    assert search_terms(query) == terms


@given(realistic_text)
@PROPERTY
def test_search_terms_are_non_empty_folded_words(text: str) -> None:
    terms = search_terms(text)
    assert all(terms)
    assert all(" " not in t for t in terms)
    assert " ".join(terms) == fold(text)


@pytest.mark.parametrize(
    ("term", "escaped"),
    [
        ("gomlek", "gomlek"),
        ("%50", "\\%50"),
        ("a_b", "a\\_b"),
        ("c:\\dir", "c:\\\\dir"),
        ("\\%", "\\\\\\%"),
        ("%_\\", "\\%\\_\\\\"),
        ("", ""),
    ],
)
def test_like_escape(term: str, escaped: str) -> None:
    assert like_escape(term) == escaped


def _unescape_like(pattern: str) -> str:
    """Read an escaped LIKE pattern back, refusing any unescaped wildcard."""
    out = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)  # a lone trailing backslash would raise StopIteration
            assert nxt in "\\%_"
            out.append(nxt)
        else:
            assert ch not in "%_"
            out.append(ch)
    return "".join(out)


@given(st.text(alphabet=st.sampled_from("ab%_\\ ş"), max_size=30))
@PROPERTY
def test_like_escape_round_trips_and_leaves_no_bare_wildcard(term: str) -> None:
    assert _unescape_like(like_escape(term)) == term


def test_invisible_format_characters_neither_split_nor_hide_a_word() -> None:
    # A zero-width space pasted from a chat, a soft hyphen from a web page, a direction mark.
    for typed in ("ka\u200bzak", "ka\u00adzak", "\u200ekazak\u200f", "ka\u200dzak"):
        assert fold(typed) == "kazak", repr(typed)
    assert search_terms("ka\u200bzak  \u200bgömlek") == ["kazak", "gomlek"]
