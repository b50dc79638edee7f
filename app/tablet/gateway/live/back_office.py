"""The live gateway's back office (online only): report, enrolment codes, devices, staff."""

from __future__ import annotations

from datetime import date

from app.contracts.auth import StaffList
from app.contracts.devices import DeviceList, DeviceOut, EnrolmentCodeOut
from app.contracts.reports import StoreReport
from app.tablet.gateway.live.base import LiveBase


class LiveBackOffice(LiveBase):
    def store_report(self, first_day: date, last_day: date) -> StoreReport:
        return self.client.store_report(first_day, last_day)

    def enrolment_code(self) -> EnrolmentCodeOut:
        return self.client.enrolment_code()

    def devices(self) -> DeviceList:
        return self.client.devices()

    def staff(self, store_id: int) -> StaffList:
        return self.client.staff(store_id)

    def revoke_device(self, device_id: str) -> DeviceOut:
        return self.client.revoke_device(device_id)

    def set_associate_active(self, associate_id: int, *, active: bool) -> None:
        self.client.set_associate_active(associate_id, active=active)

    def unlock_associate(self, associate_id: int) -> None:
        self.client.unlock_associate(associate_id)
