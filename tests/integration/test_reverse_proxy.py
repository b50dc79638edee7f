"""deploy/nginx/reyon.conf, run for real: nginx (Debian's package) in the foreground as this
user, with the example's own text and only its placeholders replaced by free loopback ports and
files in a temporary folder, in front of two API processes started as `reyon api` serves.

Clients of their own come from other loopback addresses (127.0.0.2, ...), so that nginx, and
the API behind it, see each as a client apart."""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.contracts.auth import LoginRequest
from app.contracts.common import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from app.settings import ApiSettings
from tests.integration.test_slow_clients import _until_closed
from tests.server import HANG_S, ROOT, ApiProcess, free_port, start_api

EXAMPLE = ROOT / "deploy" / "nginx" / "reyon.conf"
LOGIN = "/v1/auth/login"
# A well-formed log-in (the contract's own example): the API counts it against its limits.
LOGIN_BODY = LoginRequest.model_json_schema()["examples"][0]
API_LIMIT = 2  # log-ins per client address that each API process lets through (an hour)


def _nginx() -> str:
    # Debian puts it in /usr/sbin, which is not on an ordinary user's PATH.
    sbin = "/usr/sbin/nginx"
    found = shutil.which("nginx") or (sbin if os.access(sbin, os.X_OK) else None)
    if found is None:
        message = "nginx is not installed (apt-get install -y nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": required in CI")
        pytest.skip(message)
    return found


@dataclass
class Proxy:
    https_port: int
    http_port: int
    tls: ssl.SSLContext  # trusts the test certificate
    apis: list[ApiProcess]

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def client(self, address: str) -> httpx.Client:
        """A client calling from `address` (one of 127.0.0.0/8)."""
        transport = httpx.HTTPTransport(verify=self.tls, local_address=address)
        return httpx.Client(base_url=self.url, transport=transport, timeout=HANG_S)

    def tls_socket(self, address: str) -> ssl.SSLSocket:
        raw = socket.create_connection(
            ("127.0.0.1", self.https_port), timeout=HANG_S, source_address=(address, 0)
        )
        return self.tls.wrap_socket(raw, server_hostname="127.0.0.1")


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _render(replace: dict[str, str]) -> str:
    text = EXAMPLE.read_text()
    for placeholder, value in replace.items():
        assert placeholder in text, f"{EXAMPLE} no longer has {placeholder}"
        text = text.replace(placeholder, value)
    left = sorted(set(re.findall(r"__[A-Z0-9_]+__", text)))
    assert not left, f"{EXAMPLE} has placeholders this test does not fill: {left}"
    return text


@pytest.fixture(scope="module")
def proxy(fresh_database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:  # type: ignore[no-untyped-def]
    nginx = _nginx()
    folder = tmp_path_factory.mktemp("nginx")
    database_url = fresh_database("sqlite")
    env = {
        "FORWARDED_ALLOW_IPS": "127.0.0.1",  # nginx
        "REYON_LOGIN_LIMIT_PER_CLIENT": f"{API_LIMIT}/hour",
        # Each process counts in its own memory: how many log-ins get through shows how many
        # processes answered.
        "REYON_REDIS_URL": "",
    }
    apis: list[ApiProcess] = []
    proc: subprocess.Popen[bytes] | None = None
    try:
        apis = [start_api(database_url, log_dir=folder, extra_env=env) for _ in range(2)]
        cert, key = _certificate(folder)
        https_port, http_port = free_port(), free_port()
        site = folder / "reyon.conf"
        site.write_text(
            _render(
                {
                    "__API_1__": apis[0].url.removeprefix("http://"),
                    "__API_2__": apis[1].url.removeprefix("http://"),
                    "__HTTP_LISTEN__": f"127.0.0.1:{http_port}",
                    "__HTTPS_LISTEN__": f"127.0.0.1:{https_port}",
                    "__CERT__": str(cert),
                    "__KEY__": str(key),
                }
            )
        )
        temp = {
            kind: folder / kind for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        }
        for path in temp.values():
            path.mkdir()
        main = folder / "nginx.conf"
        main.write_text(
            "\n".join(
                [
                    # As root, nginx would hand its worker to a user who cannot enter
                    # pytest's private temporary folder.
                    "user root;" if os.geteuid() == 0 else "",
                    "worker_processes 1;",  # one round-robin turn order for the test to see
                    "events { worker_connections 1024; }",
                    "http {",
                    f"    access_log {folder / 'access.log'};",
                    *(f"    {kind}_temp_path {path};" for kind, path in temp.items()),
                    f"    include {site};",
                    "}",
                ]
            )
        )
        error_log = folder / "error.log"
        proc = subprocess.Popen(
            [nginx, "-e", str(error_log), "-p", str(folder), "-c", str(main),
             "-g", f"daemon off; pid {folder / 'nginx.pid'}; error_log {error_log} info;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + HANG_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"nginx exited at start-up:\n{error_log.read_text()[-4000:]}")
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start listening"
                time.sleep(0.1)
        tls = ssl.create_default_context(cafile=str(cert))
        yield Proxy(https_port=https_port, http_port=http_port, tls=tls, apis=apis)
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(HANG_S)
        for api in apis:
            api.stop()


def test_requests_reach_both_processes_which_count_each_clients_own_address(
    proxy: Proxy,
) -> None:
    """Each API process lets API_LIMIT log-ins an hour from one address through. Through
    nginx, one client gets twice that: both processes answered it, in turn. Another client
    is not held up: the API counted the first by its own address (X-Forwarded-For), not by
    nginx's."""
    statuses: list[int] = []
    with proxy.client("127.0.0.2") as first:
        assert first.get("/v1/health").status_code == 200
        while statuses[-2:] != [429, 429]:  # refused by both processes in turn
            assert len(statuses) < 10 * API_LIMIT, statuses
            statuses.append(first.post(LOGIN, json=LOGIN_BODY).status_code)
    assert 429 not in statuses[: 2 * API_LIMIT] and len(statuses) == 2 * API_LIMIT + 2, statuses
    with proxy.client("127.0.0.3") as second:
        others = [second.post(LOGIN, json=LOGIN_BODY).status_code for _ in range(2)]
    assert 429 not in others, others


def test_plain_http_is_sent_to_https(proxy: Proxy) -> None:
    r = httpx.get(f"http://127.0.0.1:{proxy.http_port}/v1/health", timeout=HANG_S)
    assert r.status_code == 308
    assert r.headers["location"] == "https://127.0.0.1/v1/health"


def test_slow_clients_are_closed_by_the_proxy_while_it_keeps_serving(proxy: Proxy) -> None:
    """A header stream that never ends, a body that stalls and a connection that never even
    starts its TLS handshake: nginx closes each (10 s, the example's own time-outs), and
    serves others meanwhile."""
    headers = proxy.tls_socket("127.0.0.4")
    body = proxy.tls_socket("127.0.0.4")
    silent = socket.create_connection(("127.0.0.1", proxy.https_port), timeout=HANG_S)
    with headers, body, silent:
        headers.sendall(b"GET /v1/health HTTP/1.1\r\nHost: reyon\r\nX-Slow: ")
        body.sendall(
            f"POST {LOGIN} HTTP/1.1\r\nHost: reyon\r\nContent-Type: application/json\r\n"
            "Content-Length: 1000\r\n\r\n{".encode()
        )
        with proxy.client("127.0.0.5") as other:
            assert other.get("/v1/health").status_code == 200
        sent = _until_closed(headers, feed=lambda: b"a")
        assert not sent.startswith(b"HTTP/1.1 2"), sent
        sent = _until_closed(body)
        assert not sent.startswith(b"HTTP/1.1 2"), sent
        assert _until_closed(silent) == b""
    with proxy.client("127.0.0.5") as other:
        assert other.get("/v1/health").status_code == 200


def test_a_body_over_the_apis_limit_is_refused_by_the_proxy(proxy: Proxy) -> None:
    limit = ApiSettings.model_fields["max_body_bytes"].default
    with proxy.client("127.0.0.6") as client:
        # Exactly the limit passes nginx; the API reads it and finds no JSON in it.
        at_limit = client.post(
            LOGIN, content=b" " * limit, headers={"Content-Type": "application/json"}
        )
        over = client.post(
            LOGIN, content=b" " * (limit + 1), headers={"Content-Type": "application/json"}
        )
    assert at_limit.status_code in (400, 422), at_limit.text
    assert over.status_code == 413, over.text
    assert over.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert over.json()["type"] == PROBLEM_BASE + "payload-too-large"


def test_the_proxy_limits_log_in_attempts_per_address(proxy: Proxy) -> None:
    """A burst of 20 passes, then nginx's own 429 (its message, not the API's), long before
    the API would hash a PIN for it; another address is not held up."""
    with proxy.client("127.0.0.7") as flood:
        for _ in range(200):
            r = flood.post(LOGIN, json=LOGIN_BODY)
            if r.status_code == 429 and "at once" in r.json().get("detail", ""):
                break
        else:
            pytest.fail("nginx let 200 log-ins from one address through")
    assert r.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert r.json()["type"] == PROBLEM_BASE + "too-many-requests"
    with proxy.client("127.0.0.8") as other:
        assert other.post(LOGIN, json=LOGIN_BODY).status_code != 429
