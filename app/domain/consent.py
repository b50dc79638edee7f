"""Consent under KVKK / GDPR: the texts a customer is shown, and the rules for the proof that
the customer, not the associate, gave or withdrew it.

A store records consent only with proof: a one-time code sent to the phone or e-mail address on
file and read back by the customer, or the customer's identity QR code scanned at that store a
moment ago. The customer's own app records it directly. Every change is kept with who, where,
when, how and which text the customer saw."""

from __future__ import annotations

from typing import Literal

Purpose = Literal["clienteling", "email", "sms", "whatsapp"]
# "link": withdrawn by the opt-out link a message carries (only ever a withdrawal).
Method = Literal["qr", "sms-code", "email-code", "app", "link"]
Lang = Literal["tr", "en"]

PURPOSES: tuple[Purpose, ...] = ("clienteling", "email", "sms", "whatsapp")

CODE_DIGITS = 6
CODE_MINUTES = 10  # long enough to read a text message aloud, short enough to be worthless later
CODE_MAX_TRIES = 5  # 5 guesses of 10^6: one in 200,000 per code sent
# A scan is proof that the customer is here and willing only while the visit has just begun.
VISIT_PROOF_MINUTES = 30

# The version the tablet shows now. Older versions stay here: a consent recorded against them
# names the words the customer actually saw.
TEXT_VERSION = "2026-12-05"
TEXTS: dict[str, dict[Lang, str]] = {
    # Adds the commercial messages (İYS, law 6563): the channels are ticked one by one under
    # the text, and a consent to them must name what the customer agreed to receive.
    "2026-12-05": {
        "tr": (
            "Reyon mağazalarındaki satış danışmanlarının bana kişisel hizmet verebilmesi için "
            "adımı, iletişim bilgilerimi, alışverişlerimi, denediğim ve beğendiğim ürünleri "
            "görmesine ve kaydetmesine açık rıza veriyorum. Aşağıda seçtiğim kanallardan "
            "(e-posta, SMS, WhatsApp) bana seçilmiş ürünler, kampanyalar ve randevu "
            "hatırlatmaları içeren ticari elektronik ileti gönderilmesini kabul ediyorum; her "
            "iletideki bağlantıyla ücretsiz olarak reddedebilirim (6563 sayılı Kanun, İYS). "
            "Bu onayları istediğim zaman bir mağazada, Reyon uygulamasında ya da müşteri "
            "hizmetlerinden geri alabilirim (6698 sayılı KVKK, md. 5 ve 11)."
        ),
        "en": (
            "I give my explicit consent for the associates in Reyon's stores to see and record "
            "my name, contact details, purchases and the products I tried on or liked, so that "
            "they can give me personal service. On the channels I choose below (e-mail, SMS, "
            "WhatsApp) I agree to receive commercial electronic messages: products chosen for "
            "me, offers and appointment reminders; I can refuse them free of charge from the "
            "link in every message (Turkish law 6563, İYS). I can withdraw these consents at "
            "any time in a store, in the Reyon app or through customer service (Turkish law "
            "6698, KVKK, articles 5 and 11)."
        ),
    },
    "2026-12": {
        "tr": (
            "Reyon mağazalarındaki satış danışmanlarının bana kişisel hizmet verebilmesi için "
            "adımı, iletişim bilgilerimi, alışverişlerimi, denediğim ve beğendiğim ürünleri "
            "görmesine ve kaydetmesine açık rıza veriyorum. Bu onayı istediğim zaman bir "
            "mağazada, Reyon uygulamasında ya da müşteri hizmetlerinden geri alabilirim "
            "(6698 sayılı KVKK, md. 5 ve 11)."
        ),
        "en": (
            "I give my explicit consent for the associates in Reyon's stores to see and record "
            "my name, contact details, purchases and the products I tried on or liked, so that "
            "they can give me personal service. I can withdraw this consent at any time in a "
            "store, in the Reyon app or through customer service (Turkish law 6698, KVKK, "
            "articles 5 and 11)."
        ),
    },
}


def known_version(version: str) -> bool:
    return version in TEXTS


def consent_text(lang: str, version: str = TEXT_VERSION) -> str:
    """The words shown to the customer, in their language (Turkish when unknown)."""
    texts = TEXTS[version]
    return texts["en"] if lang == "en" else texts["tr"]


_CODE_MESSAGE: dict[Lang, str] = {
    "tr": (
        "{store}: kişisel verilerinizle ilgili onay tercihinizi kaydetmek için "
        "danışmana bu kodu söyleyin: {code}. Kod {minutes} dakika geçerlidir. "
        "Siz istemediyseniz kimseyle paylaşmayın."
    ),
    "en": (
        "{store}: to record your consent choice about your personal data, tell the "
        "associate this code: {code}. It is valid for {minutes} minutes. "
        "If you did not ask for it, do not share it."
    ),
}
_CODE_SUBJECT: dict[Lang, str] = {
    "tr": "Reyon onay kodunuz",
    "en": "Your Reyon consent code",
}


def code_message(lang: str, *, store: str, code: str, minutes: int = CODE_MINUTES) -> str:
    """The text message or e-mail body carrying a one-time consent code, naming the store."""
    template = _CODE_MESSAGE["en"] if lang == "en" else _CODE_MESSAGE["tr"]
    return template.format(store=store, code=code, minutes=minutes)


def code_subject(lang: str) -> str:
    return _CODE_SUBJECT["en"] if lang == "en" else _CODE_SUBJECT["tr"]


def tries_left(failed: int) -> int:
    return max(0, CODE_MAX_TRIES - failed)
