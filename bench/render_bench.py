"""Render benchmark: cold and warm time per document, and pages/s with worker processes.

    .venv/bin/python -m bench.render_bench [--repeat 7] [--jobs 24] [--workers 1,2,4]

*Cold* is a fresh interpreter's first render (imports, stylesheet parse, font lookup
included: what the first request to a new API worker pays). *Warm* is the median of the
following renders in the same process (what every later request pays). Throughput renders
``--jobs`` agreements on a pool of worker processes and reports pages per second of wall
time. The "typical" agreement is the bakery example with ten deliverables, which lays out
to 4-6 pages; the target is <= 0.5 s warm for it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from roundwise.contracts.documents import DocumentKind, RenderedDocument, render_document
from roundwise.contracts.loading import read_ledger, read_spec
from roundwise.engine.ledger import Event
from roundwise.engine.terms import ContractTerms, load_spec

EXAMPLES = Path(__file__).resolve().parents[1] / "contracts" / "examples"
CREATED = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Case:
    """One document to time."""

    label: str
    example: str
    kind: DocumentKind
    typical: bool = False


CASES = (
    Case("agreement (bakery, 3 deliverables)", "bakery-web-copy", "agreement"),
    Case("agreement (typical, 10 deliverables)", "bakery-web-copy", "agreement", typical=True),
    Case("change order (bakery no. 2)", "bakery-web-copy", "change-order"),
    Case("statement (bakery, 19 events)", "bakery-web-copy", "statement"),
    Case("statement (fox-logo, 14 events)", "fox-logo", "statement"),
)


def typical_terms() -> ContractTerms:
    """The bakery example grown to ten deliverables (a typical multi-page agreement)."""
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / "bakery-web-copy.yaml").read_text())
    base = data["deliverables"]
    data["deliverables"] = [
        {
            **base[i % len(base)],
            "id": f"part-{i + 1}",
            "title": f"{base[i % len(base)]['title']} {i + 1}",
        }
        for i in range(10)
    ]
    return load_spec(data)


def inputs(case: Case) -> tuple[ContractTerms, tuple[Event, ...]]:
    """The terms and ledger a case renders from."""
    terms = typical_terms() if case.typical else read_spec(EXAMPLES / f"{case.example}.yaml")
    events = read_ledger(EXAMPLES / f"{case.example}.ledger.jsonl")
    return terms, (events if case.kind != "agreement" else ())


def render_case(case: Case) -> RenderedDocument:
    """Render one case (also the worker function of the throughput pool)."""
    terms, events = inputs(case)
    return render_document(terms, events, case.kind, created=CREATED)


def timed(action: Callable[[], RenderedDocument]) -> tuple[float, RenderedDocument]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def cold_seconds(case_index: int) -> float:
    """First render in a fresh interpreter, imports included (run as a subprocess)."""
    code = (
        "import time; t = time.perf_counter(); "
        "from bench.render_bench import CASES, render_case; "
        f"render_case(CASES[{case_index}]); print(time.perf_counter() - t)"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def warm(case: Case, repeat: int) -> tuple[float, float, float, int]:
    """Warm wall time (median and best), median warm CPU time and the page count.

    The best run is what the machine does when nothing else competes for its 2 cores.
    """
    render_case(case)
    walls, cpus, pages = [], [], 0
    for _ in range(repeat):
        cpu = time.process_time()
        wall, doc = timed(lambda: render_case(case))
        walls.append(wall)
        cpus.append(time.process_time() - cpu)
        pages = doc.pages
    return statistics.median(walls), min(walls), statistics.median(cpus), pages


def throughput(workers: int, jobs: int) -> tuple[float, float]:
    """Pages per second and documents per second rendering ``jobs`` typical agreements."""
    case = CASES[1]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(render_case, [case] * workers))  # warm every worker up first
        start = time.perf_counter()
        pages = sum(doc.pages for doc in pool.map(render_case, [case] * jobs))
        elapsed = time.perf_counter() - start
    return pages / elapsed, jobs / elapsed


async def _loop_lag(renders: int, mode: str) -> tuple[float, float, float]:
    """Event-loop lag (max and p95, ms) while ``renders`` renders run, and the wall time.

    ``mode`` is ``threads`` (``run_in_threadpool``) or ``processes`` (`RenderPool`, what
    the API uses); a 5 ms ticker measures how late the loop wakes up.
    """
    from starlette.concurrency import run_in_threadpool

    from roundwise.contracts.pool import RenderPool

    pool = RenderPool(2)
    terms, events = inputs(CASES[1])

    def job() -> Any:
        if mode == "threads":
            return run_in_threadpool(render_case, CASES[1])
        return pool.render(terms, events, "agreement", created=CREATED)

    await asyncio.gather(*(job() for _ in range(2)))  # warm up (and start the pool)
    lags: list[float] = []
    done = False

    async def ticker() -> None:
        while not done:
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - start - 0.005)

    tick = asyncio.create_task(ticker())
    start = time.perf_counter()
    await asyncio.gather(*(job() for _ in range(renders)))
    elapsed = time.perf_counter() - start
    done = True
    await tick
    pool.shutdown()
    lags.sort()
    return lags[-1] * 1000, lags[int(len(lags) * 0.95)] * 1000, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=24)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    print("| document | pages | cold (s) | warm median (s) | warm best (s) | warm CPU (s) |")
    print("|---|---:|---:|---:|---:|---:|")
    for index, case in enumerate(CASES):
        wall, best, cpu, pages = warm(case, args.repeat)
        cold = cold_seconds(index)
        print(f"| {case.label} | {pages} | {cold:.2f} | {wall:.3f} | {best:.3f} | {cpu:.3f} |")
    print()
    print("| worker processes | pages/s | documents/s |")
    print("|---:|---:|---:|")
    for workers in (int(w) for w in args.workers.split(",")):
        pages_per_s, docs_per_s = throughput(workers, args.jobs)
        print(f"| {workers} | {pages_per_s:.1f} | {docs_per_s:.2f} |")
    print()
    print("| 4 renders in flight via | wall (s) | loop lag max (ms) | loop lag p95 (ms) |")
    print("|---|---:|---:|---:|")
    for mode in ("threads", "processes"):
        worst, p95, elapsed = asyncio.run(_loop_lag(4, mode))
        print(f"| {mode} | {elapsed:.2f} | {worst:.0f} | {p95:.0f} |")


if __name__ == "__main__":
    main()
