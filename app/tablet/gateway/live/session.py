"""The live gateway's connection and sign-in: API address, enrolment, log-in (offline too)."""

from __future__ import annotations

import contextlib

from app.contracts.auth import LoginResponse
from app.contracts.devices import DeviceCredential
from app.contracts.sync import Health
from app.tablet.gateway import SignedIn
from app.tablet.gateway.live.base import LiveBase
from app.tablet.problem import ApiProblem


class LiveSession(LiveBase):
    # -- the connection ------------------------------------------------------------------

    @property
    def online(self) -> bool:
        return self.offline.online if self.offline is not None else True

    @property
    def keeps_cache(self) -> bool:
        return self.offline is not None

    @property
    def api_url(self) -> str:
        return self.client.base_url

    def health(self) -> Health:
        return self.client.health()

    def use_api(self, url: str) -> Health:
        if url.rstrip("/") == self.client.base_url:
            # The API in use, checked again: the session there goes on (a new client would
            # drop its token, and the next call would end the associate's session).
            return self.client.health()
        previous, token = self.client.base_url, self.client.token
        self.client.set_base_url(url)
        try:
            return self.client.health()
        except ApiProblem:
            self.client.set_base_url(previous)
            self.client.token = token  # still logged in where it was
            raise

    # -- the tablet and who uses it --------------------------------------------------------

    def enrol(self, code: str, name: str | None) -> DeviceCredential:
        return self.client.enrol(code, name)

    def log_in(
        self, store_code: str, associate_code: str, pin: str, device: tuple[str, str]
    ) -> SignedIn:
        people = self.offline.people if self.offline is not None else None
        try:
            session = self.client.login(store_code, associate_code, pin, *device)
        except ApiProblem as exc:
            if not exc.offline or people is None:
                raise
            remembered = people.log_in(store_code, associate_code, pin)
            self.client.token = remembered.access_token  # may have run out: reads fall back
            self._resume = (store_code, associate_code, pin)
            assert self.offline is not None
            self.offline.online = False
            return SignedIn(remembered, offline=True)
        if people is not None:
            people.remember(store_code, pin, session)
        self._resume = None
        if self.offline is not None:
            self.offline.online = True
        return SignedIn(session)

    def resume_online(self, device: tuple[str, str]) -> LoginResponse | None:
        if self._resume is None:
            return None
        store, code, pin = self._resume
        try:
            fresh = self.client.login(store, code, pin, *device)
        except ApiProblem as exc:
            if not exc.offline:  # refused (deactivated meanwhile): a log-in online is needed
                self._resume = None
            return None
        self._resume = None
        if self.offline is not None:
            self.offline.people.remember(store, pin, fresh)
            self.offline.online = True
            self.offline.outbox.wake()  # what waited under the remembered token goes now
        return fresh

    def log_out(self) -> None:
        self._resume = None
        self.client.log_out()

    def follow_store(self, store_id: int) -> None:
        if self.offline is not None:
            with contextlib.suppress(ApiProblem):  # the next sync tries again
                self.offline.follow_store(store_id)
