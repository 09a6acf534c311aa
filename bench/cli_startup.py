"""CLI start-up benchmark: whole-process time of `roundwise` commands, against a baseline.

    .venv/bin/python -m bench.cli_startup [--baseline b666fb3] [--runs 7] [--no-write]

Each case runs as a fresh process, ``python -c "from api.cli.main import main; main()"
ARGS`` (what the ``roundwise`` console script does), once with this checkout's code and
once with the baseline commit's code (extracted with ``git archive`` to a temporary
folder and put first on ``PYTHONPATH``; same interpreter, same installed packages), the
two alternating run by run so that both see the same load on a shared machine. Reported
per case: the fastest wall time (the figure the targets are about: on a machine shared
with other work the minimum is the least disturbed run), the median, and the fastest CPU
time (user + system of the child). The CLI's cache lives in a fresh temporary folder:
the first run of this checkout builds it (reported as "cold cache"), the timed runs read
it. The figures and the machine go to the "CLI start-up" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## CLI start-up"
BASELINE = "b666fb3"  # the commit the start-up work began from
SPEC = ROOT / "contracts" / "examples" / "bakery-web-copy.yaml"
ENTRY = "from api.cli.main import main; main()"
REQUEST = '{"deliverable": "home", "message": "Could you make the opening paragraph shorter?"}'
REQUEST_GREEK = '{"deliverable": "home", "message": "Γεια σας, μπορείτε να αλλάξετε τον τίτλο;"}'
REQUEST_SLOVENIAN = json.dumps(
    {"deliverable": "home", "message": "Pozdravljeni, ali lahko prosim skrajšate uvodni odstavek?"}
)


# CPU seconds of the phases of `evaluate` on one message (argv[1]), in a fresh process,
# with the CLI's caches (cue book, contract's lemmas, dictionaries, reader model) in use.
PHASES = """
import json, sys, time
marks = [("start", time.process_time())]
def mark(name):
    marks.append((name, time.process_time()))
import roundwise.api.cli.main
from roundwise import api
mark("CLI and Typer imports")
import engine.decide, engine.ledger, engine.terms, api.cli.policy_render
mark("engine imports (terms, ledger, decide)")
from roundwise.api.cli.cache import understanding
from roundwise.api.cli.inputs import load_request, load_terms
from roundwise.engine.decide.context import request_context
from roundwise.engine.understand import analyse_request, classify, language, statistical
from roundwise.engine.understand.cuebook import cuebook
terms = load_terms("evaluate", sys.argv[1])
request = load_request("evaluate", sys.argv[2])
context = request_context(terms, terms.deliverable(request.deliverable))
mark("spec and request read")
with understanding() as how:
    mark("cue book read from the cache" if how == "cache" else "cue book built (no cache yet)")
    classify._lemmas(context)
    mark("contract's lemmas (from the cache)")
    statistical.reader_model()
    mark("reader model (from the cache)")
    language.detect_language(request.message, cuebook(), (None, "en"))
    mark("language detection (lingua loads its models on first use)")
    analyse_request(request.message, context)
    mark("the rest of reading the message")
print(json.dumps([(name, b - a) for (_, a), (name, b) in zip(marks, marks[1:])]))
"""


@dataclass(frozen=True, slots=True)
class Case:
    """One command line and the whole-process target for it (seconds; None: no target)."""

    name: str
    args: tuple[str, ...]
    target: float | None


@dataclass(frozen=True, slots=True)
class Timing:
    wall_min: float
    wall_median: float
    cpu_min: float


def cases(work: Path) -> list[Case]:
    """The targets of issue 21 part 3, with their input files written into ``work``."""
    from bench.measure_bench import texts

    (work / "old.txt").write_text("Rok je petek. To je stari rek.\n", encoding="utf-8")
    (work / "new.txt").write_text("Rok je ponedeljek. To je novi rek.\n", encoding="utf-8")
    (work / "request.json").write_text(REQUEST, encoding="utf-8")
    (work / "request-el.json").write_text(REQUEST_GREEK, encoding="utf-8")
    (work / "request-sl.json").write_text(REQUEST_SLOVENIAN, encoding="utf-8")
    old, new = texts("Latin (sl, pl, sr)", 100_000, 0.30)
    (work / "big-old.txt").write_text(old, encoding="utf-8")
    (work / "big-new.txt").write_text(new, encoding="utf-8")
    spec, request = str(SPEC), str(work / "request.json")
    return [
        Case("--help", ("--help",), 0.2),
        Case(
            "measure, two small files",
            ("measure", str(work / "old.txt"), str(work / "new.txt")),
            0.3,
        ),
        Case("evaluate, one message (English)", ("evaluate", spec, request, "--json"), 0.6),
        Case("reply, one message (English)", ("reply", spec, request), 0.6),
        Case(
            "evaluate, one message (Greek)", ("evaluate", spec, str(work / "request-el.json")), 0.6
        ),
        Case(
            "evaluate, one message (Slovenian)",
            ("evaluate", spec, str(work / "request-sl.json")),
            0.6,
        ),
        Case(
            "measure, 100,000-word pair (Latin, 30% edited)",
            ("measure", str(work / "big-old.txt"), str(work / "big-new.txt"), "--json"),
            0.6,
        ),
    ]


def extract(commit: str, into: Path) -> Path:
    """The source tree of ``commit`` (``git archive``) in ``into``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def run_once(code: Path, args: tuple[str, ...], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process running the CLI from ``code``."""
    environment = {**env, "PYTHONPATH": str(code)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        cwd=code,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{args} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def phases(env: dict[str, str], runs: int, request: Path) -> list[tuple[str, float]]:
    """The fastest CPU time of each phase of ``PHASES`` over ``runs`` fresh processes."""
    best: dict[str, float] = {}
    order: list[str] = []
    for run in range(runs + 1):  # the first run builds the cache and is not counted
        done = subprocess.run(
            [sys.executable, "-c", PHASES, str(SPEC), str(request)],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            check=True,
        )
        if run == 0:
            continue
        for name, seconds_ in json.loads(done.stdout.decode().splitlines()[-1]):
            if name not in best:
                order.append(name)
            best[name] = min(best.get(name, seconds_), seconds_)
    return [(name, best[name]) for name in order]


def summary(samples: list[tuple[float, float]]) -> Timing:
    walls = [wall for wall, _ in samples]
    return Timing(min(walls), statistics.median(walls), min(cpu for _, cpu in samples))


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"{platform.system()} {platform.machine()}"
    )


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def seconds(value: float) -> str:
    return f"{value:.3f}"


def triple(timing: Timing) -> str:
    return " / ".join(seconds(t) for t in (timing.wall_min, timing.wall_median, timing.cpu_min))


def report(
    baseline: str,
    head: str,
    rows: list[tuple[Case, Timing, Timing, float]],
    runs: int,
    loads: tuple[str, str],
    splits: dict[str, list[tuple[str, float]]],
) -> list[str]:
    lines = [
        "`make bench-cli` (`bench/cli_startup.py`): whole-process wall time of `roundwise`",
        "commands, each a fresh process, this checkout against the baseline commit's code in",
        "the same run (same interpreter and packages; the two alternate run by run). min is the",
        "fastest of the runs (this machine is shared, so the minimum is the least disturbed",
        "figure and the one compared with the target), median the middle one, CPU the fastest",
        "user + system time: on a busy machine a process waits for a core, and the CPU",
        "time is what its wall time would be on an idle one. *Cold cache* is this checkout's",
        "first run, which builds the CLI's caches (`api/cli/cache.py`: the cue book, simplemma's",
        "dictionaries, the contract's lemmas, the reader model); the timed runs read them.",
        "",
        f"Machine: {machine()}; load average {loads[0]} at the start, {loads[1]} at the end.",
        f"Baseline `{baseline}`, after `{head}`, {runs} runs each.",
        "",
        "| command | target | baseline min / median / CPU | after min / median / CPU "
        "| after, cold cache | met (wall min / CPU) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for case, before, after, cold in rows:
        target = "-" if case.target is None else f"≤ {case.target:.1f} s"
        met = "-"
        if case.target is not None:
            met = " / ".join(
                "yes" if value <= case.target else "no" for value in (after.wall_min, after.cpu_min)
            )
        lines.append(
            f"| {case.name} | {target} | {triple(before)} | {triple(after)} "
            f"| {seconds(cold)} | {met} |"
        )
    names = list(dict.fromkeys(name for split in splits.values() for name, _ in split))
    lines += [
        "",
        "Where `evaluate`'s CPU goes now (fastest of the runs, each phase in a fresh process",
        "after the caches are built; `bench/cli_startup.py` PHASES):",
        "",
        "| phase | " + " | ".join(splits) + " |",
        "|---|" + "---:|" * len(splits),
    ]
    for name in names:
        cells = [
            next((f"{value:.3f}" for phase, value in split if phase == name), "-")
            for split in splits.values()
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "A message in Latin script of fewer than 120 letters needs lingua's 1- to 5-gram",
        "models of the detector's languages (a longer one only its trigrams, about 0.1 s);",
        "loading them is most of what `evaluate` and `reply` spend on such a message, and it",
        "cannot be cached across processes (a Rust object; lingua holds the GIL while",
        "loading). Its low-accuracy mode reads short Slovenian and Serbian messages worse",
        "(the subsection on issue 21.3 below: 97.7 % on the written batches). A message",
        "decided by its script (the Greek row) never loads them.",
    ]
    return lines


def write_section(body: list[str]) -> None:
    """Replace (or append) the "CLI start-up" section of docs/benchmarks.md, up to its
    first dated subsection (``###``, kept)."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    if SECTION in lines:
        start = lines.index(SECTION)
        end = next(
            (k for k in range(start + 1, len(lines)) if lines[k].startswith(("## ", "### "))),
            len(lines),
        )
        lines[start:end] = [SECTION, "", *body, ""]
    else:
        lines += ["", SECTION, "", *body]
    DOC.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="commit to compare with")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case and side")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "api", "engine"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    head += " (with uncommitted changes)" if dirty else ""
    with tempfile.TemporaryDirectory(prefix="roundwise-cli-bench-") as folder:
        work = Path(folder)
        base = extract(args.baseline, work / "baseline")
        env = {**os.environ, "ROUNDWISE_CACHE_DIR": str(work / "cache")}
        env.pop("NO_COLOR", None)
        loads_start = load()
        rows = []
        for case in cases(work):
            shutil.rmtree(work / "cache", ignore_errors=True)
            cold, _ = run_once(ROOT, case.args, env)
            run_once(base, case.args, env)  # warm the file cache for the baseline too
            before, after = [], []
            for _ in range(args.runs):
                before.append(run_once(base, case.args, env))
                after.append(run_once(ROOT, case.args, env))
            rows.append((case, summary(before), summary(after), cold))
            print(f"{case.name}: {rows[-1][1]} -> {rows[-1][2]} (cold {cold:.3f})", flush=True)
        splits = {
            language: phases(env, args.runs, work / f"request{suffix}.json")
            for language, suffix in (("English", ""), ("Slovenian", "-sl"), ("Greek", "-el"))
        }
        body = report(args.baseline, head, rows, args.runs, (loads_start, load()), splits)
    print("\n".join(body))
    if not args.no_write:
        write_section(body)


if __name__ == "__main__":
    main(sys.argv[1:])
