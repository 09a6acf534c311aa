"""Load benchmark: revision requests against a running ``roundwise serve`` over loopback.

Run a server first (SQLite or PostgreSQL by ``ROUNDWISE_DATABASE_URL``), then::

    python -m bench.load_bench --url http://127.0.0.1:8000 --clients 32 --duration 60
    python -m bench.load_bench --url http://127.0.0.1:8000 --clients 32 --duration 60 --rate 300

Set-up (not timed): each client gets ``--contracts`` signed copies of the bakery example
contract, each with a first version of its three deliverables delivered. Then ``--warmup``
seconds of closed-loop requests (not reported, but counted in the ledger check) let the
workers load what the first judgement needs. Timed phase: ``--clients`` HTTP/1.1 keep-alive
connections send revision requests for ``--duration`` seconds, each with a fresh
``Idempotency-Key``, round-robin over their contracts, with the labelled bakery messages
of ``examples/requests.yaml`` (a quarter also carry a revised text to measure).

Two modes:

- closed loop (default): each client sends its next request as soon as the previous one
  is answered; measures the maximum throughput. By Little's law its mean latency is
  ``clients / throughput``, so its latencies say little about a service-level target.
- open loop (``--rate R``): requests are due at a constant aggregate rate, each client every
  ``clients / R`` seconds, the clients evenly staggered. Latency runs from the *due* time,
  not from the send, so a request that had to wait for its client's previous answer shows
  that wait (no coordinated omission). Requests due after ``--duration`` are not sent;
  sending stops ``--grace`` seconds after it (what was still due is reported as missed).
  ``sustained`` is true when there were no errors and no missed requests, answers came
  at >= 98 % of the offered rate, and 99 % of requests went out before their client's
  next slot (so no backlog built up).

Reported as JSON: decisions/s, latency p50/p95/p99/max, errors, a ledger check afterwards
(every contract's ledger holds exactly one ``decision_made`` per answered request), and the
CPU milliseconds per decision of the client itself (``getrusage``) and, best effort from
``/proc``, of the server, its PostgreSQL backends, the whole PostgreSQL cluster and the
machine (see ``bench.load_cpu``).

The client is aiohttp (C HTTP parser), not httpx: on the 2-core machine the client shares
the CPU with the server and the database. At ~300 requests/s against a local stub server,
httpx spent 1.4-2.6 ms of CPU per request, aiohttp 0.25-0.3 ms. Request bodies are
serialised once; answers are read but not parsed (the ledger check counts the decisions).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import resource
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bench.load_cpu import CpuProbe, per_decision_ms
from bench.load_workload import BODIES, DELIVERABLES, SPEC

JSON = {"Content-Type": "application/json"}


@dataclass
class Results:
    """What one phase saw."""

    latencies: list[float] = field(default_factory=list)  # closed: from send; open: from due
    service: list[float] = field(default_factory=list)  # from the actual send
    lags: list[float] = field(default_factory=list)  # open loop: send time - due time
    errors: list[str] = field(default_factory=list)
    answered: dict[str, int] = field(default_factory=dict)  # contract id → answered requests
    sent: int = 0
    missed: int = 0  # open loop: due but never sent (sending stopped after the grace)
    last_done: float = 0.0


@dataclass(frozen=True)
class Pace:
    """The open-loop schedule: client ``i`` is due at ``start + i/rate + k*clients/rate``."""

    rate: float
    clients: int
    start: float
    deadline: float
    cutoff: float  # no request is sent after this, however late

    @property
    def period(self) -> float:
        """Seconds between two requests of one client."""
        return self.clients / self.rate


async def _ok(response: aiohttp.ClientResponse, expected: int = 200) -> dict[str, Any]:
    if response.status != expected:
        text = (await response.text())[:300]
        raise RuntimeError(f"{response.url}: {response.status} {text}")
    data: dict[str, Any] = await response.json()
    return data


async def call(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    body: dict[str, Any] | None = None,
    expected: int = 200,
    params: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One set-up or check request; raises unless the status is ``expected``."""
    async with session.request(method, url, json=body, params=params) as response:
        return await _ok(response, expected)


async def new_contract(session: aiohttp.ClientSession) -> str:
    """A signed bakery contract with version 1 of each deliverable delivered."""
    created = await call(session, "POST", "/v1/contracts", {"spec_text": SPEC}, 201)
    contract_id = str(created["id"])
    for status in ("sent", "signed"):
        await call(session, "POST", f"/v1/contracts/{contract_id}/status", {"status": status})
    for key, text in DELIVERABLES.items():
        url = f"/v1/contracts/{contract_id}/deliverables/{key}/versions"
        await call(session, "POST", url, {"text": text}, 201)
    return contract_id


async def wait_until_up(session: aiohttp.ClientSession, patience: float = 60.0) -> None:
    """Wait for the server's workers to answer /health (they import the engine first)."""
    give_up = time.perf_counter() + patience
    while True:
        try:
            async with session.get("/health") as response:
                if response.status == 200:
                    return
        except (aiohttp.ClientConnectionError, OSError):
            if time.perf_counter() > give_up:
                raise
        await asyncio.sleep(0.5)


async def set_up(session: aiohttp.ClientSession, clients: int, per_client: int) -> list[list[str]]:
    """Contracts for each client, created 32 at a time."""
    gate = asyncio.Semaphore(32)

    async def one() -> str:
        async with gate:
            return await new_contract(session)

    ids = await asyncio.gather(*(one() for _ in range(clients * per_client)))
    return [list(ids[i * per_client : (i + 1) * per_client]) for i in range(clients)]


async def send(
    session: aiohttp.ClientSession, contracts: list[str], n: int, out: Results
) -> float | None:
    """Send the n-th revision request; the time it was answered, or None on an error."""
    contract_id = contracts[n % len(contracts)]
    url = f"/v1/contracts/{contract_id}/revision-requests"
    headers = {"Idempotency-Key": str(uuid.uuid4()), **JSON}
    out.sent += 1
    try:
        async with session.post(url, data=BODIES[n % len(BODIES)], headers=headers) as response:
            body = await response.read()
            status = response.status
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        out.errors.append(f"{type(exc).__name__}: {exc}")
        return None
    if status != 201:
        out.errors.append(f"{status}: {body[:200].decode(errors='replace')}")
        return None
    out.answered[contract_id] = out.answered.get(contract_id, 0) + 1
    return time.perf_counter()


async def closed_worker(
    session: aiohttp.ClientSession, contracts: list[str], deadline: float, seed: int, out: Results
) -> None:
    """Send requests until the deadline, one at a time, round-robin over ``contracts``."""
    for n in itertools.count(seed):
        started = time.perf_counter()
        if started >= deadline:
            return
        done = await send(session, contracts, n, out)
        if done is not None:
            out.latencies.append(done - started)
            out.service.append(done - started)
            out.last_done = max(out.last_done, done)


async def paced_worker(
    session: aiohttp.ClientSession, contracts: list[str], pace: Pace, index: int, out: Results
) -> None:
    """Send this client's requests at their due times (or at once when already late)."""
    first = pace.start + index / pace.rate
    for k in itertools.count():
        due = first + k * pace.period
        if due >= pace.deadline:
            return
        now = time.perf_counter()
        if now > pace.cutoff:
            out.missed += math.ceil((pace.deadline - due) / pace.period)
            return
        if due > now:
            await asyncio.sleep(due - now)
        sent = time.perf_counter()
        out.lags.append(max(0.0, sent - due))
        done = await send(session, contracts, index * 7 + k, out)
        if done is not None:
            out.latencies.append(done - due)
            out.service.append(done - sent)
            out.last_done = max(out.last_done, done)


async def decisions_in_ledger(session: aiohttp.ClientSession, contract_id: str) -> int:
    """How many decision_made events the contract's ledger holds."""
    count, cursor = 0, None
    while True:
        params = {"limit": "200"} | ({"cursor": cursor} if cursor else {})
        url = f"/v1/contracts/{contract_id}/ledger"
        page = await call(session, "GET", url, params=params)
        count += sum(1 for e in page["items"] if e["type"] == "decision_made")
        cursor = page["next_cursor"]
        if cursor is None:
            return count


def percentile(values: list[float], share: float) -> float | None:
    """The ``share`` quantile (nearest rank) in milliseconds; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return round(1000 * ordered[rank], 1)


def latency_figures(values: list[float]) -> dict[str, float | None]:
    """p50/p95/p99/max/mean in milliseconds."""
    return {
        "p50_ms": percentile(values, 0.50),
        "p95_ms": percentile(values, 0.95),
        "p99_ms": percentile(values, 0.99),
        "max_ms": percentile(values, 1.0),
        "mean_ms": round(1000 * statistics.fmean(values), 1) if values else None,
    }


def open_loop_figures(out: Results, pace: Pace) -> dict[str, Any]:
    """Offered vs achieved rate, send lag, service time and whether the rate was held."""
    span = max(out.last_done, pace.deadline) - pace.start
    achieved = len(out.latencies) / span if span > 0 else 0.0
    lag_p99 = percentile(out.lags, 0.99)
    sustained = (
        not out.errors
        and out.missed == 0
        and achieved >= 0.98 * pace.rate
        and lag_p99 is not None
        and lag_p99 < 1000 * pace.period
    )
    return {
        "offered_rate": pace.rate,
        "achieved_rate": round(achieved, 1),
        "sustained": sustained,
        "missed": out.missed,
        "send_lag_p99_ms": lag_p99,
        "send_lag_max_ms": percentile(out.lags, 1.0),
        "service_p99_ms": percentile(out.service, 0.99),
        "drain_s": round(max(0.0, out.last_done - pace.deadline), 2),
    }


def cpu_seconds() -> tuple[float, float]:
    """User and system CPU of this process (all its threads) so far.

    The system part holds the kernel's loopback TCP work for the client's sends and
    receives (including waking the server), which any HTTP client pays.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


async def timed_phase(
    session: aiohttp.ClientSession, pools: list[list[str]], args: argparse.Namespace
) -> tuple[Results, float, Pace | None]:
    """The measured requests; returns what they saw, the wall time and the open-loop pace."""
    out = Results()
    start = time.perf_counter()
    deadline = start + args.duration
    pace = None
    if args.rate:
        pace = Pace(args.rate, args.clients, start, deadline, deadline + args.grace)
        workers = [paced_worker(session, pools[i], pace, i, out) for i in range(args.clients)]
    else:
        workers = [
            closed_worker(session, pools[i], deadline, i * 7, out) for i in range(args.clients)
        ]
    await asyncio.gather(*workers)
    return out, time.perf_counter() - start, pace


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Set up, warm up, run the timed phase, check the ledgers; returns the figures."""
    key = args.key or Path(args.key_file).read_text(encoding="utf-8").strip()
    probe = CpuProbe(urlsplit(args.url).port or 80, set(args.server_pid or ()))
    connector = aiohttp.TCPConnector(limit=args.clients + 8, keepalive_timeout=60)
    async with aiohttp.ClientSession(
        base_url=args.url,
        headers={"Authorization": f"Bearer {key}"},
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),  # the API sets no cookies; saves work per request
        timeout=aiohttp.ClientTimeout(total=args.timeout),
    ) as session:
        await wait_until_up(session)
        pools = await set_up(session, args.clients, args.contracts)
        warm = Results()
        if args.warmup > 0:
            deadline = time.perf_counter() + args.warmup
            await asyncio.gather(
                *(
                    closed_worker(session, pool, deadline, i * 7, warm)
                    for i, pool in enumerate(pools)
                )
            )
        before, cpu_before = probe.snapshot(), cpu_seconds()
        out, wall, pace = await timed_phase(session, pools, args)
        user, system = (a - b for a, b in zip(cpu_seconds(), cpu_before, strict=True))
        after = probe.snapshot()
        ledger = await ledger_check(session, pools, [warm, out])
    return (
        summary(args, out, warm, wall, pace)
        | ledger
        | {
            "cpu_ms_per_decision": per_decision_ms(
                before, after, (user, system), len(out.latencies)
            ),
            "cpu_note": CPU_NOTE,
            "server_pids": sorted(after.server),
        }
    )


async def ledger_check(
    session: aiohttp.ClientSession, pools: list[list[str]], phases: list[Results]
) -> dict[str, Any]:
    """Each contract's decisions in its ledger against the requests answered for it."""
    contracts = [c for pool in pools for c in pool]
    counted = await asyncio.gather(*(decisions_in_ledger(session, c) for c in contracts))
    answered = {c: sum(phase.answered.get(c, 0) for phase in phases) for c in contracts}
    off = sum(1 for c, n in zip(contracts, counted, strict=True) if n != answered[c])
    return {
        "ledger_decisions": sum(counted),
        "ledger_expected": sum(answered.values()),
        "ledger_contracts_off": off,
        "ledger_matches": off == 0,
    }


CPU_NOTE = (
    "client: this process (getrusage); the rest best effort from /proc over the timed "
    "phase: server = processes holding the port's listening socket (or --server-pid) "
    "and their children; postgres_backends = backends connected from the server's "
    "ports; postgres_cluster = all postgres processes (includes other clients' load); "
    "machine = all cores' busy time (includes everything else running)"
)


def summary(
    args: argparse.Namespace, out: Results, warm: Results, wall: float, pace: Pace | None
) -> dict[str, Any]:
    """Throughput, latency and errors of the timed phase (warm-up errors apart)."""
    figures: dict[str, Any] = {
        "label": args.label,
        "mode": "open" if pace else "closed",
        "loop": args.loop_used,
        "clients": args.clients,
        "duration_s": round(wall, 1),
        "warmup_s": args.warmup,
        "requests_sent": out.sent,
        "decisions": len(out.latencies),
        "decisions_per_s": round(len(out.latencies) / wall, 1) if wall > 0 else None,
    }
    if pace:
        figures |= open_loop_figures(out, pace)
    return figures | {
        "latency": "from due time" if pace else "from send",
        **latency_figures(out.latencies),
        "errors": len(out.errors),
        "first_errors": out.errors[:3],
        "warmup_errors": len(warm.errors),
    }


def loop_factory(choice: str) -> tuple[str, Callable[[], asyncio.AbstractEventLoop] | None]:
    """The event loop to run on: uvloop if asked for (or, with ``auto``, if installed)."""
    if choice == "asyncio":
        return "asyncio", None
    try:
        import uvloop
    except ImportError:
        if choice == "uvloop":
            raise
        return "asyncio", None
    return "uvloop", uvloop.new_event_loop


def main() -> None:
    """Command-line entry point; prints the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", default=None, help="API key (default: --key-file).")
    parser.add_argument("--key-file", default=".roundwise/local-api-key")
    parser.add_argument("--clients", type=int, default=32, help="Concurrent connections.")
    parser.add_argument("--duration", type=float, default=60.0, help="Timed phase, seconds.")
    parser.add_argument("--contracts", type=int, default=20, help="Contracts per client.")
    parser.add_argument(
        "--rate", type=float, default=None, help="Open loop: requests/s offered (all clients)."
    )
    parser.add_argument(
        "--grace", type=float, default=10.0, help="Open loop: stop sending this late (s)."
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="Closed-loop requests before timing (s)."
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="Per request, seconds.")
    parser.add_argument(
        "--server-pid",
        type=int,
        action="append",
        help="Server process for CPU figures (repeatable; default: owner of the port).",
    )
    parser.add_argument("--loop", choices=("auto", "asyncio", "uvloop"), default="auto")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    args.loop_used, factory = loop_factory(args.loop)
    with asyncio.Runner(loop_factory=factory) as runner:
        figures = runner.run(run(args))
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
