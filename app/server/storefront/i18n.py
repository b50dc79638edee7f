"""The storefront's words, Turkish first. Phones say which language they prefer in
Accept-Language; `?lang=` overrides it (the language links at the foot of each page)."""

from __future__ import annotations

Lang = str  # "tr" | "en"

STRINGS: dict[str, dict[str, str]] = {
    "tr": {
        "price_incl": "KDV dahil",
        "in_this_store": "Bu mağazada",
        "online": "Online",
        "in_stock": "Var",
        "last_few": "Son {n}",
        "none_here": "Yok",
        "online_available": "Online stokta: {n} adet",
        "online_none": "Online stokta yok",
        "save": "Favorilerime ekle",
        "picture_alt": "{name}, {colour}: ürün görseli",
        "buy_online": "Online satın al",
        "size": "Beden",
        "not_found_title": "Ürün bulunamadı",
        "not_found": "Bu kod tanınmadı. Etiketi mağaza görevlisine gösterin.",
        "pay_title": "Sipariş {number}",
        "pay_total": "Toplam (KDV dahil)",
        "pay_kdv": "İçindeki KDV",
        "pay_button": "Öde",
        "pay_holder": "Kart üzerindeki isim",
        "paid": "Ödendi. Teşekkürler!",
        "pay_expired": "Bu ödeme bağlantısının süresi doldu. Mağazadan yeni bir bağlantı isteyin.",
        "pay_invalid": "Bu ödeme bağlantısı geçerli değil.",
        "pay_not_payable": "Bu sipariş ödenemez (durum: {status}).",
        "pay_failed": "Ödeme alınamadı: {message}",
        "qty": "Adet",
        "language": "English",
    },
    "en": {
        "price_incl": "incl. VAT",
        "in_this_store": "In this store",
        "online": "Online",
        "in_stock": "In stock",
        "last_few": "Last {n}",
        "none_here": "None",
        "online_available": "Online: {n} in stock",
        "online_none": "Out of stock online",
        "save": "Save to my wishlist",
        "picture_alt": "{name} in {colour}: product picture",
        "buy_online": "Buy online",
        "size": "Size",
        "not_found_title": "Product not found",
        "not_found": "This code was not recognised. Please show the label to a store associate.",
        "pay_title": "Order {number}",
        "pay_total": "Total (incl. VAT)",
        "pay_kdv": "of which VAT",
        "pay_button": "Pay",
        "pay_holder": "Name on card",
        "paid": "Paid. Thank you!",
        "pay_expired": "This payment link has expired. Ask the store for a new one.",
        "pay_invalid": "This payment link is not valid.",
        "pay_not_payable": "This order cannot be paid (status: {status}).",
        "pay_failed": "The payment did not go through: {message}",
        "qty": "Qty",
        "language": "Türkçe",
    },
}


def pick(accept_language: str | None, override: str | None) -> Lang:
    if override in STRINGS:
        return override
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in STRINGS:
            return tag
    return "tr"


def t(lang: Lang, key: str, **values: object) -> str:
    text = STRINGS[lang][key]
    return text.format(**values) if values else text
