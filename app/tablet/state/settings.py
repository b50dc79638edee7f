"""Scene 9, settings: which central API the tablet talks to (checked before it is used), the
language, this tablet's device id, and what version of Reyon runs here and there."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.contracts.sync import Health
from app.tablet.problem import ApiProblem
from app.tablet.state.session import Scene

_HOST = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def normalised_api_url(text: str) -> str | None:
    """The address as the client should use it, or None when it cannot be an API address:
    http(s), a host name or IP address, an optional port and path prefix, nothing else."""
    text = text.strip()
    if not text or any(c.isspace() for c in text):
        return None
    if "://" not in text:
        text = "http://" + text  # a bare host:port, as people type it
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a port that is not a number in range
    except ValueError:
        return None
    host = parts.hostname or ""
    is_ip = True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        is_ip = False
    if (
        parts.scheme not in ("http", "https")
        or not (is_ip or _HOST.match(host))
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        return None
    shown_host = f"[{host}]" if ":" in host else host
    netloc = f"{shown_host}:{port}" if port is not None else shown_host
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"


@dataclass
class SettingsScene(Scene):
    api_url: str = ""  # as typed in the field
    health: Health | None = None  # the API's answer to the last check
    error: str | None = None  # i18n key: bad_url | offline | not_reyon
    saved: bool = False

    @property
    def api_in_use(self) -> str:
        return self.gateway.api_url

    def show(self) -> None:
        self.api_url = self.gateway.api_url
        self.error, self.saved = None, False
        self.check()
        self.session.show("settings")
        self.session.changed()

    def check(self) -> bool:
        """Ask the API in use who it is; `health` always describes the API in use."""
        self.saved = False
        try:
            self.health, self.error = self.gateway.health(), None
        except ApiProblem as exc:
            self.health, self.error = None, "offline" if exc.offline else "not_reyon"
        return self.health is not None

    def apply_api_url(self, text: str) -> None:
        """Switch to the typed address only if a Reyon API answers there; otherwise keep the
        one that works, so a typo cannot strand the tablet."""
        self.api_url = text
        self.saved = False
        url = normalised_api_url(text)
        before = self.gateway.api_url
        if url is None:
            self.error = "bad_url"
        else:
            try:
                self.health = self.gateway.use_api(url)
            except ApiProblem as exc:
                self.error = "offline" if exc.offline else "not_reyon"
            else:
                self.api_url, self.error, self.saved = url, None, True
                self.session.remember("api_url", url)
                if url != before and self.session.who is not None:
                    self.session.end()  # logged in on the old API: that session means nothing here
                    self.session.show("settings")
        self.session.changed()
