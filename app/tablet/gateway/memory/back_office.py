"""The in-memory gateway's back office, managers only: report, codes, devices, staff."""

from __future__ import annotations

from datetime import date, timedelta

from app.contracts.auth import StaffList, StaffMember
from app.contracts.devices import DeviceList, DeviceOut, EnrolmentCodeOut
from app.contracts.reports import DayFigures, StoreReport
from app.tablet.gateway.memory.base import LOCK_AFTER, MemoryBase, utcnow
from app.tablet.gateway.memory_store_side import ReadyPickup, ReturnTaken, report_figures
from app.tablet.gateway.memory_world import Associate


class MemoryBackOffice(MemoryBase):
    # The report's pickups and returns (memory_store_side.py fills them in the demo world).
    ready_pickups: tuple[ReadyPickup, ...] = ()
    returns_taken: tuple[ReturnTaken, ...] = ()

    def store_report(self, first_day: date, last_day: date) -> StoreReport:
        who = self._need_manager()
        store = who.associate.store
        mine = [o for o in self.orders.values() if o.store_location_id == store.id]
        days = [DayFigures(day=first_day + timedelta(days=i), endless_aisle_orders=0, endless_aisle_revenue_kurus=0, shelf_scans=0, redemptions=0) for i in range((last_day - first_day).days + 1)]  # fmt: skip
        return StoreReport(store_id=store.id, store_code=store.code, store_name=store.name, first_day=first_day, last_day=last_day, timezone="Europe/Istanbul", days=days, endless_aisle_orders=len(mine), endless_aisle_revenue_kurus=sum(o.total_kurus for o in mine), by_associate=[], shelf_scans=0, shelf_scan_visitors=0, shelf_conversions=0, redemptions=len(self.redemptions), redemption_discount_kurus=sum(r.discount_kurus for r in self.redemptions.values()), by_campaign=[], cross_channel_customers=0).model_copy(update=report_figures(self.ready_pickups, self.returns_taken, store.id, first_day, last_day))  # fmt: skip

    def enrolment_code(self) -> EnrolmentCodeOut:
        who = self._need_manager()
        code = f"ENROL-{next(self._ids)}"
        self.enrol_codes[code] = who.associate.store.code
        return EnrolmentCodeOut(code=code, expires_at=utcnow() + timedelta(minutes=15))

    def devices(self) -> DeviceList:
        store = self._need_manager().associate.store.code
        return DeviceList(items=[row for _, s, row in self.devices_.values() if s == store])

    def staff(self, store_id: int) -> StaffList:
        self._need_manager()
        return StaffList(items=[StaffMember(id=a.id, code=a.code, name=a.name, role=a.role, active=a.active, locked_on=[d for d, n in a.wrong.items() if n >= LOCK_AFTER]) for a in self.associates.values() if a.store_id == store_id])  # fmt: skip

    def revoke_device(self, device_id: str) -> DeviceOut:
        self._need_manager()
        secret, store, row = self.devices_[device_id]
        row = row.model_copy(update={"revoked_at": utcnow()})
        self.devices_[device_id] = (secret, store, row)
        return row

    def _associate(self, associate_id: int) -> Associate:
        self._need_manager()
        return next(a for a in self.associates.values() if a.id == associate_id)

    def set_associate_active(self, associate_id: int, *, active: bool) -> None:
        self._associate(associate_id).active = active

    def unlock_associate(self, associate_id: int) -> None:
        self._associate(associate_id).wrong.clear()
