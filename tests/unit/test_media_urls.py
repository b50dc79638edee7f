"""The picture URL is built by hand (a customer view asks for hundreds): it must be what
urllib's encoder makes of the same query, for any colour a catalogue may spell."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from app.contracts.media import PICTURE_VERSION, colour_slug, product_image_url


@given(
    st.integers(min_value=1, max_value=10**9),
    st.none() | st.text(max_size=60),
    st.sampled_from(["full", "thumb"]),
)
def test_the_hand_built_url_is_the_encoded_query(pid: int, colour: str | None, size: str) -> None:
    query: dict[str, str | int] = {}
    slug = colour_slug(colour) if colour else ""
    if slug:
        query["colour"] = slug
    if size != "full":
        query["size"] = size
    query["v"] = PICTURE_VERSION
    url = product_image_url(pid, colour, size)  # type: ignore[arg-type]
    assert url == f"/v1/media/products/{pid}.webp?{urlencode(query)}"
    assert parse_qs(urlsplit(url).query).get("colour", [""])[0] == slug


def test_turkish_colours_become_slugs() -> None:
    assert product_image_url(7, "Zümrüt Yeşili", "thumb") == (
        f"/v1/media/products/7.webp?colour=zumrut-yesili&size=thumb&v={PICTURE_VERSION}"
    )
    assert product_image_url(7) == f"/v1/media/products/7.webp?v={PICTURE_VERSION}"
