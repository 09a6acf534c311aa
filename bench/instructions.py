"""Instructions per judged request, counted by Valgrind's callgrind: a figure that does not
move with the machine's noise.

Why: on a shared 2-core VM the CPU time of the same code varied by 25-50 % from run to
run (a pure-Python loop: 0.44-0.66 s), more than most changes are worth. The number of
instructions a request executes hardly varies, so two commits can be compared on it
even in a noisy hour. It is not time: cache misses and the other processes' contention
are left out, so load figures (``bench.load_bench``) are still what the targets are
judged on.

Counts, in one process, as ``bench.judge_bench`` runs them: the served path (claim and
read ahead, judge, store, on PostgreSQL awaited on an event loop) and its baseline, the
engine alone on the same requests. Set-up and warm-up run with instrumentation off;
``callgrind_control`` switches it on around each measured loop (what the switching itself
counts, measured around an empty loop, is subtracted)::

    python -m bench.instructions --db postgresql+psycopg://postgres@127.0.0.1:5432/test

Needs ``valgrind`` (Debian package ``valgrind``); about 1-2 minutes for 100 requests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

WARM_UP = 60
PHASES = ("toggling", "served", "engine_only")


def _instrument(on: bool) -> None:
    """Switch callgrind's instrumentation of this process on or off."""
    flag = "on" if on else "off"
    subprocess.run(
        ["callgrind_control", "-i", flag, str(os.getpid())], check=True, capture_output=True
    )


def _dump(label: str) -> None:
    """Write what was counted so far to a part file of its own, and zero the counters."""
    subprocess.run(
        ["callgrind_control", "--dump=" + label, str(os.getpid())], check=True, capture_output=True
    )


def _counted(one: Callable[[int], None], first: int, requests: int, label: str) -> None:
    _instrument(True)
    for n in range(first, first + requests):
        one(n)
    _instrument(False)
    _dump(label)


def child(db_url: str | None, requests: int) -> None:
    """Under callgrind: warm up uninstrumented, then count each phase into its own dump."""
    from bench import judge_bench

    with judge_bench.database(db_url) as db:
        key, ids = judge_bench.set_up(db)
        with judge_bench.served(db, key, ids) as served:
            for n in range(WARM_UP):
                served(n)
            _counted(served, WARM_UP, 0, "toggling")  # what switching the count costs
            _counted(served, WARM_UP, requests, "served")
        engine = judge_bench.engine_only(db, ids)
        for n in range(WARM_UP, 2 * WARM_UP):
            engine(n)
        _counted(engine, WARM_UP, requests, "engine_only")


def _instructions(path: Path) -> int:
    """The instruction total of one callgrind dump file."""
    match = re.search(r"^totals: (\d+)", path.read_text(), re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no totals in {path}")
    return int(match.group(1))


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run ``child`` under callgrind and read its two dumps."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("bench.instructions needs valgrind (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
        command += [f"--callgrind-out-file={out}", sys.executable, "-m", "bench.instructions"]
        command += ["--child", "--requests", str(args.requests)]
        command += ["--db", args.db] if args.db else []
        subprocess.run(command, check=True, capture_output=True)
        dumps = {}
        for path in Path(folder).glob("callgrind.out.*"):  # one file per requested dump
            trigger = re.search(r"^desc: Trigger: dump (\w+)$", path.read_text(), re.MULTILINE)
            if trigger is not None and trigger.group(1) in PHASES:
                dumps[trigger.group(1)] = _instructions(path)
    if set(dumps) != set(PHASES):
        raise RuntimeError(f"callgrind dumps found for {sorted(dumps)}, expected {PHASES}")
    overhead = dumps["toggling"]
    served, engine = ((dumps[p] - overhead) / args.requests for p in ("served", "engine_only"))
    return {
        "database": "sqlite" if not args.db or args.db.startswith("sqlite") else "postgresql",
        "requests": args.requests,
        "served_instructions_per_request": round(served),
        "engine_only_instructions_per_request": round(engine),
        "storage_instructions_per_request": round(served - engine),
    }


def main() -> None:
    """Command-line entry point; prints the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: temporary SQLite).")
    parser.add_argument("--requests", type=int, default=100, help="Requests counted per phase.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.db, args.requests)
        return
    print(json.dumps(run(args), indent=2))


if __name__ == "__main__":
    main()
