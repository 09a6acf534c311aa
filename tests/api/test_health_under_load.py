"""A worker keeps answering while the largest allowed messages are judged (issue 22).

The app is served by a real uvicorn process; several requests with messages at the
length limits are judged at once, again and again, while ``/health`` is polled: every
answer must come within 100 ms. (Before: a 1.9 MB message held the event loop for
6.5 s.) The bounds that make it hold: the message limits, an analysis linear in the
message, long requests judged in the thread pool rather than on the event loop, and an
async ``/health`` that does not queue for that pool.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from roundwise.api.schemas import MESSAGE_MAX_CHARS, MESSAGE_MAX_WORDS
from roundwise.store.accounts import create_account
from roundwise.store.db import Database
from tests.api.conftest import example_spec_text

ROOT = Path(__file__).resolve().parents[2]
HEALTH_BUDGET = 0.100
CONCURRENT, ROUNDS, ATTEMPTS = 6, 3, 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(db_url: str) -> Iterator[str]:
    """``uvicorn api.app:create_app`` on the session's database, until the test ends."""
    port = _free_port()
    env = os.environ | {
        "ROUNDWISE_DATABASE_URL": db_url,
        "ROUNDWISE_IDEMPOTENCY_PRUNE_SECONDS": "0",
        "ROUNDWISE_DB_POOL_SIZE": "4",  # the smallest: the test server shares PostgreSQL
    }
    command = [sys.executable, "-m", "uvicorn", "roundwise.api.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _longest_message() -> str:
    sentence = "Could you make the opening paragraph shorter and fix the typo in the title? "
    words = (sentence * (MESSAGE_MAX_CHARS // len(sentence) + 1)).split()
    return " ".join(words[:MESSAGE_MAX_WORDS])[:MESSAGE_MAX_CHARS]


def _contract(http: httpx.Client) -> str:
    created = http.post("/v1/contracts", json={"spec_text": example_spec_text()})
    assert created.status_code == 201, created.text
    contract_id = str(created.json()["id"])
    for step in ("sent", "signed"):
        assert http.post(f"/v1/contracts/{contract_id}/status", json={"status": step}).is_success
    version = http.post(
        f"/v1/contracts/{contract_id}/deliverables/home/versions", json={"text": "Our bakery."}
    )
    assert version.status_code == 201, version.text
    return contract_id


@dataclass
class Run:
    """One burst of judged requests and the /health answers measured meanwhile."""

    statuses: list[int]
    latencies: list[float]
    elapsed: float

    def summary(self, chars: int) -> str:
        ordered = sorted(self.latencies)
        return (
            f"{len(self.statuses)} judged at {chars} chars in {self.elapsed:.2f} s; /health: "
            f"{len(ordered)} polls, median {ordered[len(ordered) // 2] * 1000:.1f} ms, "
            f"max {ordered[-1] * 1000:.1f} ms"
        )


def _burst(server: str, headers: dict[str, str], contracts: list[str], message: str) -> Run:
    latencies: list[float] = []
    done = threading.Event()

    def poll_health() -> None:
        with httpx.Client(base_url=server, timeout=10) as http:
            while not done.is_set():
                started = time.perf_counter()
                assert http.get("/health").status_code == 200
                latencies.append(time.perf_counter() - started)
                time.sleep(0.02)

    def judge(contract_id: str) -> int:
        with httpx.Client(base_url=server, headers=headers, timeout=120) as http:
            response = http.post(
                f"/v1/contracts/{contract_id}/revision-requests",
                json={"deliverable": "home", "message": message},
                headers={"Idempotency-Key": secrets.token_hex(8)},
            )
            return response.status_code

    poller = threading.Thread(target=poll_health)
    poller.start()
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(CONCURRENT) as pool:
            statuses = list(pool.map(judge, contracts * ROUNDS))
    finally:
        done.set()
        poller.join()
    return Run(statuses, latencies, time.perf_counter() - started)


def test_health_answers_within_100_ms_while_the_longest_messages_are_judged(
    server: str, database: Database
) -> None:
    """Up to ``ATTEMPTS`` bursts: the first in which every /health answer came within the
    budget passes. Why more than one: on a shared 2-core host (load average 6 to 11 while
    this was written) the kernel alone sometimes leaves a process unscheduled for 100 ms
    or more, with or without judging; idle, /health answers within 10 ms."""
    with database.writes.begin() as session:
        _account, key = create_account(session, f"load-{secrets.token_hex(6)}")
    headers = {"Authorization": f"Bearer {key}"}
    message = _longest_message()
    with httpx.Client(base_url=server, headers=headers, timeout=120) as http:
        contracts = [_contract(http) for _ in range(CONCURRENT)]
    runs = []
    for _ in range(ATTEMPTS):
        run = _burst(server, headers, contracts, message)
        runs.append(run)
        print("\n" + run.summary(len(message)))  # the figures of docs/benchmarks.md (-s)
        assert run.statuses == [201] * (CONCURRENT * ROUNDS)
        assert len(run.latencies) >= 10
        if max(run.latencies) < HEALTH_BUDGET:
            return
    pytest.fail("; ".join(run.summary(len(message)) for run in runs))
