"""What the tablet says when something is refused, in Turkish and English: one entry per
problem type the API can answer with, per coupon refusal reason and per scan refusal.

An entry holds, per language, one or more templates, most specific first: the first whose
`{placeholders}` are all known is used (`{retry_after}` when the answer said how long to
wait, else the sentence without a number). The API's own `detail` is English for the log and
is never shown: tests/unit/test_problem_words.py checks that every type the server source can
emit has an entry here.
"""

from __future__ import annotations

Words = dict[str, tuple[str, ...]]


def w(tr: str | tuple[str, ...], en: str | tuple[str, ...]) -> Words:
    return {
        "tr": tr if isinstance(tr, tuple) else (tr,),
        "en": en if isinstance(en, tuple) else (en,),
    }


# Problem types (the last segment of `type`), as app/server raises them, plus the tablet's own
# "offline" (no answer at all) and "http-error" (an answer that was not problem+json).
KINDS: dict[str, Words] = {
    # -- log-in, sessions, tablets ------------------------------------------------------
    "invalid-credentials": w(
        "Mağaza kodu, personel kodu ya da PIN hatalı. Kontrol edip tekrar deneyin.",
        "The store code, associate code or PIN is wrong. Check them and try again.",
    ),
    "associate-locked": w(
        "Çok fazla hatalı PIN girildi; bu personel bu tablette kilitlendi. Başka bir tablet "
        "kullanın, daha sonra tekrar deneyin ya da müdürden kilidi açmasını isteyin.",
        "Too many wrong PINs: this associate is locked on this tablet. Use another tablet, "
        "try again later or ask a manager to unlock.",
    ),
    "session-ended": w(
        "Oturum kapandı (çıkış yapıldı, personel devre dışı ya da tablet iptal edildi). "
        "Tekrar giriş yapın.",
        "The session has ended (logged out, deactivated or the tablet was revoked). Log in again.",
    ),
    "unauthorized": w(
        "Oturumunuzun süresi doldu. Tekrar giriş yapın.",
        "Your session has expired. Log in again.",
    ),
    "device-not-enrolled": w(
        "Bu tablet bu mağazaya kayıtlı değil. Mağaza müdüründen kayıt kodu isteyin.",
        "This tablet is not enrolled in this store. Ask the store manager for an enrolment code.",
    ),
    "enrolment-code-invalid": w(
        "Kayıt kodu tanınmadı ya da süresi doldu. Müdürden yeni kod isteyin; her kod bir kez "
        "ve 10 dakika geçerlidir.",
        "The enrolment code is unknown or has expired. Ask a manager for a new one; each code "
        "works once, for ten minutes.",
    ),
    "cannot-deactivate-self": w(
        "Müdür kendi hesabını devre dışı bırakamaz.",
        "A manager cannot deactivate their own account.",
    ),
    "forbidden-role": w(
        "Bu işlem için yetkiniz yok. Mağaza müdürüne başvurun.",
        "You are not allowed to do this. Ask the store manager.",
    ),
    "other-store": w(
        "Bu işlem başka bir mağazaya ait; yalnızca o mağaza değiştirebilir.",
        "This belongs to another store; only that store can change it.",
    ),
    "wrong-store": w(
        "Bu işlem yalnızca kendi mağazanız için yapılabilir.",
        "This can only be done for your own store.",
    ),
    "too-many-requests": w(
        (
            "Çok fazla deneme yapıldı; {retry_after} sn sonra tekrar deneyin.",
            "Çok fazla deneme yapıldı; biraz bekleyip tekrar deneyin.",
        ),
        (
            "Too many attempts; try again in {retry_after} s.",
            "Too many attempts; wait a moment and try again.",
        ),
    ),
    # -- appointments ----------------------------------------------------------------------
    "appointment-cancelled": w(
        "Bu randevu zaten iptal edilmiş.",
        "This appointment had been cancelled already.",
    ),
    "appointment-slot-taken": w(
        "Danışmanın o saatte başka bir randevusu var; başka bir saat ya da danışman seçin.",
        "The associate has someone else then; pick another time or another associate.",
    ),
    "appointment-overlap": w(
        "Müşterinin o saatte bu mağazada başka bir randevusu var.",
        "The client already has an appointment at this store then.",
    ),
    "appointment-limit": w(
        "Müşteri kendi bağlantısından en fazla 3 yaklaşan randevu alabilir.",
        "A client can book at most 3 upcoming appointments from their own link.",
    ),
    "associate-no-appointments": w(
        "Bu çalışan randevu almıyor (kasa); bir satış danışmanı ya da müdür seçin.",
        "This person does not take appointments (the till); choose an associate or a manager.",
    ),
    "appointment-past": w(
        "Geçmiş bir saate randevu verilemez.",
        "An appointment cannot be in the past.",
    ),
    "appointment-not-on-slot": w(
        "Randevular saat başı ya da :15, :30, :45'te başlar.",
        "Appointments start on the hour or at a quarter past, half past or a quarter to.",
    ),
    "appointment-outside-hours": w(
        "Randevu mağazanın randevu saatleri (10:00-21:00) içinde bitmeli.",
        "An appointment must fit inside the store's appointment hours (10:00-21:00).",
    ),
    "appointment-too-far": w(
        "En fazla 60 gün sonrasına randevu verilebilir.",
        "Appointments can be made at most 60 days ahead.",
    ),
    # -- client book and follow-up tasks -------------------------------------------------
    "task-already-done": w(
        "Bu görev zaten tamamlanmış.",
        "This task is already done.",
    ),
    "task-changed": w(
        "Bu görev az önce başka birine devredildi; güncel hali için görevleri yeniden açın.",
        "Someone handed this task over a moment ago; open the tasks again to see it now.",
    ),
    "task-due-past": w(
        "Görevin tarihi geçmişte olamaz; bugün ya da sonrası için seçin.",
        "A task cannot be due in the past; choose today or later.",
    ),
    "task-not-yours": w(
        "Bu görev başka bir danışmana ait.",
        "This task belongs to another associate.",
    ),
    "task-snooze-past": w(
        "Erteleme tarihi bugünden sonra olmalı.",
        "Snooze until a day after today.",
    ),
    "task-snooze-too-far": w(
        "En fazla 90 gün ertelenebilir.",
        "A task can be snoozed for at most 90 days.",
    ),
    "task-hand-over-other-store": w(
        "Görev yalnızca bu mağazadaki bir arkadaşınıza devredilebilir.",
        "A task can only be handed to a colleague in this store.",
    ),
    "task-hand-over-inactive": w(
        "Bu danışmanın hesabı kapalı; başka birini seçin.",
        "That associate's account is closed; choose someone else.",
    ),
    "task-hand-over-same": w(
        "Görev zaten bu danışmanda.",
        "The task is already with that associate.",
    ),
    "associate-other-store": w(
        "Bu danışman başka bir mağazada çalışıyor.",
        "That associate works in another store.",
    ),
    "associate-inactive": w(
        "Bu danışmanın hesabı kapalı.",
        "That associate's account is closed.",
    ),
    # -- customers and consent ----------------------------------------------------------
    "consent-required": w(
        "Müşterinin kişisel hizmet onayı yok. Uygulamasındaki QR kodu okutun ya da onayını "
        "kaydedin.",
        "The customer has not given clienteling consent. Scan their app's QR code or record "
        "their consent first.",
    ),
    "consent-missing": w(
        "Müşteri bu kanaldan mesaj almayı kabul etmemiş ya da bunun için kayıtlı adresi yok; "
        "gönderilmedi.",
        "The customer has not opted into messages on this channel, or has no address for it: "
        "not sent.",
    ),
    "consent-proof-required": w(
        "Müşterinin kanıtı gerekiyor: kod gönderin ya da uygulamasındaki QR kodu okutun.",
        "The customer's proof is needed: send a code or scan their app's QR code.",
    ),
    "consent-contact-missing": w(
        "Müşterinin bu kanal için kayıtlı iletişim bilgisi yok; diğer yolu deneyin ya da "
        "uygulamasındaki QR kodu okutun.",
        "The customer has nothing on file for this channel; use the other one or scan their "
        "app's QR code.",
    ),
    "consent-code-wrong": w(
        (
            "Kod yanlış: {tries_left} deneme hakkı kaldı.",
            "Kod yanlış. Müşteriden kodu tekrar okumasını isteyin.",
        ),
        (
            "Wrong code: {tries_left} tries left.",
            "Wrong code. Ask the customer to read it out again.",
        ),
    ),
    "consent-code-expired": w(
        "Kodun süresi doldu; yeni kod gönderin.",
        "The code has expired; send a new one.",
    ),
    "consent-code-used": w(
        "Bu kod zaten kullanıldı; yeni kod gönderin.",
        "This code was already used; send a new one.",
    ),
    "consent-code-exhausted": w(
        "Çok fazla yanlış kod girildi; bu kod artık geçmiyor. Yeni kod gönderin.",
        "Too many wrong codes: this one no longer works. Send a new code.",
    ),
    "messaging-unavailable": w(
        "Mesaj şu anda gönderilemiyor. Diğer yolu deneyin ya da biraz sonra tekrar deneyin.",
        "The message cannot be sent right now. Use the other way or try again shortly.",
    ),
    "search-needs-criteria": w(
        "Aramak için telefon, e-posta ya da sadakat numarası girin.",
        "Enter a phone number, e-mail or loyalty number to search.",
    ),
    "bad-phone": w(
        "Bu bir telefon numarası değil. Numarayı alan koduyla birlikte yazın.",
        "That is not a phone number. Type it with its area code.",
    ),
    "bad-email": w(
        "Bu bir e-posta adresi değil.",
        "That is not an e-mail address.",
    ),
    "bad-public-key": w(
        "Uygulamanın gönderdiği anahtar geçersiz.",
        "The key the app sent is not valid.",
    ),
    "conflict": w(
        "Aynı anda başka bir yerde de kaydedildi. Sayfayı yenileyip tekrar deneyin.",
        "Saved at the same moment elsewhere. Reload and try again.",
    ),
    # -- catalogue, stock, orders ------------------------------------------------------
    "not-found": w(
        "Kayıt bulunamadı; silinmiş ya da hiç olmamış olabilir.",
        "Not found; it may have been removed or never existed.",
    ),
    "unknown-sku": w(
        (
            "Sepetteki bir ürün ({sku}) artık satışta değil; sepetten çıkarın.",
            "Sepetteki bir ürün artık satışta değil; sepetten çıkarın.",
        ),
        (
            "An item in the basket ({sku}) is no longer sold; remove it from the basket.",
            "An item in the basket is no longer sold; remove it from the basket.",
        ),
    ),
    "unknown-location": w(
        "Seçilen konum artık yok. Başka bir mağaza ya da depo seçin.",
        "The chosen location no longer exists. Choose another store or the warehouse.",
    ),
    "not-a-store": w(
        "Seçilen yer bir mağaza değil. Listeden bir mağaza seçin.",
        "The chosen place is not a store. Choose a store from the list.",
    ),
    "bad-source": w(
        "Mağazada ayırtılan ürün, teslim alınacak mağazadan gönderilmeli.",
        "A reserved item must come from the pickup store itself.",
    ),
    "out-of-stock": w(
        (
            "Stok yetersiz: {sku} seçilen konumda kalmadı. Başka bir konum seçin.",
            "Stok yetersiz: ürün seçilen konumda kalmadı. Başka bir konum seçin.",
        ),
        (
            "Out of stock: {sku} is no longer available at the chosen location. Choose "
            "another location.",
            "Out of stock: the item is no longer available at the chosen location. Choose "
            "another location.",
        ),
    ),
    "order-not-cancellable": w(
        (
            "Sipariş artık iptal edilemez (durumu: {status_now}).",
            "Sipariş artık iptal edilemez.",
        ),
        (
            "The order can no longer be cancelled (it is {status_now}).",
            "The order can no longer be cancelled.",
        ),
    ),
    "not-payable": w(
        "Bu sipariş ödeme beklemiyor; ödeme bağlantısı oluşturulamaz.",
        "This order is not awaiting payment; there is no pay link to make.",
    ),
    "bad-cursor": w(
        "Liste güncelliğini yitirdi. Aramayı yeniden başlatın.",
        "The list is out of date. Start the search again.",
    ),
    "bad-window": w(
        (
            "Rapor dönemi geçersiz: en fazla {max_days} gün seçilebilir.",
            "Rapor dönemi geçersiz. Başka tarihler seçin.",
        ),
        (
            "The report period is not valid: at most {max_days} days.",
            "The report period is not valid. Choose other dates.",
        ),
    ),
    # -- preparing and handing over pickups ---------------------------------------------
    "not-for-pickup": w(
        "Bu sipariş müşteriye gönderiliyor; mağazada hazırlanıp teslim edilmez.",
        "This order is sent to the customer; it is not prepared and collected in store.",
    ),
    "order-not-pickable": w(
        (
            "Sipariş şu anda hazırlanamaz (durumu: {status_now}).",
            "Sipariş şu anda hazırlanamaz.",
        ),
        (
            "The order cannot be prepared now (it is {status_now}).",
            "The order cannot be prepared now.",
        ),
    ),
    "pick-wrong-item": w(
        "Okutulan ürün bu siparişte yok. Ürünü rafa geri koyun ve siparişteki ürünü okutun.",
        "The scanned item is not in this order. Put it back and scan the ordered item.",
    ),
    "pick-too-many": w(
        (
            "{sku} siparişteki adetten fazla okutuldu; fazlasını rafa geri koyun.",
            "Bu ürün siparişteki adetten fazla okutuldu; fazlasını rafa geri koyun.",
        ),
        (
            "More {sku} scanned than ordered; put the extra back.",
            "More of this item scanned than ordered; put the extra back.",
        ),
    ),
    "not-all-picked": w(
        "Siparişteki bütün ürünler henüz toplanmadı; önce eksikleri okutun.",
        "Not every item of the order is picked yet; scan the missing ones first.",
    ),
    # -- ship from store: a parcel the store packs and ships home ------------------------
    "ship-not-a-parcel": w(
        "Bu sipariş mağazadan teslim alınacak; kargoya verilmez, müşteriye teslim edilir.",
        "This order is collected in store; it is handed over, not shipped.",
    ),
    "ship-not-paid": w(
        (
            "Bu kargo şu anda hazırlanamaz (sipariş durumu: {status_now}). Yalnızca ödenmiş "
            "siparişler paketlenip kargoya verilir.",
            "Bu kargo şu anda hazırlanamaz; yalnızca ödenmiş siparişler kargoya verilir.",
        ),
        (
            "This parcel cannot be sent now (the order is {status_now}). Only paid orders are "
            "packed and shipped.",
            "This parcel cannot be sent now; only paid orders are packed and shipped.",
        ),
    ),
    "ship-already-packed": w(
        "Mağazanızın kolisi zaten paketlendi; şimdi kargoya verin.",
        "Your store's parcel is packed already; ship it now.",
    ),
    "ship-not-packed": w(
        "Koli henüz paketlenmedi; kargoya vermeden önce paketleyin.",
        "The parcel is not packed yet; pack it before shipping.",
    ),
    "ship-already-shipped": w(
        "Mağazanızın kolisi zaten kargoya verildi; takip numarası siparişte.",
        "Your store's parcel was shipped already; the tracking number is on the order.",
    ),
    "ship-carrier-refused": w(
        "Kargo firması koliyi kabul etmedi; adresi kontrol edip biraz sonra tekrar deneyin.",
        "The carrier did not take the parcel; check the address and try again shortly.",
    ),
    "order-not-ready": w(
        (
            "Sipariş teslime hazır değil (durumu: {status_now}).",
            "Sipariş teslime hazır değil.",
        ),
        (
            "The order is not ready to hand over (it is {status_now}).",
            "The order is not ready to hand over.",
        ),
    ),
    "already-collected": w(
        "Bu sipariş zaten teslim edildi; verilecek ürün kalmadı.",
        "This order was already collected; nothing is left to hand over.",
    ),
    "pickup-wrong-customer": w(
        "Okutulan müşteri kodu bu siparişin sahibine ait değil. Siparişin sahibinin kodunu "
        "ya da teslim kodunu okutun.",
        "The customer code scanned is not this order's customer's. Scan the order's own "
        "customer code or its pickup code.",
    ),
    "pickup-code-invalid": w(
        "Teslim kodu geçerli değil (bozuk, sahte ya da süresi dolmuş). Müşteriden kodu "
        "uygulamada yeniden açmasını isteyin.",
        "The pickup code is not valid (damaged, forged or expired). Ask the customer to open "
        "it again in the app.",
    ),
    "pickup-code-other-order": w(
        "Bu teslim kodu başka bir siparişe ait.",
        "This pickup code belongs to another order.",
    ),
    "hand-over-unknown-line": w(
        "Seçilen ürün bu siparişte yok. Listeyi yenileyip tekrar deneyin.",
        "The chosen item is not in this order. Reload the list and try again.",
    ),
    "hand-over-too-many": w(
        (
            "{sku} için teslime hazır olandan fazlası seçildi.",
            "Teslime hazır olandan fazlası seçildi.",
        ),
        (
            "More {sku} chosen than is ready to hand over.",
            "More chosen than is ready to hand over.",
        ),
    ),
    "stock-not-held": w(
        "Bu siparişin ürünleri artık ayrılmış görünmüyor. Mağaza müdürüne başvurun.",
        "This order's items no longer appear as held. Ask the store manager.",
    ),
    "no-pickup-code": w(
        "Bu sipariş için teslim kodu yok: mağazadan teslim alınmıyor ya da kapanmış.",
        "This order has no pickup code: it is not collected in store, or it is closed.",
    ),
    # -- transfers between stores --------------------------------------------------------
    "transfer-same-store": w(
        "Kendi mağazanızdan transfer istenemez; başka bir mağaza ya da online depo seçin.",
        "You cannot ask your own store; choose another store or the online warehouse.",
    ),
    "transfer-not-available": w(
        (
            "{sku} gönderen yerde istenen adette yok. Adedi azaltın ya da başka yerden isteyin.",
            "Gönderen yerde istenen adette ürün yok. Adedi azaltın ya da başka yerden isteyin.",
        ),
        (
            "The sender does not have that many {sku}. Ask for fewer, or ask elsewhere.",
            "The sender does not have that many. Ask for fewer, or ask elsewhere.",
        ),
    ),
    "transfer-wrong-store": w(
        "Bu transfer sizin mağazanızın değil ya da bu adım diğer mağazaya ait.",
        "This transfer is not your store's, or this step is for the other store.",
    ),
    "transfer-already-sent": w(
        "Bu transfer zaten gönderildi.",
        "This transfer has been sent already.",
    ),
    "transfer-not-sent": w(
        "Bu transfer henüz gönderilmedi; ürünler yola çıkınca teslim alın.",
        "This transfer has not been sent yet; receive it once it is on its way.",
    ),
    "transfer-already-received": w(
        "Bu transfer zaten teslim alındı; ürünler stokta.",
        "This transfer was received already; its items are in stock.",
    ),
    "transfer-closed": w(
        "Bu transfer iptal edildi ya da reddedildi; yapılacak bir şey kalmadı.",
        "This transfer was cancelled or refused; there is nothing left to do.",
    ),
    "transfer-not-held": w(
        "Bu transfer için ayrılan ürünler artık ayrılmış görünmüyor. Mağaza müdürüne başvurun.",
        "The items held for this transfer no longer appear as held. Ask the store manager.",
    ),
    "transfer-wrong-item": w(
        "Okutulan ürün bu transferde yok. Ürünü ayrı bir yere koyun.",
        "The scanned item is not in this transfer. Put it aside.",
    ),
    "transfer-send-too-many": w(
        (
            "{sku} istenenden fazla okutuldu; fazlasını rafa geri koyun.",
            "İstenenden fazla ürün okutuldu; fazlasını rafa geri koyun.",
        ),
        (
            "More {sku} scanned than were asked for; put the extra back.",
            "More scanned than were asked for; put the extra back.",
        ),
    ),
    "transfer-receive-too-many": w(
        (
            "{sku} gönderilenden fazla okutuldu. Sayımı kontrol edin; fazlasını ayırın.",
            "Gönderilenden fazla ürün okutuldu. Sayımı kontrol edin; fazlasını ayırın.",
        ),
        (
            "More {sku} scanned than were sent. Check the count; put the extra aside.",
            "More scanned than were sent. Check the count; put the extra aside.",
        ),
    ),
    # -- returns ---------------------------------------------------------------------------
    "return-not-received": w(
        (
            "Bu sipariş iade alınamaz (durumu: {status_now}). Yalnızca teslim edilmiş "
            "siparişler iade alınır; açık bir sipariş iptal edilir.",
            "Bu sipariş iade alınamaz: yalnızca teslim edilmiş siparişler iade alınır.",
        ),
        (
            "This order cannot be returned (it is {status_now}). Only orders the customer "
            "has received are returned; an open order is cancelled instead.",
            "This order cannot be returned: only orders the customer has received are.",
        ),
    ),
    "return-window-closed": w(
        "Bu siparişin iade süresi doldu.",
        "The return period for this order is over.",
    ),
    "return-already-returned": w(
        (
            "{sku} ürününün satın alınan bütün adetleri zaten iade alındı.",
            "Bu ürünün satın alınan bütün adetleri zaten iade alındı.",
        ),
        (
            "Every {sku} bought has been returned already.",
            "Every unit of this item bought has been returned already.",
        ),
    ),
    "return-too-many": w(
        (
            "{sku} için satın alınıp henüz iade edilmemiş adetten fazlası seçildi.",
            "Satın alınıp henüz iade edilmemiş adetten fazlası seçildi.",
        ),
        (
            "More {sku} chosen than were bought and not yet returned.",
            "More chosen than were bought and not yet returned.",
        ),
    ),
    "return-unknown-line": w(
        "Seçilen ürün bu siparişte yok. Siparişi yeniden açıp tekrar deneyin.",
        "The chosen item is not in this order. Open the order again and retry.",
    ),
    "return-no-payment": w(
        "Bu sipariş ödeme sağlayıcısıyla ödenmemiş; tutarı karta iade edilemez. Mağaza "
        "kredisi olarak iade edin.",
        "This order was not paid through the payment provider, so it cannot go back to a "
        "card. Refund it as store credit.",
    ),
    "return-no-customer": w(
        "Siparişin kayıtlı bir müşterisi yok; mağaza kredisi verilemez. Ödemeye iade edin.",
        "The order has no registered customer to give store credit to. Refund the payment.",
    ),
    "return-refund-failed": w(
        "Ödeme sağlayıcısı iadeyi gerçekleştiremedi; hiçbir şey değişmedi. Biraz sonra "
        "tekrar deneyin ya da mağaza kredisi verin.",
        "The payment provider could not make the refund; nothing was changed. Try again "
        "shortly, or give store credit.",
    ),
    "return-code-invalid": w(
        "Okutulan kod bir fişe ya da siparişe ait değil. Fişteki sipariş numarasını okutun; "
        "müşteri kodunu ana ekrandaki tarama alanında okutun.",
        "The code scanned is not a receipt's or an order's. Scan the order number on the "
        "receipt; scan a customer's code in the home scan field.",
    ),
    "return-lookup-empty": w(
        "Sipariş numarasını ya da sipariş kodunu okutun veya müşteriyi seçin.",
        "Scan the order number or order code, or choose the customer.",
    ),
    # -- exchanges -------------------------------------------------------------------------
    "exchange-no-replacement": w(
        "Değişim için yeni ürün seçilmedi. Yalnızca geri almak için iade yapın.",
        "No new item was chosen for the exchange. To only take items back, make a return.",
    ),
    "exchange-replacement-unavailable": w(
        (
            "{sku} şu anda alınamıyor; değişim yapılmadı, hiçbir şey iade alınmadı. Başka "
            "bir beden ya da renk seçin veya başka bir mağazadan sipariş edin.",
            "Yeni ürün şu anda alınamıyor; değişim yapılmadı, hiçbir şey iade alınmadı. Başka "
            "bir beden ya da renk seçin veya başka bir mağazadan sipariş edin.",
        ),
        (
            "{sku} cannot be had right now; nothing was exchanged or taken back. Choose "
            "another size or colour, or order it from another store.",
            "The new item cannot be had right now; nothing was exchanged or taken back. "
            "Choose another size or colour, or order it from another store.",
        ),
    ),
    "exchange-no-customer": w(
        "Siparişin kayıtlı bir müşterisi yok; yeni sipariş açılamaz. Ürünü iade olarak geri alın.",
        "The order has no registered customer to order the new item for. Take it back as a return.",
    ),
    "exchange-charge-failed": w(
        "Fark tutarı ödeme sağlayıcısından çekilemedi; değişim yapılmadı. Biraz sonra "
        "tekrar deneyin.",
        "The payment provider could not charge the difference; nothing was exchanged. Try "
        "again shortly.",
    ),
    # -- coupons -----------------------------------------------------------------------
    "coupon-not-applicable": w(
        "Kupon bu sepette geçerli değil.",
        "The coupon does not apply to this basket.",
    ),
    "coupon-used-up": w(
        "Bu kupon zaten kullanılmış.",
        "This coupon has already been used.",
    ),
    "coupon-customer-limit": w(
        "Müşteri bu kuponu kullanabileceği kadar kullandı.",
        "The customer has used this coupon as often as allowed.",
    ),
    "void-not-allowed": w(
        "Bu kupon kullanımını yalnızca mağaza müdürü iptal edebilir; kasiyer yalnızca kendi "
        "bugünkü kullanımlarını iptal eder.",
        "Only a manager can void this; cashiers void their own redemptions on the same day.",
    ),
    "void-via-order": w(
        "Bu kupon bir siparişe ait; kuponu değil siparişi iptal edin.",
        "This coupon belongs to an order: cancel the order instead.",
    ),
    "already-voided": w(
        "Bu kupon kullanımı zaten iptal edilmiş.",
        "This redemption was already voided.",
    ),
    "offline-redemption-lost": w(
        (
            "Çevrimdışı kullanılan kupon sunucuda kabul edilmedi. {reason_words} İndirim "
            "mağaza müdürüne kayıp olarak bildirildi; kasada yapılacak bir şey yok.",
            "Çevrimdışı kullanılan kupon sunucuda kabul edilmedi. İndirim mağaza müdürüne "
            "kayıp olarak bildirildi; kasada yapılacak bir şey yok.",
        ),
        (
            "A coupon given offline was refused by the server. {reason_words} The discount "
            "is recorded as a loss for the store's manager; nothing to do at the till.",
            "A coupon given offline was refused by the server. The discount is recorded as a "
            "loss for the store's manager; nothing to do at the till.",
        ),
    ),
    # -- requests as such --------------------------------------------------------------
    "validation": w(
        "Bilgiler eksik ya da hatalı. Kontrol edip tekrar deneyin.",
        "Something is missing or not valid. Check and try again.",
    ),
    "malformed-json": w(
        "Gönderilen bilgi sunucuya bozuk ulaştı. Tekrar deneyin; sürerse yöneticinize bildirin.",
        "What was sent reached the server damaged. Try again; if it persists, tell your manager.",
    ),
    "bad-request": w(
        "Sunucu isteği anlayamadı. Tekrar deneyin; sürerse yöneticinize bildirin.",
        "The server could not read the request. Try again; if it persists, tell your manager.",
    ),
    "payload-too-large": w(
        "Gönderilen bilgi çok büyük. Daha kısa yazıp tekrar deneyin.",
        "What was sent is too large. Shorten it and try again.",
    ),
    "request-timeout": w(
        "Bağlantı çok yavaş; istek zamanında ulaşmadı. Tekrar deneyin.",
        "The connection is too slow; the request did not arrive in time. Try again.",
    ),
    "bad-idempotency-key": w(
        "İstek tanınamadı. Tekrar deneyin; sürerse yöneticinize bildirin.",
        "The request could not be identified. Try again; if it persists, tell your manager.",
    ),
    "idempotency-key-reused": w(
        "Bu işlem daha önce farklı bilgilerle gönderilmiş. İşlemi baştan yapın.",
        "This action was sent before with different details. Start it again.",
    ),
    "request-in-progress": w(
        "Aynı işlem hâlâ sürüyor. Birkaç saniye bekleyip tekrar deneyin.",
        "The same action is still running. Wait a few seconds and try again.",
    ),
    "forbidden": w(
        "Bu işlem için yetkiniz yok.",
        "You are not allowed to do this.",
    ),
    "method-not-allowed": w(
        "Bu işlem sunucuda desteklenmiyor. Uygulamayı güncelleyin.",
        "The server does not support this action. Update the app.",
    ),
    "unsupported-media-type": w(
        "Bu işlem sunucuda desteklenmiyor. Uygulamayı güncelleyin.",
        "The server does not support this action. Update the app.",
    ),
    "database-unavailable": w(
        "Sunucu şu anda veritabanına ulaşamıyor; hiçbir şey değişmedi. Biraz sonra tekrar deneyin.",
        "The server cannot reach its database right now; nothing was changed. Try again shortly.",
    ),
    "pay-link-contact-missing": w(
        "Müşterinin bu kanal için kayıtlı iletişim bilgisi yok: diğer yolu deneyin ya da "
        "ödeme kodunu müşterinin telefonuyla okutun.",
        "The customer has nothing on file for this channel: use the other one, or let them "
        "scan the pay code with their phone.",
    ),
    "internal-error": w(
        "Sunucuda bir sorun oluştu. Tekrar deneyin; sürerse yöneticinize bildirin.",
        "Something went wrong on the server. Try again; if it persists, tell your manager.",
    ),
    "http-error": w(
        "Sunucudan beklenmeyen bir yanıt geldi. Tekrar deneyin.",
        "The server gave an unexpected answer. Try again.",
    ),
    "offline": w(
        "Sunucuya ulaşılamıyor. Wi-Fi bağlantısını kontrol edin.",
        "The server cannot be reached. Check the Wi-Fi connection.",
    ),
}

# Why a coupon does not apply (app/domain/coupons.py `Refusal`), and why an offline
# redemption was lost (app/server/promotions/offline.py): sentences that follow the
# problem's own sentence.
REASONS: dict[str, Words] = {
    "not_yet_valid": w(
        "Kupon henüz geçerli değil.",
        "The coupon is not valid yet.",
    ),
    "expired": w(
        "Kuponun süresi dolmuş.",
        "The coupon has expired.",
    ),
    "wrong_channel": w(
        "Kupon bu satış kanalında kullanılamaz.",
        "The coupon cannot be used in this sales channel.",
    ),
    "below_minimum": w(
        "Sepet tutarı kuponun alt sınırının altında.",
        "The basket is below the coupon's minimum amount.",
    ),
    "used_up": w(
        "Kupon zaten kullanılmış.",
        "The coupon has already been used.",
    ),
    "customer_limit_reached": w(
        "Müşteri bu kuponu kullanabileceği kadar kullandı.",
        "The customer has used this coupon as often as allowed.",
    ),
    "not_owner": w(
        "Kupon başka bir müşteriye ait.",
        "The coupon belongs to another customer.",
    ),
    "customer_required": w(
        "Bu kişisel bir kupon: önce müşteriyi tanıtın (uygulamasındaki QR kod).",
        "This is a personal coupon: identify the customer first (their app's QR code).",
    ),
    "empty_basket": w(
        "Sepet boş: önce ürünleri okutun.",
        "The basket is empty: scan the items first.",
    ),
    "offline_not_allowed": w(
        "Bu mağazada çevrimdışı kupon kullanımına izin verilmiyor.",
        "This store allows no offline coupon redemptions.",
    ),
    "offline_over_limit": w(
        "Kasanın o günkü çevrimdışı kupon sınırı dolmuştu.",
        "The till had used up its offline limit for the day.",
    ),
    "offline_at_implausible": w(
        "Satış saati 48 saatten eski ya da sunucu saatinden ileride; tabletin tarih ve "
        "saatini kontrol edin.",
        "The sale time was more than 48 hours ago or ahead of the server's clock; check the "
        "tablet's date and time.",
    ),
    "refused": w(
        "Sunucu kuponu kabul etmedi.",
        "The server refused the coupon.",
    ),
}

# A scan the server (or the tablet, offline) did not accept: (what was scanned, reason).
# "*" is any kind of code. Reasons: app/qr/envelope.py `Reason` and "not_found".
SCANS: dict[tuple[str, str], Words] = {
    ("identity", "expired"): w(
        "Müşteri kodunun süresi doldu; müşteriden uygulamadaki kodu yenilemesini isteyin.",
        "The customer's code has expired; ask them to refresh it in the app.",
    ),
    ("identity", "replayed"): w(
        "Bu müşteri kodu zaten kullanıldı; müşteriden uygulamadaki yeni kodu göstermesini isteyin.",
        "This customer code was already used; ask the customer to show the new one in the app.",
    ),
    ("identity", "bad_signature"): w(
        "Bu müşteri kodu geçerli değil (bozuk ya da sahte).",
        "This customer code is not genuine (damaged or forged).",
    ),
    ("identity", "unknown_key"): w(
        "Bu kodu üreten uygulama kayıtlı değil ya da oturumu kapatılmış; müşteriden "
        "uygulamada yeniden giriş yapmasını isteyin.",
        "The app that made this code is not registered or was signed out; ask the customer "
        "to sign in to the app again.",
    ),
    ("identity", "wrong_kind"): w(
        "Bu bir müşteri kodu değil.",
        "This is not a customer code.",
    ),
    ("identity", "not_found"): w(
        "Bu kodla eşleşen müşteri bulunamadı.",
        "No customer matches this code.",
    ),
    ("coupon", "expired"): w(
        "Kuponun süresi dolmuş.",
        "The coupon has expired.",
    ),
    ("coupon", "bad_signature"): w(
        "Kupon kodu geçerli değil (bozuk ya da sahte).",
        "The coupon code is not genuine (damaged or forged).",
    ),
    ("coupon", "unknown_key"): w(
        "Kupon bu sunucunun tanımadığı bir anahtarla imzalanmış.",
        "The coupon was signed with a key this server does not know.",
    ),
    ("coupon", "wrong_kind"): w(
        "Bu bir kupon kodu değil; müşterinin uygulamasındaki kupon QR kodunu okutun.",
        "That is not a coupon; scan the coupon QR code in the customer's app.",
    ),
    ("coupon", "not_found"): w(
        "Bu kupon sistemde kayıtlı değil.",
        "This coupon is not on record.",
    ),
    ("shelf", "not_found"): w(
        "Bu raf etiketindeki ürün artık satışta değil.",
        "The product on this shelf label is no longer sold.",
    ),
    ("shelf", "bad_signature"): w(
        "Bu raf etiketi bize ait değil.",
        "This shelf label is not one of ours.",
    ),
    ("pay_link", "expired"): w(
        "Ödeme bağlantısının süresi dolmuş.",
        "The pay link has expired.",
    ),
    ("pay_link", "bad_signature"): w(
        "Bu ödeme bağlantısı geçerli değil.",
        "This pay link is not valid.",
    ),
    ("ean13", "not_found"): w(
        "Bu barkodla kayıtlı bir ürün yok.",
        "No product has this barcode.",
    ),
    ("*", "malformed"): w(
        "Kod okunamadı ya da Reyon'un tanıdığı bir kod değil.",
        "The code could not be read, or it is not one Reyon knows.",
    ),
    ("*", "wrong_kind"): w(
        "Bu kod burada kullanılamaz.",
        "This code cannot be used here.",
    ),
    ("*", "bad_signature"): w(
        "Kod geçerli değil (bozuk ya da sahte).",
        "The code is not genuine (damaged or forged).",
    ),
    ("*", "expired"): w(
        "Kodun süresi dolmuş.",
        "The code has expired.",
    ),
    ("*", "replayed"): w(
        "Bu kod zaten kullanıldı.",
        "This code was already used.",
    ),
    ("*", "unknown_key"): w(
        "Kodu üreten uygulama ya da anahtar bu sunucuda kayıtlı değil.",
        "The app or key that made this code is not registered with this server.",
    ),
    ("*", "not_found"): w(
        "Bu kod tanınmadı.",
        "This code is not recognised.",
    ),
}

# When nothing more specific is known: by the status's class ("4xx"), or by the status.
STATUSES: dict[str, Words] = {
    "400": KINDS["bad-request"],
    "401": KINDS["unauthorized"],
    "403": KINDS["forbidden"],
    "404": KINDS["not-found"],
    "409": w(
        "İşlem şu anki durumla çakışıyor. Sayfayı yenileyip tekrar deneyin.",
        "This clashes with the current state. Reload and try again.",
    ),
    "422": KINDS["validation"],
    "423": w(
        "Hesap kilitli. Daha sonra tekrar deneyin ya da müdüre başvurun.",
        "The account is locked. Try again later or ask a manager.",
    ),
    "429": KINDS["too-many-requests"],
    "4xx": w(
        "İşlem kabul edilmedi. Bilgileri kontrol edip tekrar deneyin.",
        "The action was refused. Check the details and try again.",
    ),
    "503": KINDS["database-unavailable"],
    "5xx": KINDS["internal-error"],
    "0": KINDS["offline"],
    "": w(
        "Bir sorun oluştu. Tekrar deneyin; sürerse yöneticinize bildirin.",
        "Something went wrong. Try again; if it persists, tell your manager.",
    ),
}
