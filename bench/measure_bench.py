"""Benchmark: roundwise's change measurement against difflib on the same token lists.

Run ``python -m bench.measure_bench`` (``make bench``). For one Latin-script corpus
(Slovenian, Polish, Serbian seeds) and one non-Latin corpus (Greek, Georgian seeds) it
builds documents of 1,000, 10,000 and 100,000 words, edits 5%, 30% and 60% of their
words (replacements, insertions, deletions, moved sentences) and, in the same run:

* times ``engine.measure.measure`` on the two *texts* (tokenising included), best of
  several runs;
* times ``difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()`` on the
  same token lists (tokenising not included), once, in a child process capped at
  ``--difflib-cap`` seconds;
* checks both edit scripts against the exact LCS (RapidFuzz ``LCSseq.similarity``,
  outside the timings) and reports both ``changed_share`` figures;
* measures the peak memory (max RSS) of a fresh process measuring the 100,000-word,
  30% pair.

The table and the machine are written into the ``## Change measurement`` section of
``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from rapidfuzz.distance import LCSseq

from bench.measure_corpus import Corpus, build_document, edit_document, load_corpus, render
from bench.measure_report import (
    METHOD,
    Row,
    exactness,
    machine,
    table,
    targets,
    write_section,
)
from roundwise.engine.measure import MeasureOptions, measure
from roundwise.engine.measure.changes import forget_kept_old_texts
from roundwise.engine.measure.tokens import token_keys

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Change measurement"
SIZES = (1_000, 10_000, 100_000)
SHARES = (0.05, 0.30, 0.60)
CORPORA = {
    "Latin (sl, pl, sr)": (("000", "002", "003"), ("Latin",)),
    "Greek + Georgian": (("001", "004"), ("Greek", "Georgian")),
}


def corpus(name: str) -> Corpus:
    prefixes, scripts = CORPORA[name]
    paths = [p for p in sorted(SEEDS.glob("*.txt")) if p.name[:3] in prefixes]
    return load_corpus(name, paths, scripts)


def texts(name: str, words: int, share: float) -> tuple[str, str]:
    source = corpus(name)
    seed = words + int(share * 100)
    document = build_document(source, words, seed)
    return render(document), render(edit_document(source, document, share, seed + 1))


def tokens(text: str) -> list[str]:
    return token_keys(text, MeasureOptions())[1]


def difflib_figures(a: list[str], b: list[str]) -> dict[str, float]:
    """difflib's opcodes, charged with the same block rule as roundwise."""
    wall, cpu = time.perf_counter(), time.process_time()
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    changed = cost = deleted = inserted = 0
    for tag, i1, i2, j1, j2 in [*opcodes, ("equal", 0, 0, 0, 0)]:
        if tag == "equal":
            changed += max(deleted, inserted)
            deleted = inserted = 0
        else:
            deleted, inserted = deleted + i2 - i1, inserted + j2 - j1
            cost += i2 - i1 + j2 - j1
    return {"cpu": cpu, "wall": wall, "share": changed / max(len(a), 1), "cost": cost}


def run_difflib_capped(name: str, words: int, share: float, cap: float) -> dict[str, float] | None:
    """difflib in a child process limited to ``cap`` CPU seconds (None when it hits it).

    The limit is on CPU time (RLIMIT_CPU), not wall time, so that other work on a shared
    machine does not decide which runs finish.
    """
    command = [sys.executable, "-m", "bench.measure_bench", "--child-difflib", name]
    command += [str(words), str(share)]

    def limit_cpu() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (int(cap), int(cap) + 5))

    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, preexec_fn=limit_cpu, check=False
    )
    if done.returncode != 0:
        return None
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def time_roundwise(old: str, new: str, repeats: int) -> tuple[float, float]:
    """Best CPU time and best wall-clock time of ``measure`` over ``repeats`` runs.

    Each run measures from cold: the memo of old texts' tokens (``measure.changes``,
    which spares a served request re-tokenising the current version) is emptied first.
    """
    best_cpu = best_wall = float("inf")
    for _ in range(repeats):
        forget_kept_old_texts()
        wall, cpu = time.perf_counter(), time.process_time()
        measure(old, new)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_cpu, best_wall


def bench_pair(name: str, words: int, share: float, cap: float) -> Row:
    old, new = texts(name, words, share)
    cpu, wall = time_roundwise(old, new, 7 if words < 100_000 else 5)
    result = measure(old, new)
    a, b = tokens(old), tokens(new)
    exact_cost = len(a) + len(b) - 2 * int(LCSseq.similarity(a, b))
    ours = sum(len(block.deleted) + len(block.inserted) for block in result.blocks)
    theirs = run_difflib_capped(name, words, share, cap)
    return Row(
        name,
        words,
        share,
        cpu,
        wall,
        None if theirs is None else theirs["cpu"],
        None if theirs is None else theirs["wall"],
        result.changed_share,
        result.diff_changed_words / max(result.words_old, 1),
        None if theirs is None else theirs["share"],
        exact_cost,
        ours,
        None if theirs is None else int(theirs["cost"]),
        result.exact,
    )


def peak_memory_mb(name: str, words: int, share: float) -> tuple[float, float, float]:
    """Memory of a fresh process that reads the pair from files and measures it, in MB.

    Returns (max RSS before measuring, max RSS after, peak of Python allocations during
    ``measure`` by tracemalloc). Reading the texts from files keeps the document builder's
    own memory out of the figure.
    """
    old, new = texts(name, words, share)
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / "old.txt", Path(folder) / "new.txt"]
        for path, text in zip(paths, (old, new), strict=True):
            path.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "bench.measure_bench", "--child-memory"]
        done = subprocess.run(
            [*command, *map(str, paths)], cwd=ROOT, capture_output=True, text=True, check=True
        )
    before, after, python_peak = json.loads(done.stdout)
    return float(before), float(after), float(python_peak)


def _high_water_mb() -> float:
    """Peak resident memory of this process image (VmHWM; unlike ru_maxrss it is not
    inherited from the parent across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_memory(old_path: str, new_path: str) -> None:
    old = Path(old_path).read_text(encoding="utf-8")
    new = Path(new_path).read_text(encoding="utf-8")
    before = _high_water_mb()
    measure(old, new)
    after = _high_water_mb()
    forget_kept_old_texts()
    tracemalloc.start()
    measure(old, new)
    python_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(json.dumps([before, after, python_peak]))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--difflib-cap", type=float, default=200.0, help="CPU seconds per difflib run"
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--child-difflib", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--child-memory", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_difflib:
        name, words, share = args.child_difflib
        old, new = texts(name, int(words), float(share))
        print(json.dumps(difflib_figures(tokens(old), tokens(new))))
        return
    if args.child_memory:
        child_memory(*args.child_memory)
        return
    rows: list[Row] = []
    for name in CORPORA:
        for words in args.sizes:
            for share in SHARES:
                rows.append(bench_pair(name, words, share, args.difflib_cap))
                print("\n".join(table(rows[-1:], args.difflib_cap)[2:]), flush=True)
    memory = [(name, peak_memory_mb(name, max(args.sizes), 0.30)) for name in CORPORA]
    report = [METHOD, "", f"Machine: {machine()}.", "", *table(rows, args.difflib_cap)]
    report += ["", exactness(rows), ""]
    for name, (before, after, python_peak) in memory:
        report.append(
            f"- Peak memory of a fresh process measuring the {max(args.sizes):,}-word 30% pair, "
            f"{name}: max RSS {after:.0f} MB ({before:.0f} MB with the texts read, before "
            f"measuring); Python allocations during `measure` peak at {python_peak:.0f} MB "
            "(tracemalloc; RapidFuzz's C++ buffers are in the RSS figure only)."
        )
    report += ["", *targets(rows, memory)]
    print("\n".join(report))
    if not args.no_write:
        write_section(report)


if __name__ == "__main__":
    main(sys.argv[1:])
