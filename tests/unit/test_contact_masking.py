"""Phone / e-mail normalising and masking: app/domain/contact.py, app/domain/masking.py."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.contact import normalize_email, normalize_phone
from app.domain.masking import mask_address, mask_email, mask_name, mask_phone

PROPERTY = settings(max_examples=120, deadline=None, database=None)

E164 = re.compile(r"^\+[0-9]{8,15}$")


@pytest.mark.parametrize(
    "raw",
    [
        "0532 123 45 67",
        "05321234567",
        "0 (532) 123-45-67",
        "5321234567",
        "532 123 4567",
        "+90 532 123 45 67",
        "+905321234567",
        "  +90 (532) 123 45 67  ",
        "905321234567",
        "90 532 123 45 67",
        "00905321234567",
        "0090 532 123 45 67",
        "0532.123.45.67",
    ],
)
def test_turkish_mobile_formats(raw: str) -> None:
    assert normalize_phone(raw) == "+905321234567"


def test_turkish_landline() -> None:
    assert normalize_phone("0212 555 12 34") == "+902125551234"
    assert normalize_phone("+90 212 555 12 34") == "+902125551234"


def test_other_international_numbers_keep_their_digits() -> None:
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert normalize_phone("+49 30 1234567") == "+49301234567"
    assert normalize_phone("+1 (212) 555-0100") == "+12125550100"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "telefon yok",
        "12345",
        "+",
        "+1234567",  # 7 digits: too short even for international
        "+1234567890123456",  # 16 digits: too long
        "4321234567",  # 10 digits not starting with 5
        "15321234567",  # 11 digits not starting with 0
        "915321234567",  # 12 digits not starting with 90
        "01905321234567",  # 14 digits not starting with 0090
        "053212345",  # too short
        "053212345678",  # too long
        "532-ABC-45-67",
    ],
)
def test_garbage_is_none(raw: str) -> None:
    assert normalize_phone(raw) is None


@given(st.text(max_size=25))
@PROPERTY
def test_normalize_phone_never_raises_and_is_idempotent(raw: str) -> None:
    phone = normalize_phone(raw)
    if phone is not None:
        assert phone.startswith("+")
        assert normalize_phone(phone) == phone


@given(st.text(alphabet="0123456789 +-()", max_size=25))
@PROPERTY
def test_normalized_ascii_phone_is_e164_shaped(raw: str) -> None:
    phone = normalize_phone(raw)
    assert phone is None or E164.match(phone)


@pytest.mark.parametrize(
    "raw",
    [
        "٠٥٣٢١٢٣٤٥٦٧",  # Arabic-Indic
        "۰۵۳۲۱۲۳۴۵۶۷",  # Persian
        "０５３２ １２３ ４５ ６７",  # full-width
    ],
)
def test_all_non_ascii_digits_are_refused(raw: str) -> None:
    assert normalize_phone(raw) is None


# The digit filter is str.isdigit(), which also admits Arabic-Indic, Persian, full-width digits
# and superscripts; only the prefix checks ("+", "0", "5", "90", "0090") are ASCII. So a number
# with an ASCII prefix and non-ASCII digits after it comes out as "+90532123456٧": neither a
# valid number nor equal to the ASCII spelling it stands for.
@pytest.mark.parametrize(
    "raw",
    [
        "0532 123 45 6\u0667",  # last digit Arabic-Indic -> "+90532123456٧"
        "+٩٠ ٥٣٢ ١٢٣ ٤٥ ٦٧",  # "+" then Arabic-Indic
        "+９０５３２１２３４５６７",  # "+" then full-width
        "5٣٢١٢٣٤٥٦٧",  # ASCII 5 then Arabic-Indic
        "+90 532 ¹²³ ⁴⁵ ⁶⁷",  # superscripts are isdigit() too
    ],
)
def test_non_ascii_digits_never_reach_the_output(raw: str) -> None:
    phone = normalize_phone(raw)
    assert phone is None or E164.match(phone)


@pytest.mark.parametrize(
    ("raw", "email"),
    [
        ("ayse.yilmaz@example.com", "ayse.yilmaz@example.com"),
        ("  Ayse.Yilmaz@Example.COM  ", "ayse.yilmaz@example.com"),
        ("MEHMET+tr@posta.com.tr", "mehmet+tr@posta.com.tr"),
        ("\tali@x.io\n", "ali@x.io"),
    ],
)
def test_email_normalised(raw: str, email: str) -> None:
    assert normalize_email(raw) == email


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "ayse",
        "ayse@",
        "@example.com",
        "ayse@localhost",
        "ayse yilmaz@example.com",
        "ayse@exa mple.com",
        "ayse.example.com",
    ],
)
def test_bad_email_is_none(raw: str) -> None:
    assert normalize_email(raw) is None


@given(st.text(max_size=30))
@PROPERTY
def test_normalize_email_never_raises_and_is_idempotent(raw: str) -> None:
    email = normalize_email(raw)
    if email is not None:
        assert normalize_email(email) == email
        assert "@" in email
        assert " " not in email


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Ayşe", "A***"),
        ("  Mehmet ", "M***"),
        ("Ş", "Ş***"),
        ("İlker", "İ***"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@given(st.text(max_size=30))
@PROPERTY
def test_mask_name_reveals_at_most_one_character(name: str) -> None:
    masked = mask_name(name)
    assert masked == "" or (masked.endswith("***") and len(masked) == 4)


def test_mask_phone_shows_only_the_last_four_digits() -> None:
    masked = mask_phone("+905321234567")
    assert masked is not None
    assert masked.endswith("*** *** 45 67")
    assert "532" not in masked
    assert "123" not in masked
    # NOTE: the docstring promises "+90 *** *** 45 67"; the code gives "*** *** 45 67".


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        (None, None),
        ("", ""),
        ("12", "***"),
        ("123", "***"),
        ("1234", "*** *** 12 34"),
        ("0532 123 45 67", "*** *** 45 67"),
    ],
)
def test_mask_phone_edges(phone: str | None, masked: str | None) -> None:
    assert mask_phone(phone) == masked


@given(st.text(alphabet="0123456789 +", max_size=20))
@PROPERTY
def test_mask_phone_never_shows_more_than_four_digits(phone: str) -> None:
    masked = mask_phone(phone)
    if masked:
        assert sum(c.isdigit() for c in masked) <= 4


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("ayse.yilmaz@example.com", "a***@e***.com"),
        ("mehmet@posta.com.tr", "m***@p***.tr"),
        ("a@b.io", "a***@b***.io"),
        ("ali@localhost", "a***@l***"),
        ("@example.com", "***@e***.com"),
        ("ali@.com", "a***@***.com"),
        ("not-an-email", "***"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_email(email: str | None, masked: str | None) -> None:
    assert mask_email(email) == masked


@given(st.emails())
@settings(max_examples=40, deadline=None, database=None)
def test_mask_email_hides_local_part_and_host(email: str) -> None:
    masked = mask_email(email)
    assert masked is not None
    local, _, domain = email.partition("@")
    assert masked.startswith(local[:1] + "***@")
    tld = domain.rpartition(".")[2]
    assert masked.endswith("." + tld)
    assert masked.count("@") == 1
    assert len(masked) <= len("x***@y***.") + len(tld)


def test_an_address_keeps_its_city_and_hides_the_person_and_the_street() -> None:
    address = {
        "recipient": "Ayşe Nur Yılmaz",
        "line1": "Bağdat Cad. No: 12 D: 3",
        "district": "Kadıköy",
        "city": "İstanbul",
        "postal_code": "34710",
        "phone": "+905321234567",
    }
    masked = mask_address(address)
    assert masked == {
        "recipient": "A*** N*** Y***",
        "line1": "***",
        "district": "***",
        "city": "İstanbul",
        "postal_code": "***",
        "phone": "*** *** 45 67",
    }
    assert (
        mask_address({"recipient": "A", "line1": "x", "district": "", "phone": None})["district"]
        == ""
    )
