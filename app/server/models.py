"""Every table, imported in one place so metadata (Alembic, create_all) sees them all."""

from app.server.auth.models import Associate, AuthSession, PinLock
from app.server.catalog.models import Location, Product, Variant
from app.server.clienteling.appointment_models import Appointment, AppointmentSlot
from app.server.clienteling.models import ClientAssignment, FollowUpTask
from app.server.customers.models import (
    Cart,
    CartLine,
    ConsentChallenge,
    ConsentEvent,
    Customer,
    CustomerAddress,
    CustomerNote,
    TryOn,
    VisitGrant,
    WishlistEntry,
)
from app.server.devices.models import Device, DeviceEnrolment
from app.server.idempotency.models import IdempotencyRecord
from app.server.inventory.models import Reservation, StockLevel
from app.server.inventory.transfer_models import Transfer, TransferLine
from app.server.loyalty.models import LoyaltyEntry
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.outreach.models import Look, LookItem, OutreachMessage
from app.server.promotions.models import (
    Coupon,
    OfflineCouponPolicyRow,
    OfflineRedemptionLossRow,
    Redemption,
)
from app.server.recommend.models import ProductCompanion, RecommendationRun
from app.server.returns.models import OrderReturn, ReturnLine, StoreCredit
from app.server.storefront.models import ShelfScan
from app.server.sync.models import ChangeLog

__all__ = [
    "Appointment",
    "AppointmentSlot",
    "Associate",
    "AuthSession",
    "Cart",
    "CartLine",
    "ChangeLog",
    "ClientAssignment",
    "ConsentChallenge",
    "ConsentEvent",
    "Coupon",
    "Customer",
    "CustomerAddress",
    "CustomerNote",
    "Device",
    "DeviceEnrolment",
    "FollowUpTask",
    "IdempotencyRecord",
    "Location",
    "Look",
    "LookItem",
    "LoyaltyEntry",
    "OfflineCouponPolicyRow",
    "OfflineRedemptionLossRow",
    "Order",
    "OrderLine",
    "OrderReturn",
    "OrderStatusEvent",
    "OutreachMessage",
    "PinLock",
    "Product",
    "ProductCompanion",
    "RecommendationRun",
    "Redemption",
    "Reservation",
    "ReturnLine",
    "ShelfScan",
    "StockLevel",
    "StoreCredit",
    "Transfer",
    "TransferLine",
    "TryOn",
    "Variant",
    "VisitGrant",
    "WishlistEntry",
]
