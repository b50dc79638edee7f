"""A TCP proxy between the tablets and the API that misbehaves like store Wi-Fi: it refuses
connections during an outage, delays traffic, and cuts connections, including after the API
has already answered (the request was applied, the tablet never hears so: the case an
Idempotency-Key exists for)."""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Faults:
    refuse: float = 0.0  # share of new connections closed at once
    cut_answer: float = 0.0  # share of the API's answers swallowed, connection cut
    delay_s: float = 0.0  # up to this long before each chunk is passed on
    outage: bool = False  # every new connection refused, every open one cut


@dataclass
class FaultyProxy:
    target_port: int
    seed: int = 0
    faults: Faults = field(default_factory=Faults)
    port: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("accepted", "refused", "cut", "unreachable"), 0
    ))  # fmt: skip

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._server = socket.create_server(("127.0.0.1", self.port))
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _roll(self, p: float) -> bool:
        with self._lock:
            return self._rng.random() < p

    def set_outage(self, on: bool) -> None:
        self.faults.outage = on
        if on:
            with self._lock:
                conns = list(self._open)
            for s in conns:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._server.close()
        self.set_outage(True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self.faults.outage or self._roll(self.faults.refuse):
                self.counts["refused"] += 1
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=2)
            except OSError:
                self.counts["unreachable"] += 1  # the API process is down
                client.close()
                continue
            upstream.settimeout(None)
            self.counts["accepted"] += 1
            with self._lock:
                self._open.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, answers: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if self.faults.delay_s:
                    with self._lock:
                        pause = self._rng.uniform(0, self.faults.delay_s)
                    time.sleep(pause)
                if answers and self._roll(self.faults.cut_answer):
                    # The API answered (and did the work); the tablet never reads it.
                    self.counts["cut"] += 1
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
                with self._lock:
                    self._open.discard(s)
