"""EAN-13 check digits: app/domain/ean.py."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import ean

PROPERTY = settings(max_examples=120, deadline=None, database=None)

body12 = st.text(alphabet="0123456789", min_size=12, max_size=12)


@pytest.mark.parametrize(
    "code",
    [
        "4006381333931",  # the classic textbook example
        "5901234123457",
        "9780306406157",  # ISBN-13 of the same standard
        "9783161484100",
        "8690000000005",  # Turkish prefix 869
        "8681000000010",
        "0000000000000",
        "8681000000003",  # the seed's "8681" + 8-digit id
    ],
)
def test_known_valid_codes(code: str) -> None:
    assert ean.is_valid(code)


def test_check_digits_computed_by_hand() -> None:
    # 869000000000: 8*1 + 6*3 + 9*1 = 35, so the check digit is (10 - 35 % 10) % 10 = 5.
    assert ean.check_digit("869000000000") == 5
    assert ean.make("869000000000") == "8690000000005"
    # The seed numbers variants "8681" + 8-digit id.
    assert ean.make(f"8681{1:08d}") == "8681000000010"
    # A body whose weighted sum is a multiple of ten gets 0, not 10.
    assert ean.check_digit("000000000000") == 0
    assert ean.check_digit("400638133393") == 1


@pytest.mark.parametrize(
    "code",
    [
        "4006381333932",  # check digit off by one
        "4006381333930",
        "4006381333913",  # two digits swapped
        "8690000000000",  # check digit should be 5
        "5901234123450",
    ],
)
def test_wrong_check_digit_is_invalid(code: str) -> None:
    assert not ean.is_valid(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "400638133393",  # 12 digits
        "40063813339311",  # 14 digits
        "40063813",  # EAN-8 length
        "000000000000",
        "00000000000000",
    ],
)
def test_wrong_length_is_invalid(code: str) -> None:
    assert not ean.is_valid(code)


@pytest.mark.parametrize(
    "code",
    [
        "400638133393A",
        "4006381 33931",
        " 400638133393",  # leading space, 13 characters
        "400638133393 ",  # trailing space, 13 characters
        "4006-38133393",
        "+006381333931",
        "-006381333931",
        "4006381333.31",
        "４００６３８１３３３９３１",  # full-width digits
        "٤٠٠٦٣٨١٣٣٣٩٣١",  # Arabic-Indic digits, same values
        "١٢٣",
        "۴۰۰۶۳۸۱۳۳۳۹۳۱",  # Extended Arabic-Indic (Persian) digits
        "400638133393\u0661",  # last digit Arabic-Indic 1
        "²⁰⁰⁶³⁸¹³³³⁹³¹",  # superscripts: isdigit() but not decimal
        "400638133393\n",  # trailing newline, 13 characters
    ],
)
def test_non_ascii_digits_and_non_digits_are_invalid(code: str) -> None:
    assert not ean.is_valid(code)


@pytest.mark.parametrize(
    "body", ["", "12345678901", "1234567890123", "40063813339A", "4006 8133393"]
)
def test_check_digit_rejects_bad_bodies(body: str) -> None:
    with pytest.raises(ValueError):
        ean.check_digit(body)


@given(body12)
@PROPERTY
def test_make_is_always_valid(body: str) -> None:
    code = ean.make(body)
    assert len(code) == 13
    assert code.startswith(body)
    assert ean.is_valid(code)


@given(body12, st.integers(0, 12), st.integers(1, 9))
@PROPERTY
def test_any_single_digit_error_is_detected(body: str, position: int, delta: int) -> None:
    code = ean.make(body)
    wrong = str((int(code[position]) + delta) % 10)
    mutated = code[:position] + wrong + code[position + 1 :]
    assert not ean.is_valid(mutated)


@given(st.text(max_size=20))
@PROPERTY
def test_is_valid_never_raises(text: str) -> None:
    result = ean.is_valid(text)
    assert isinstance(result, bool)
    if result:
        assert text.isascii() and text.isdigit() and len(text) == 13


# Regression: check_digit()/make() used to accept any str.isdigit() body, so make() on
# Arabic-Indic digits returned a code that is_valid() itself rejects.
@pytest.mark.parametrize("body", ["٤٠٠٦٣٨١٣٣٣٩٣", "４００６３８１３３３９３", "40063813339٣"])
def test_check_digit_rejects_non_ascii_digits(body: str) -> None:
    with pytest.raises(ValueError):
        ean.check_digit(body)
    with pytest.raises(ValueError):
        ean.make(body)
