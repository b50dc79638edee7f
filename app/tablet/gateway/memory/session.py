"""The in-memory gateway's connection and sign-in: API address, enrolment, PIN log-in."""

from __future__ import annotations

from datetime import timedelta

from app.contracts.auth import AssociateOut, LoginResponse, StoreRef
from app.contracts.devices import DeviceCredential, DeviceOut, EnrolRequest
from app.contracts.sync import Health
from app.tablet.gateway import SignedIn, checked
from app.tablet.gateway.memory.base import LOCK_AFTER, MemoryBase, utcnow
from app.tablet.problem import ApiProblem, OfflineLoginError


class MemorySession(MemoryBase):
    def health(self) -> Health:
        self._need_online()
        return Health(status="ok", database="memory", version="memory")

    def use_api(self, url: str) -> Health:
        if url not in self.reachable:
            raise ApiProblem(0, "offline", "Nothing answers there", url)
        self.api_url = url
        return self.health()

    def enrol(self, code: str, name: str | None) -> DeviceCredential:
        body = checked(lambda: EnrolRequest(code=code, name=name))
        self._need_online()
        store = self.enrol_codes.pop(body.code, None)  # one-time: spent here
        if store is None:
            raise ApiProblem(404, "enrolment-code-invalid", "Unknown or used enrolment code")
        device_id, secret = f"{store}-{next(self._ids)}", f"secret-{next(self._ids)}"
        row = DeviceOut(id=device_id, name=body.name or "Tablet", enrolled_at=utcnow(), revoked_at=None)  # fmt: skip
        self.devices_[device_id] = (secret, store, row)
        return DeviceCredential(device_id=device_id, device_secret=secret, store_code=store, name=row.name)  # fmt: skip

    def log_in(
        self, store_code: str, associate_code: str, pin: str, device: tuple[str, str]
    ) -> SignedIn:
        if not self.online:  # this tablet's own record of who logged in here
            known = self._remembered.get((store_code, associate_code))
            if known is None:
                raise OfflineLoginError("unknown")
            if known[0] != pin:
                raise OfflineLoginError("wrong_pin")
            self._resume, self._who = (store_code, associate_code, pin), known[1]
            return SignedIn(known[1], offline=True)
        session = self._check_login(store_code, associate_code, pin, device)
        self._remembered[store_code, associate_code] = (pin, session)
        self._who, self._resume = session, None
        return SignedIn(session)

    def _check_login(self, store: str, code: str, pin: str, device: tuple[str, str]) -> LoginResponse:  # fmt: skip
        enrolled = self.devices_.get(device[0])
        if enrolled is None or enrolled[0] != device[1] or enrolled[1] != store or enrolled[2].revoked_at:  # fmt: skip
            raise ApiProblem(403, "device-not-enrolled", "This tablet is not enrolled here")
        a = self.associates.get((store, code))
        if a is not None and a.wrong.get(device[0], 0) >= LOCK_AFTER:
            raise ApiProblem(423, "locked", "Too many wrong PINs")
        if a is None or not a.active or a.pin != pin:
            if a is not None:
                a.wrong[device[0]] = a.wrong.get(device[0], 0) + 1
            raise ApiProblem(401, "invalid-pin", "Wrong associate code or PIN")
        a.wrong.pop(device[0], None)
        loc = self.locations[a.store_id]
        return LoginResponse(access_token=f"mem-{next(self._ids)}", expires_at=utcnow() + timedelta(hours=12), associate=AssociateOut(id=a.id, code=a.code, name=a.name, role=a.role, store=StoreRef(id=loc.id, code=loc.code, name=loc.name)))  # fmt: skip

    def resume_online(self, device: tuple[str, str]) -> LoginResponse | None:
        if self._resume is None or not self.online:
            return None
        store, code, pin = self._resume
        self._resume = None
        try:
            self._who = self._check_login(store, code, pin, device)
        except ApiProblem:
            return None  # refused meanwhile: a log-in online is needed
        return self._who

    def log_out(self) -> None:
        self._who, self._resume = None, None

    def follow_store(self, store_id: int) -> None:
        self._synced = True
