"""Turkish people and places for the seed data: names, stores at real-looking addresses,
districts with postal codes and streets for customer addresses, cities for the bench chain."""

from __future__ import annotations

FEMALE_FIRST = (
    "Ayşe", "Fatma", "Zeynep", "Elif", "Emine", "Hatice", "Merve", "Büşra", "Esra", "Selin",
    "Derya", "Gizem", "Özge", "Ebru", "Sevgi", "Şeyma", "Gül", "İrem", "Ece", "Buse",
    "Dilara", "Melis", "Ceren", "Tuğba", "Aslı", "Pınar", "Yasemin", "Sibel", "Nilüfer",
    "Gökçe", "Çiğdem", "Şule", "Hülya", "Burcu", "Cansu", "Damla", "Ezgi", "Işıl", "İpek",
    "Sude", "Eylül", "Defne", "Zehra", "Meryem", "Nazlı", "Songül", "Öykü", "Begüm", "Gülşen",
    "Ayşegül",
)  # fmt: skip

MALE_FIRST = (
    "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "İsmail", "Osman",
    "Yusuf", "Murat", "Emre", "Burak", "Can", "Cem", "Kerem", "Barış", "Onur", "Serkan",
    "Tolga", "Oğuz", "Uğur", "Gökhan", "Volkan", "Eren", "Arda", "Berk", "Çağrı", "Doğan",
    "Emir", "Furkan", "Halil", "Kaan", "Ömer", "Selim", "Sinan", "Tuncay", "Umut", "Yiğit",
    "Batuhan", "Şahin", "Ozan", "Erdem", "Alper", "Koray", "Levent", "Tarık", "Görkem",
    "İlker", "Ümit",
)  # fmt: skip

LAST = (
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
    "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan",
    "Şimşek", "Polat", "Özcan", "Korkmaz", "Çakır", "Erdoğan", "Yavuz", "Can", "Acar", "Şen",
    "Aktaş", "Güler", "Yalçın", "Güneş", "Bozkurt", "Bulut", "Keskin", "Ünal", "Turan", "Gül",
    "Özer", "Işık", "Kaplan", "Avcı", "Sarı", "Tekin", "Taş", "Köse", "Yüksel", "Ateş",
    "Aksoy", "Uçar", "Karaca", "Türkmen", "Erdem", "Tunç", "Akın", "Özgür", "Sönmez",
    "Başaran", "Tuna", "Uysal", "Duman", "Demirci", "Ekinci", "Altun", "Karakaya", "Çiftçi",
    "Bayram", "Coşkun", "Eren", "Gündüz", "Altıntaş", "Akbulut", "Ergin", "Güven", "Orhan",
    "Önal", "Sezer", "Uzun", "Yaman", "Başer", "Elmas", "Kalkan", "Dinçer", "Ağaoğlu",
)  # fmt: skip

EMAIL_DOMAINS = (
    ("gmail.com", 45), ("hotmail.com", 25), ("outlook.com", 15), ("example.com.tr", 15),
)  # fmt: skip

# Mobile operator prefixes after +90 (Turkcell 53x, Vodafone 54x, Türk Telekom 50x/55x).
MOBILE_PREFIXES = (
    "501", "505", "506", "507", "530", "531", "532", "533", "534", "535", "536", "537",
    "538", "539", "541", "542", "543", "544", "545", "546", "549", "551", "552", "553",
    "554", "555",
)  # fmt: skip

# code, name, city, district, address, latitude, longitude
Place = tuple[str, str, str, str, str, float, float]

DEMO_STORES: tuple[Place, ...] = (
    ("IST01", "Reyon Nişantaşı", "İstanbul", "Şişli",
     "Abdi İpekçi Cad. No: 42, Teşvikiye Mah.", 41.0515, 28.9940),
    ("IST02", "Reyon Kadıköy", "İstanbul", "Kadıköy",
     "Bahariye Cad. No: 61, Osmanağa Mah.", 40.9887, 29.0274),
    ("IST03", "Reyon Bakırköy", "İstanbul", "Bakırköy",
     "Capacity AVM, Fişekhane Cad. No: 7, Zeytinlik Mah.", 40.9786, 28.8717),
    ("IST04", "Reyon Ataşehir", "İstanbul", "Ataşehir",
     "Watergarden İstanbul, Kızılbegonya Sok. No: 1, Barbaros Mah.", 40.9929, 29.1238),
    ("IST05", "Reyon İstinye", "İstanbul", "Sarıyer",
     "İstinyePark AVM, İstinye Bayırı Cad. No: 73", 41.1103, 29.0320),
    ("ANK01", "Reyon Tunalı", "Ankara", "Çankaya",
     "Tunalı Hilmi Cad. No: 88, Kavaklıdere Mah.", 39.9050, 32.8600),
    ("ANK02", "Reyon Armada", "Ankara", "Yenimahalle",
     "Armada AVM, Eskişehir Yolu No: 6, Söğütözü", 39.9133, 32.8098),
    ("IZM01", "Reyon Alsancak", "İzmir", "Konak",
     "Kıbrıs Şehitleri Cad. No: 120, Alsancak Mah.", 38.4374, 27.1437),
    ("IZM02", "Reyon Mavibahçe", "İzmir", "Karşıyaka",
     "Mavibahçe AVM, Cahar Dudayev Bulvarı No: 146", 38.4744, 27.0747),
    ("BRS01", "Reyon Zafer Plaza", "Bursa", "Osmangazi",
     "Zafer Plaza AVM, Cumhuriyet Cad., Alacahırka Mah.", 40.1889, 29.0597),
    ("ANT01", "Reyon MarkAntalya", "Antalya", "Muratpaşa",
     "MarkAntalya AVM, Kazım Özalp Cad. No: 84, Tahılpazarı Mah.", 36.8906, 30.7040),
    ("ANT02", "Reyon Lara", "Antalya", "Muratpaşa",
     "TerraCity AVM, Tekelioğlu Cad. No: 55, Fener Mah.", 36.8560, 30.7560),
)  # fmt: skip

WAREHOUSE: Place = (
    "WEB", "Reyon Online Depo", "Kocaeli", "Gebze",
    "Gebze Organize Sanayi Bölgesi, 1600. Sok. No: 12", 40.8270, 29.4190,
)  # fmt: skip

# Cities for the bench chain: name, latitude, longitude, weight (roughly by population).
BENCH_CITIES: tuple[tuple[str, float, float, int], ...] = (
    ("İstanbul", 41.0082, 28.9784, 40), ("Ankara", 39.9334, 32.8597, 14),
    ("İzmir", 38.4237, 27.1428, 11), ("Bursa", 40.1885, 29.0610, 7),
    ("Antalya", 36.8969, 30.7133, 7), ("Adana", 37.0000, 35.3213, 5),
    ("Konya", 37.8746, 32.4932, 5), ("Gaziantep", 37.0662, 37.3833, 4),
    ("Mersin", 36.8121, 34.6415, 4), ("Kayseri", 38.7312, 35.4787, 3),
    ("Eskişehir", 39.7767, 30.5206, 3), ("Samsun", 41.2867, 36.3300, 3),
    ("Trabzon", 41.0027, 39.7168, 2), ("Diyarbakır", 37.9144, 40.2306, 2),
    ("Denizli", 37.7765, 29.0864, 2), ("Kocaeli", 40.7654, 29.9408, 3),
    ("Sakarya", 40.7569, 30.3781, 2), ("Tekirdağ", 40.9780, 27.5110, 2),
    ("Muğla", 37.0344, 27.4305, 2), ("Aydın", 37.8560, 27.8416, 2),
    ("Manisa", 38.6191, 27.4289, 2), ("Balıkesir", 39.6484, 27.8826, 2),
    ("Malatya", 38.3552, 38.3095, 1), ("Erzurum", 39.9000, 41.2700, 1),
    ("Van", 38.5012, 43.3729, 1), ("Şanlıurfa", 37.1591, 38.7969, 1),
    ("Hatay", 36.2021, 36.1600, 1), ("Çanakkale", 40.1553, 26.4142, 1),
    ("Edirne", 41.6771, 26.5557, 1), ("Kahramanmaraş", 37.5858, 36.9371, 1),
)  # fmt: skip

# Districts for addresses: city -> (district, postal code, neighbourhoods, streets).
DISTRICTS: dict[str, tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]] = {
    "İstanbul": (
        ("Kadıköy", "34710", ("Caferağa", "Moda", "Fenerbahçe", "Suadiye", "Göztepe"),
         ("Bağdat Cad.", "Moda Cad.", "Bahariye Cad.", "Kuşdili Cad.", "Fenerbahçe Cad.")),
        ("Şişli", "34360", ("Teşvikiye", "Esentepe", "Mecidiyeköy", "Fulya"),
         ("Halaskargazi Cad.", "Rumeli Cad.", "Valikonağı Cad.", "Büyükdere Cad.")),
        ("Beşiktaş", "34353", ("Levent", "Etiler", "Bebek", "Ortaköy", "Sinanpaşa"),
         ("Barbaros Bulvarı", "Ihlamurdere Cad.", "Nispetiye Cad.", "Cevdetpaşa Cad.")),
        ("Üsküdar", "34662", ("Altunizade", "Kuzguncuk", "Acıbadem", "Çengelköy"),
         ("Hakimiyeti Milliye Cad.", "Tophanelioğlu Cad.", "Çeçen Sok.")),
        ("Bakırköy", "34142", ("Yeşilköy", "Ataköy", "Zeytinlik", "Kartaltepe"),
         ("İstanbul Cad.", "Ebuzziya Tevfik Cad.", "Fişekhane Cad.")),
        ("Ataşehir", "34758", ("Barbaros", "Atatürk", "Küçükbakkalköy", "İçerenköy"),
         ("Atatürk Cad.", "Ali Ay Sok.", "Kayışdağı Cad.")),
        ("Sarıyer", "34450", ("İstinye", "Tarabya", "Maslak", "Yeniköy"),
         ("Sarıyer Cad.", "Köybaşı Cad.", "Büyükdere Cad.")),
    ),
    "Ankara": (
        ("Çankaya", "06680", ("Kavaklıdere", "Bahçelievler", "Ayrancı", "Çukurambar"),
         ("Tunalı Hilmi Cad.", "Atatürk Bulvarı", "Aşkabat Cad.", "Kızılırmak Cad.")),
        ("Yenimahalle", "06170", ("Batıkent", "Demetevler", "Çayyolu"),
         ("İvedik Cad.", "Ankara Bulvarı", "Turgut Özal Bulvarı")),
        ("Keçiören", "06280", ("Etlik", "Aktepe", "Kalaba"), ("Kızlarpınarı Cad.", "Yeşilöz Cad.")),
    ),
    "İzmir": (
        ("Konak", "35250", ("Alsancak", "Güzelyalı", "Göztepe"),
         ("Kıbrıs Şehitleri Cad.", "Mustafa Kemal Sahil Bulvarı", "Talatpaşa Bulvarı")),
        ("Karşıyaka", "35540", ("Bostanlı", "Mavişehir", "Alaybey"),
         ("Cemal Gürsel Cad.", "Cahar Dudayev Bulvarı", "Girne Bulvarı")),
        ("Bornova", "35030", ("Kazımdirik", "Erzene", "Özkanlar"), ("Ankara Cad.", "Mustafa Kemal Cad.")),
    ),
    "Bursa": (
        ("Nilüfer", "16110", ("Görükle", "Özlüce", "Ataevler"), ("Fatih Sultan Mehmet Bulvarı", "Ertuğrul Cad.")),
        ("Osmangazi", "16040", ("Çekirge", "Alacahırka", "Hamitler"), ("Çekirge Cad.", "Cumhuriyet Cad.")),
    ),
    "Antalya": (
        ("Muratpaşa", "07100", ("Fener", "Şirinyalı", "Güzeloba", "Tahılpazarı"),
         ("Işıklar Cad.", "Tekelioğlu Cad.", "Atatürk Cad.")),
        ("Konyaaltı", "07070", ("Liman", "Hurma", "Altınkum"), ("Akdeniz Bulvarı", "Boğaçayı Cad.")),
    ),
}  # fmt: skip

SIDE_STREETS = (
    "Gül Sok.", "Lale Sok.", "Menekşe Sok.", "Çınar Sok.", "Papatya Sok.", "Ihlamur Sok.",
    "Söğüt Sok.", "Zambak Sok.", "Şair Nedim Sok.", "Oya Sok.", "Güneş Sok.", "Ağaçlı Sok.",
)  # fmt: skip

ADDRESS_LABELS = ("Ev", "İş", "Yazlık", "Annemler")

# Each customer lives near one of these cities (weights), so addresses match the store network.
ADDRESS_CITY_WEIGHTS = (
    ("İstanbul", 50),
    ("Ankara", 17),
    ("İzmir", 15),
    ("Bursa", 8),
    ("Antalya", 10),
)
