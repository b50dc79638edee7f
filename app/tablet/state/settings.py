"""Scene 9, settings: which central API the tablet talks to (checked before it is used), the
language, this tablet's device id, and what version of Reyon runs here and there."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.contracts.sync import Health
from app.tablet.client import ApiProblem, ReyonClient

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
class SettingsState:
    api_url: str = ""  # as typed in the field
    health: Health | None = None  # the API's answer to the last check
    error: str | None = None  # i18n key: bad_url | offline | not_reyon
    saved: bool = False

    def check(self, client: ReyonClient) -> bool:
        """Ask the API in use who it is; `health` always describes the API in use."""
        self.saved = False
        health, self.error = self._ask(client)
        self.health = health
        return health is not None

    @staticmethod
    def _ask(client: ReyonClient) -> tuple[Health | None, str | None]:
        try:
            return client.health(), None
        except ApiProblem as exc:
            return None, "offline" if exc.offline else "not_reyon"

    def apply(self, client: ReyonClient) -> bool:
        """Switch to the typed address only if a Reyon API answers there; otherwise keep the
        one that works, so a typo cannot strand the tablet."""
        url = normalised_api_url(self.api_url)
        self.saved = False
        if url is None:
            self.error = "bad_url"
            return False
        previous = client.base_url
        client.set_base_url(url)
        health, self.error = self._ask(client)
        if health is None:
            client.set_base_url(previous)
            return False
        self.health, self.api_url, self.saved = health, url, True
        return True
