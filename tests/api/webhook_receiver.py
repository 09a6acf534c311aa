"""A real HTTP receiver for webhook tests: a thread running ``http.server`` on 127.0.0.1.

It answers 500 to its first ``fail_first`` requests, then 200 (or 500 to everything with
``always_fail``, or 307 to ``redirect_to``); ``hold`` makes each request wait until the
test releases it. It records every request and, per ``webhook-id``, how many were in
flight at once, so a test can tell that no event was ever delivered twice at once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True, slots=True)
class Received:
    """One request as received."""

    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    """The receiver's behaviour and what it saw (read under ``lock``)."""

    fail_first: int = 0
    always_fail: bool = False
    delay: float = 0.0
    hold: threading.Event | None = None
    redirect_to: str | None = None
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    received: list[Received] = field(default_factory=list)
    in_flight: Counter[str] = field(default_factory=Counter)
    overlaps: list[str] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    def accepted_ids(self) -> list[str]:
        with self.lock:
            return [r.headers["webhook-id"] for r in self.received if r.status == 200]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[str]:
        """The accepted ``webhook-id``s once there are ``count`` of them (or on timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ids = self.accepted_ids()
            if len(set(ids)) >= count:
                return ids
            time.sleep(0.02)
        return self.accepted_ids()

    def _status(self) -> int:
        if self.redirect_to is not None:
            return 307
        with self.lock:
            failing = self.always_fail or len(self.received) < self.fail_first
        return 500 if failing else 200

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        message_id = headers.get("webhook-id", "")
        with self.lock:
            self.in_flight[message_id] += 1
            if self.in_flight[message_id] > 1:
                self.overlaps.append(message_id)
        self.arrived.set()
        try:
            if self.hold is not None:
                self.hold.wait(30)
            if self.delay:
                time.sleep(self.delay)
            status = self._status()
            with self.lock:
                self.received.append(Received(headers, body, status))
            return status
        finally:
            with self.lock:
                self.in_flight[message_id] -= 1


@contextmanager
def receiving(receiver: Receiver) -> Iterator[Receiver]:
    """Serve ``receiver`` on a free port of 127.0.0.1 for the block."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            if len(body) < length:  # the sender died mid-request (a killed worker)
                self.close_connection = True
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            status = receiver.handle(headers, body)
            answer = b"ok" if status == 200 else b"try again later" * 200  # > 1 KiB
            try:
                self.send_response(status)
                if status == 307 and receiver.redirect_to is not None:
                    self.send_header("location", receiver.redirect_to)
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except OSError:  # the worker went away (killed mid-attempt)
                pass

        def log_message(self, format: str, *args: object) -> None:  # quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        if receiver.hold is not None:
            receiver.hold.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
