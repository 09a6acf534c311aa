"""`roundwise serve --workers N`: N uvicorn processes, each with its own listening socket.

Why not uvicorn's own ``--workers``: it shares one listening socket between the
processes, and asyncio accepts a whole burst of waiting connections in whichever process
wakes first. Keep-alive clients that connect together (a proxy's upstream pool, an
integration's connection pool, the load benchmark) then all land on one process while
the others idle: 31 of 32 connections on one of two workers here, so the service ran on
one core. With ``SO_REUSEPORT`` every worker listens on its own socket and the kernel
spreads new connections over them by address hash.

The parent keeps a bound, non-listening ``SO_REUSEPORT`` socket on the port (so "address
in use" is reported before any worker starts, and the port stays ours), restarts a worker
that dies, and stops them all on SIGINT/SIGTERM (uvicorn's graceful shutdown in each).
Only on Linux, where ``SO_REUSEPORT`` balances; elsewhere ``serve`` uses uvicorn's workers.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

RESTART_PAUSE_S = 1.0  # at most one restart per second per worker (no crash loop storm)
STOP_GRACE_S = 30.0


def supported() -> bool:
    """True where the kernel balances connections over ``SO_REUSEPORT`` sockets (Linux)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT`` (not yet listening)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def run_worker(host: str, port: int, options: Mapping[str, Any]) -> None:
    """A worker process: its own listening socket, one uvicorn server on it."""
    config = uvicorn.Config(
        "roundwise.api.app:create_app", factory=True, host=host, port=port, **options
    )
    sock = reuse_port_socket(host, port)
    sock.listen(config.backlog)
    uvicorn.Server(config).run(sockets=[sock])


@dataclass
class _Slot:
    process: BaseProcess
    started: float


class WorkerPool:
    """Starts, watches and stops the worker processes (see the module docstring)."""

    def __init__(self, workers: int, host: str, port: int, options: Mapping[str, Any]) -> None:
        self.workers, self.host, self.port, self.options = workers, host, port, dict(options)
        self.context = multiprocessing.get_context("spawn")
        self.stopping = threading.Event()
        self.slots: list[_Slot] = []

    def run(self) -> int:
        """Serve until a signal (exit 0) or a worker that cannot start (exit 3)."""
        guard = reuse_port_socket(self.host, self.port)  # fails here if the port is taken
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.slots = [self._start() for _ in range(self.workers)]
            status = self._watch()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            guard.close()
        return status

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        self.stopping.set()

    def _start(self) -> _Slot:
        process = self.context.Process(
            target=run_worker, args=(self.host, self.port, self.options), daemon=False
        )
        process.start()
        return _Slot(process, time.monotonic())

    def _watch(self) -> int:
        while not self.stopping.wait(0.5):
            for index, slot in enumerate(self.slots):
                if slot.process.is_alive() or self.stopping.is_set():
                    continue
                if slot.process.exitcode == STARTUP_FAILURE:
                    print("A worker failed to start; stopping.", file=sys.stderr)
                    return STARTUP_FAILURE
                if time.monotonic() - slot.started < RESTART_PAUSE_S:
                    continue
                print(f"Worker {slot.process.pid} died; starting another.", file=sys.stderr)
                self.slots[index] = self._start()
        return 0

    def _stop_all(self) -> None:
        for slot in self.slots:
            if slot.process.is_alive():
                slot.process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_GRACE_S
        for slot in self.slots:
            slot.process.join(max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()


__all__ = ["WorkerPool", "reuse_port_socket", "run_worker", "supported"]
