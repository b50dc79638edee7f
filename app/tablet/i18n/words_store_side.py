"""The words of the store side, in both languages (merged into STRINGS by strings.py): the
customer scene's pickups waiting, returns and transfers made for them, and the manager's
pickups on time and returns by reason. Steps, statuses, reasons and refund methods are the
prepare, order, transfer and return scenes' own words."""

from __future__ import annotations

TR: dict[str, str] = {
    "side_pickups": "Teslim almayı bekleyen",
    "side_pickup_where": "{store} · {items}",
    "side_pickup_due": "Söz verilen gün: {day}",
    "side_pickup_held": "Ayrılma: {time}",
    "side_pickup_waiting": "{n} ürün hazır",
    "side_returns": "İadeler",
    "side_return_where": "{day} · {store} · {items} · {method}",
    "side_return_state_part_of_order": "Siparişin bir kısmı",
    "side_return_state_whole_order": "Siparişin tamamı",
    "side_transfers": "Müşteri için transferler",
    "side_transfer_route": "{source} → {target}",
    "side_transfer_when": "{day} · {items} · {received} geldi",
    "side_open_order": "Siparişi aç",
    "report_pickups_on_time": "Zamanında hazır",
    "report_pickups_on_time_sub": "{on_time}/{ready} gel-al siparişi söz verilen günde",
    "report_returns": "Bu mağazada iade edilen ürün",
    "report_returns_sub": "İade: {n} · {amount}",
    "report_returns_by_reason": "Sebebe göre iadeler",
}

EN: dict[str, str] = {
    "side_pickups": "Waiting to be collected",
    "side_pickup_where": "{store} · {items}",
    "side_pickup_due": "Promised for {day}",
    "side_pickup_held": "Held until {time}",
    "side_pickup_waiting": "{n} ready to take",
    "side_returns": "Returns",
    "side_return_where": "{day} · {store} · {items} · {method}",
    "side_return_state_part_of_order": "Part of the order",
    "side_return_state_whole_order": "The whole order",
    "side_transfers": "Transfers for the customer",
    "side_transfer_route": "{source} → {target}",
    "side_transfer_when": "{day} · {items} · {received} arrived",
    "side_open_order": "Open the order",
    "report_pickups_on_time": "Ready on time",
    "report_pickups_on_time_sub": "{on_time} of {ready} pickups ready by the promised day",
    "report_returns": "Items returned at this store",
    "report_returns_sub": "Returns: {n} · {amount}",
    "report_returns_by_reason": "Returns by reason",
}
