"""Product vocabulary: categories, cuts, materials, colours and brands in Turkish and English.

Names are built as [fit] [detail] [material] noun, the same order in both languages:
"Slim Fit Pamuklu Gömlek" / "Slim Fit Cotton Shirt".
"""

from __future__ import annotations

from dataclasses import dataclass

Pair = tuple[str, str]  # (Turkish, English)

APPAREL_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
WAIST_SIZES = ("28", "30", "32", "34", "36", "38")
SHOE_SIZES = tuple(str(n) for n in range(36, 46))

# Size runs a style is made in: (first index, end index) into the size list, with weights.
APPAREL_RUNS = (((1, 5), 45), ((1, 6), 25), ((0, 5), 15), ((0, 6), 10), ((0, 4), 5))
WAIST_RUNS = (((0, 5), 40), ((1, 6), 35), ((0, 6), 25))
SHOE_RUNS = (((0, 5), 45), ((5, 10), 45), ((0, 10), 10))  # women's, men's, unisex


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    weight: int
    nouns: tuple[Pair, ...]
    details: tuple[Pair, ...]
    materials: tuple[Pair, ...]
    sizes: str  # apparel | waist | shoes | std
    price_lira: tuple[int, int]
    kdv_rate: int
    fits: bool
    composition_tr: tuple[str, ...]
    composition_en: tuple[str, ...]


FITS: tuple[Pair, ...] = (
    ("Slim Fit", "Slim Fit"), ("Regular Fit", "Regular Fit"), ("Oversize", "Oversized"),
    ("Relaxed Fit", "Relaxed Fit"), ("Comfort Fit", "Comfort Fit"),
    ("Super Slim Fit", "Super Slim Fit"),
)  # fmt: skip

CATEGORIES: tuple[Category, ...] = (
    Category(
        "shirts", 17, (("Gömlek", "Shirt"),),
        (("Çizgili", "Striped"), ("Ekose", "Checked"), ("Kısa Kollu", "Short Sleeve"),
         ("Düğmeli Yaka", "Button-Down"), ("Mao Yaka", "Grandad Collar"), ("", "")),
        (("Pamuklu", "Cotton"), ("Keten", "Linen"), ("Oxford", "Oxford"), ("Poplin", "Poplin"),
         ("Flanel", "Flannel"), ("Saten", "Satin"), ("Organik Pamuk", "Organic Cotton"),
         ("Denim", "Denim")),
        "apparel", (549, 1799), 10, True,
        ("%100 pamuk", "%55 keten, %45 pamuk", "%97 pamuk, %3 elastan"),
        ("100% cotton", "55% linen, 45% cotton", "97% cotton, 3% elastane"),
    ),
    Category(
        "tshirts", 15,
        (("Tişört", "T-Shirt"), ("Polo Yaka Tişört", "Polo Shirt"), ("Atlet", "Tank Top")),
        (("Bisiklet Yaka", "Crew Neck"), ("V Yaka", "V-Neck"), ("Baskılı", "Printed"),
         ("Çizgili", "Striped"), ("Basic", "Basic"), ("", "")),
        (("Pamuklu", "Cotton"), ("Organik Pamuk", "Organic Cotton"), ("Pike", "Piqué"),
         ("Modal", "Modal"), ("Süprem", "Jersey")),
        "apparel", (249, 899), 10, True,
        ("%100 pamuk", "%95 pamuk, %5 elastan", "%50 pamuk, %50 modal"),
        ("100% cotton", "95% cotton, 5% elastane", "50% cotton, 50% modal"),
    ),
    Category(
        "trousers", 15,
        (("Pantolon", "Trousers"), ("Jean", "Jeans"), ("Chino Pantolon", "Chinos"),
         ("Kargo Pantolon", "Cargo Trousers"), ("Jogger", "Joggers"), ("Şort", "Shorts")),
        (("Yüksek Bel", "High-Waist"), ("Pileli", "Pleated"), ("Duble Paça", "Turn-Up"),
         ("Taşlanmış", "Stone-Washed"), ("Streç", "Stretch"), ("", "")),
        (("Gabardin", "Gabardine"), ("Keten", "Linen"), ("Fitilli Kadife", "Corduroy"),
         ("Denim", "Denim"), ("Pamuklu", "Cotton"), ("Yün Karışımlı", "Wool Blend")),
        "waist", (699, 1999), 10, True,
        ("%98 pamuk, %2 elastan", "%100 pamuk", "%65 polyester, %35 viskon"),
        ("98% cotton, 2% elastane", "100% cotton", "65% polyester, 35% viscose"),
    ),
    Category(
        "dresses", 10,
        (("Elbise", "Dress"), ("Midi Elbise", "Midi Dress"), ("Maxi Elbise", "Maxi Dress"),
         ("Gömlek Elbise", "Shirt Dress"), ("Etek", "Skirt")),
        (("Çiçek Desenli", "Floral"), ("Puantiyeli", "Polka Dot"), ("Kruvaze", "Wrap"),
         ("Askılı", "Strappy"), ("Pliseli", "Pleated"), ("Fırfırlı", "Ruffled"), ("", "")),
        (("Saten", "Satin"), ("Keten", "Linen"), ("Viskon", "Viscose"), ("Örme", "Knitted"),
         ("Şifon", "Chiffon"), ("Pamuklu", "Cotton")),
        "apparel", (799, 2999), 10, False,
        ("%100 viskon", "%100 polyester", "%70 viskon, %30 keten"),
        ("100% viscose", "100% polyester", "70% viscose, 30% linen"),
    ),
    Category(
        "knitwear", 12,
        (("Kazak", "Jumper"), ("Hırka", "Cardigan"), ("Sweatshirt", "Sweatshirt"),
         ("Süveter", "Sweater Vest")),
        (("Balıkçı Yaka", "Turtleneck"), ("V Yaka", "V-Neck"), ("Bisiklet Yaka", "Crew Neck"),
         ("Saç Örgü", "Cable Knit"), ("Kapüşonlu", "Hooded"), ("Yarım Fermuarlı", "Half-Zip"),
         ("", "")),
        (("Yün Karışımlı", "Wool Blend"), ("Kaşmir Karışımlı", "Cashmere Blend"),
         ("Triko", "Knit"), ("Pamuklu", "Cotton"), ("Merinos", "Merino"), ("Şardonlu", "Brushed")),
        "apparel", (599, 2499), 10, True,
        ("%50 yün, %50 akrilik", "%30 kaşmir, %70 yün", "%100 merinos yünü"),
        ("50% wool, 50% acrylic", "30% cashmere, 70% wool", "100% merino wool"),
    ),
    Category(
        "jackets", 9,
        (("Ceket", "Blazer"), ("Mont", "Jacket"), ("Kaban", "Coat"), ("Trençkot", "Trench Coat"),
         ("Yelek", "Gilet"), ("Şişme Mont", "Puffer Jacket")),
        (("Su İtici", "Water-Repellent"), ("Kapüşonlu", "Hooded"), ("Kruvaze", "Double-Breasted"),
         ("Astarlı", "Lined"), ("", "")),
        (("Yün Karışımlı", "Wool Blend"), ("Deri", "Leather"), ("Süet", "Suede"),
         ("Kaşe", "Wool Felt"), ("Denim", "Denim"), ("Gabardin", "Gabardine")),
        "apparel", (1499, 5999), 10, True,
        ("%60 yün, %40 polyester", "%100 hakiki deri", "%100 polyamid, kaz tüyü dolgu"),
        ("60% wool, 40% polyester", "100% genuine leather", "100% polyamide, down filling"),
    ),
    Category(
        "shoes", 10,
        (("Ayakkabı", "Shoes"), ("Sneaker", "Sneakers"), ("Bot", "Boots"), ("Loafer", "Loafers"),
         ("Sandalet", "Sandals"), ("Topuklu Ayakkabı", "Heels")),
        (("Bağcıklı", "Lace-Up"), ("Kalın Tabanlı", "Chunky Sole"), ("Fermuarlı", "Zip"),
         ("Günlük", "Casual"), ("Klasik", "Classic"), ("", "")),
        (("Deri", "Leather"), ("Süet", "Suede"), ("Hakiki Deri", "Genuine Leather"),
         ("Kanvas", "Canvas"), ("Nubuk", "Nubuck")),
        "shoes", (1199, 4499), 10, False,
        ("Saya: hakiki deri, taban: kauçuk", "Saya: süet, taban: termo"),
        ("Upper: genuine leather, sole: rubber", "Upper: suede, sole: thermoplastic"),
    ),
    Category(
        "accessories", 12,
        (("Şapka", "Hat"), ("Bere", "Beanie"), ("Atkı", "Scarf"), ("Şal", "Shawl"),
         ("Kemer", "Belt"), ("Çanta", "Bag"), ("Sırt Çantası", "Backpack"), ("Cüzdan", "Wallet"),
         ("Eldiven", "Gloves"), ("Kravat", "Tie")),
        (("Desenli", "Patterned"), ("Düz", "Plain"), ("Örgü", "Knitted"), ("", "")),
        (("Deri", "Leather"), ("Yün", "Wool"), ("İpek", "Silk"), ("Kaşmir", "Cashmere"),
         ("Hasır", "Straw"), ("Kanvas", "Canvas")),
        "std", (199, 1499), 20, False,
        ("%100 yün", "%100 ipek", "Hakiki deri"),
        ("100% wool", "100% silk", "Genuine leather"),
    ),
)  # fmt: skip

# Turkish colour, English colour, three-letter SKU code.
COLOURS: tuple[tuple[str, str, str], ...] = (
    ("Siyah", "Black", "SYH"), ("Beyaz", "White", "BYZ"), ("Lacivert", "Navy", "LAC"),
    ("Gri", "Grey", "GRI"), ("Antrasit", "Anthracite", "ANT"), ("Bej", "Beige", "BEJ"),
    ("Kahverengi", "Brown", "KHV"), ("Taba", "Tan", "TAB"), ("Haki", "Khaki", "HAK"),
    ("Yeşil", "Green", "YSL"), ("Zümrüt Yeşili", "Emerald", "ZMR"), ("Mavi", "Blue", "MAV"),
    ("Açık Mavi", "Light Blue", "AMV"), ("Gök Mavisi", "Sky Blue", "GOK"),
    ("İndigo", "Indigo", "IND"), ("Kırmızı", "Red", "KRM"), ("Bordo", "Burgundy", "BRD"),
    ("Pembe", "Pink", "PMB"), ("Pudra", "Powder Pink", "PDR"), ("Mor", "Purple", "MOR"),
    ("Lila", "Lilac", "LIL"), ("Sarı", "Yellow", "SAR"), ("Hardal", "Mustard", "HRD"),
    ("Turuncu", "Orange", "TRC"), ("Ekru", "Ecru", "EKR"), ("Krem", "Cream", "KRE"),
    ("Vizon", "Taupe", "VZN"), ("Füme", "Smoke Grey", "FUM"), ("Çağla Yeşili", "Almond Green", "CGL"),
    ("Kiremit", "Terracotta", "KRT"), ("Petrol", "Teal", "PTR"),
)  # fmt: skip
# Basics are far more common than fashion colours.
COLOUR_WEIGHTS = tuple(8 if i < 9 else 2 for i in range(len(COLOURS)))

BRANDS: tuple[tuple[str, int], ...] = (
    ("Reyon", 30), ("Reyon Studio", 14), ("Reyon Denim", 8), ("Pera", 10), ("Galata Atölye", 8),
    ("Ege Örgü", 7), ("Kuzey Işığı", 7), ("Çınar", 6), ("Süreyya", 5), ("Nişan", 5),
)  # fmt: skip

CARE_TR = (
    "30°C'de makinede yıkanabilir.",
    "Hassas programda, tersten yıkayınız.",
    "Kuru temizleme önerilir.",
    "Düşük ısıda ütüleyiniz; çamaşır makinesinde kurutmayınız.",
)
CARE_EN = (
    "Machine washable at 30°C.",
    "Wash inside out on a gentle cycle.",
    "Dry cleaning recommended.",
    "Iron on low heat; do not tumble dry.",
)
STORY_TR = (
    "Günlük kombinlerin vazgeçilmezi.",
    "Ofisten akşam yemeğine rahatça uyum sağlar.",
    "Sezonun öne çıkan parçalarından.",
    "Zamansız bir klasik, her dolapta olmalı.",
    "Türkiye'de üretilmiştir.",
)
STORY_EN = (
    "An everyday essential.",
    "Takes you from the office to dinner with ease.",
    "One of the season's key pieces.",
    "A timeless classic for every wardrobe.",
    "Made in Türkiye.",
)
