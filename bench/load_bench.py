"""Load benchmark: revision requests against a running ``roundwise serve`` over loopback.

Run a server first (SQLite or PostgreSQL by ``ROUNDWISE_DATABASE_URL``), then::

    python -m bench.load_bench --url http://127.0.0.1:8000 --clients 32 --duration 60

Set-up (not timed): each client gets ``--contracts`` signed copies of the bakery example
contract, each with a first version of its three deliverables delivered. Timed phase:
``--clients`` concurrent HTTP clients (httpx, keep-alive) send revision requests for
``--duration`` seconds, each with a fresh ``Idempotency-Key``, round-robin over their
contracts, with the labelled bakery messages of ``examples/requests.yaml`` (a quarter also
carry a revised text to measure). Reported: decisions/s (successful judgements per second
of the timed phase), latency p50/p95/p99, errors, and a ledger check afterwards: every
contract's ledger holds exactly one ``decision_made`` per request that was answered.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
SPEC = (ROOT / "contracts" / "examples" / "bakery-web-copy.yaml").read_text(encoding="utf-8")

HOME = (
    "Three generations of the Horvat family have baked bread in the same stone oven on "
    "Main Street. Grandfather Ivan lit it for the first time in 1962, and every morning "
    "since then the smell of rye and wheat has woken the neighbourhood before the trams. "
    "Our sourdough rises slowly overnight, the way Ivan taught his daughter and she taught "
    "her son, with nothing but flour, water, salt and time. "
) * 8
ABOUT = (
    "Horvat Bakery was founded in 1962 by Ivan Horvat, who came back from his "
    "apprenticeship in Vienna with a starter in a jar and a head full of recipes. Today "
    "his granddaughter Maja runs the ovens and his grandson Marko runs everything else. "
) * 8
PRODUCTS = (
    "Rye sourdough: a dark, dense loaf with a crackling crust and a gentle sourness that "
    "keeps for a week. Butter croissant: forty-eight layers, French butter, baked twice a "
    "day. Seasonal fruit pastry: whatever the orchards give us this week. Order online "
    "and pick it up warm. "
) * 3
DELIVERABLES = {"home": HOME, "about": ABOUT, "products": PRODUCTS}

MESSAGES = [
    (
        "home",
        "Hi Ana, thanks for the draft! Could you make the opening paragraph a bit "
        "shorter and mention our new rye sourdough in the second section?",
    ),
    (
        "home",
        "Looks good. While you're at it, could you also write five Instagram posts "
        "for the launch week?",
    ),
    (
        "about",
        "You wrote that my grandfather opened the bakery in 1962 but the brief "
        "clearly says 1962. Please correct it.",
    ),
    ("home", "I don't know, it just doesn't feel right. Can you make it better?"),
    (
        "products",
        "THIS IS NOT WHAT I ASKED FOR!!! The croissant text is completely wrong, "
        "rewrite everything, I expected much more for this money!!",
    ),
    (
        "home",
        'Please swap "family tradition" for "three generations" in the headline, '
        "and could you also translate the whole page into German for our Austrian "
        "customers?",
    ),
    (
        "about",
        "Živjo Ana, hvala za besedilo. Bi lahko v drugem odstavku omenili še našo "
        "pekarno v Kranju?",
    ),
]


@dataclass
class Results:
    """What the timed phase saw."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    answered: dict[str, int] = field(default_factory=dict)  # contract id → answered requests


async def _ok(response: httpx.Response, expected: int = 200) -> dict[str, Any]:
    if response.status_code != expected:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text[:300]}")
    data: dict[str, Any] = response.json()
    return data


async def new_contract(client: httpx.AsyncClient) -> str:
    """A signed bakery contract with version 1 of each deliverable delivered."""
    created = await _ok(await client.post("/v1/contracts", json={"spec_text": SPEC}), 201)
    contract_id = str(created["id"])
    for status in ("sent", "signed"):
        url = f"/v1/contracts/{contract_id}/status"
        await _ok(await client.post(url, json={"status": status}))
    for key, text in DELIVERABLES.items():
        url = f"/v1/contracts/{contract_id}/deliverables/{key}/versions"
        await _ok(await client.post(url, json={"text": text}), 201)
    return contract_id


async def wait_until_up(client: httpx.AsyncClient, patience: float = 60.0) -> None:
    """Wait for the server's workers to answer /health (they import the engine first)."""
    give_up = time.perf_counter() + patience
    while True:
        try:
            if (await client.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            if time.perf_counter() > give_up:
                raise
        await asyncio.sleep(0.5)


async def set_up(client: httpx.AsyncClient, clients: int, per_client: int) -> list[list[str]]:
    """Contracts for each client, created 32 at a time."""
    gate = asyncio.Semaphore(32)

    async def one() -> str:
        async with gate:
            return await new_contract(client)

    ids = await asyncio.gather(*(one() for _ in range(clients * per_client)))
    return [list(ids[i * per_client : (i + 1) * per_client]) for i in range(clients)]


def request_body(n: int) -> dict[str, Any]:
    """The n-th request: a labelled message; every fourth also carries a revised text."""
    deliverable, message = MESSAGES[n % len(MESSAGES)]
    body: dict[str, Any] = {"deliverable": deliverable, "message": message, "channel": "bench"}
    if n % 4 == 3:
        body["revised_text"] = DELIVERABLES[deliverable].replace("bread", "loaves", 3)
    return body


async def worker(
    client: httpx.AsyncClient, contracts: list[str], deadline: float, seed: int, out: Results
) -> None:
    """Send requests until the deadline, one at a time, round-robin over ``contracts``."""
    for n in itertools.count(seed):
        if time.perf_counter() >= deadline:
            return
        contract_id = contracts[n % len(contracts)]
        url = f"/v1/contracts/{contract_id}/revision-requests"
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        started = time.perf_counter()
        try:
            response = await client.post(url, json=request_body(n), headers=headers)
        except httpx.HTTPError as exc:
            out.errors.append(f"{type(exc).__name__}: {exc}")
            continue
        elapsed = time.perf_counter() - started
        if response.status_code != 201:
            out.errors.append(f"{response.status_code}: {response.text[:200]}")
            continue
        out.latencies.append(elapsed)
        out.answered[contract_id] = out.answered.get(contract_id, 0) + 1


async def decisions_in_ledger(client: httpx.AsyncClient, contract_id: str) -> int:
    """How many decision_made events the contract's ledger holds."""
    count, cursor = 0, None
    while True:
        params: dict[str, Any] = {"limit": 200} | ({"cursor": cursor} if cursor else {})
        page = await _ok(await client.get(f"/v1/contracts/{contract_id}/ledger", params=params))
        count += sum(1 for e in page["items"] if e["type"] == "decision_made")
        cursor = page["next_cursor"]
        if cursor is None:
            return count


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Set up, run the timed phase, check the ledgers; returns the figures."""
    key = args.key or Path(args.key_file).read_text(encoding="utf-8").strip()
    limits = httpx.Limits(max_connections=args.clients + 8, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(
        base_url=args.url,
        headers={"Authorization": f"Bearer {key}"},
        limits=limits,
        timeout=60,
    ) as client:
        await wait_until_up(client)
        pools = await set_up(client, args.clients, args.contracts)
        out = Results()
        started = time.perf_counter()
        deadline = started + args.duration
        await asyncio.gather(
            *(worker(client, pools[i], deadline, i * 7, out) for i in range(args.clients))
        )
        wall = time.perf_counter() - started
        counted = await asyncio.gather(*(decisions_in_ledger(client, c) for p in pools for c in p))
    expected = sum(out.answered.get(c, 0) for p in pools for c in p)
    return {
        "label": args.label,
        "clients": args.clients,
        "duration_s": round(wall, 1),
        "decisions": len(out.latencies),
        "decisions_per_s": round(len(out.latencies) / wall, 1),
        "p50_ms": round(percentile(out.latencies, 0.50), 1) if out.latencies else None,
        "p95_ms": round(percentile(out.latencies, 0.95), 1) if out.latencies else None,
        "p99_ms": round(percentile(out.latencies, 0.99), 1) if out.latencies else None,
        "mean_ms": round(1000 * statistics.fmean(out.latencies), 1) if out.latencies else None,
        "errors": len(out.errors),
        "first_errors": out.errors[:3],
        "ledger_decisions": sum(counted),
        "ledger_matches": sum(counted) == expected == len(out.latencies),
    }


def main() -> None:
    """Command-line entry point; prints the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", default=None, help="API key (default: --key-file).")
    parser.add_argument("--key-file", default=".roundwise/local-api-key")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--contracts", type=int, default=20, help="Contracts per client.")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args)), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
