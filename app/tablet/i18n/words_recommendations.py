"""The words of the recommendations on the product and customer scenes, in both languages
(merged into STRINGS by strings.py). Each reason is a sentence the associate can say."""

from __future__ import annotations

TR: dict[str, str] = {
    "reco_look_title": "Kombini tamamlayın",
    "reco_similar_title": "Benzerleri, bu mağazada {size} beden",
    "reco_customer_title": "Bu müşteriye önerilenler",
    "reco_bought_together": "{orders} siparişte birlikte alındı",
    "reco_similar": "Aynı türden, {size} beden rafta",
    "reco_with_wishlist": "Favorisindeki {source} ile alınıyor",
    "reco_with_try_on": "Denediği {source} ile alınıyor",
    "reco_with_purchase": "Aldığı {source} ile alınıyor",
    "reco_here": "Burada {n} adet",
    "reco_here_size": "{size} beden burada {n} adet",
    "reco_not_here": "Burada yok: sipariş edilebilir",
    "reco_not_here_size": "{size} beden burada yok: sipariş edilebilir",
}

EN: dict[str, str] = {
    "reco_look_title": "Complete the look",
    "reco_similar_title": "Similar, in size {size} here",
    "reco_customer_title": "For this customer",
    "reco_bought_together": "Bought together in {orders} orders",
    "reco_similar": "Same kind, size {size} on the shelf",
    "reco_with_wishlist": "Goes with the {source} on their wish list",
    "reco_with_try_on": "Goes with the {source} they tried on",
    "reco_with_purchase": "Goes with the {source} they bought",
    "reco_here": "{n} here",
    "reco_here_size": "Size {size}: {n} here",
    "reco_not_here": "Not here: can be ordered",
    "reco_not_here_size": "Size {size} not here: can be ordered",
}
