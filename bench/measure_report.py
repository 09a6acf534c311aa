"""Formatting of the change-measurement benchmark: the table, the targets, the doc section."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path

import rapidfuzz

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
SECTION = "## Change measurement"


@dataclass(frozen=True, slots=True)
class Row:
    corpus: str
    words: int
    share: float
    roundwise_cpu: float
    roundwise_wall: float
    difflib_cpu: float | None
    difflib_wall: float | None
    roundwise_share: float
    roundwise_plain_share: float
    difflib_share: float | None
    exact_cost: int
    roundwise_cost: int
    difflib_cost: int | None
    proven: bool


def machine() -> str:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"CPU {model}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"RapidFuzz {rapidfuzz.__version__}; {platform.system()} {platform.machine()}; "
        f"load average at the end of the run {load} (the machine is shared)"
    )


def _fmt(value: float | None, pattern: str, missing: str) -> str:
    return missing if value is None else format(value, pattern)


def exactness(rows: list[Row]) -> str:
    """How often each tool's edit script had the minimal cost."""
    ours = sum(r.roundwise_cost == r.exact_cost for r in rows)
    theirs = sum(r.difflib_cost == r.exact_cost for r in rows)
    ran = sum(r.difflib_cost is not None for r in rows)
    return (
        f"Minimal edit script: roundwise in {ours} of {len(rows)} pairs, "
        f"difflib in {theirs} of the {ran} pairs it finished."
    )


def table(rows: list[Row], cap: float) -> list[str]:
    """The results as a Markdown table (times in seconds; speed-up on CPU time)."""
    lines = [
        "| corpus | words | edited | roundwise CPU | roundwise wall | difflib CPU "
        "| difflib wall | speed-up | share (moves 1) | share (plain) | difflib share "
        "| indel cost exact / roundwise / difflib | proven in-line |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    over = f"cap ({cap:.0f} CPU s)"
    for r in rows:
        speed = None if r.difflib_cpu is None else r.difflib_cpu / r.roundwise_cpu
        lines.append(
            f"| {r.corpus} | {r.words:,} | {r.share:.0%} | {r.roundwise_cpu:.4f} "
            f"| {r.roundwise_wall:.4f} | {_fmt(r.difflib_cpu, '.3f', over)} "
            f"| {_fmt(r.difflib_wall, '.3f', over)} | {_fmt(speed, '.0f', '-')}× "
            f"| {r.roundwise_share:.4f} | {r.roundwise_plain_share:.4f} "
            f"| {_fmt(r.difflib_share, '.4f', '-')} "
            f"| {r.exact_cost:,} / {r.roundwise_cost:,} / "
            f"{'-' if r.difflib_cost is None else format(r.difflib_cost, ',')} "
            f"| {'yes' if r.proven else 'no'} |"
        )
    return lines


METHOD = """\
`python -m bench.measure_bench` (`make bench`) builds, from the seed articles, documents
of 1,000, 10,000 and 100,000 words for a Latin-script corpus (Slovenian, Polish, Serbian
words) and a non-Latin one (Greek and Georgian words), edits 5%, 30% and 60% of the
words (single-word replacements, insertions and deletions, plus 10% of the edit budget
as whole sentences moved elsewhere), and in the same run:

- **roundwise CPU / wall**: `engine.measure.measure(old_text, new_text)`, best of 5-7
  runs, *tokenising both texts included*, plus move detection and block building. CPU
  time (`time.process_time`) and wall clock are reported separately: this machine is
  shared with other engineers' test runs, so CPU time is the steadier figure, and the
  speed-up is computed on CPU time.
- **difflib CPU / wall**: `difflib.SequenceMatcher(None, a, b, autojunk=False)
  .get_opcodes()` on the very same token lists (tokenising *not* included), run **once**
  per pair in a child process whose CPU time is capped (RLIMIT_CPU; "cap" in the table
  means difflib was still running when the cap stopped it). `autojunk=False` is the fair
  baseline: with autojunk on, difflib ignores frequent tokens and its diff gets worse.
- **share (moves 1)** is roundwise's `changed_share` (a moved block is charged one word);
  **share (plain)** is the same minimal diff charged by PRODUCT.md's rule without move
  detection (`diff_changed_words / words_old`), which is what difflib's column is too:
  difflib's opcodes charged `max(deleted, inserted)` per block.
- **indel cost**: inserted + deleted tokens of the edit script; *exact* is
  `len(a) + len(b) - 2·LCS` from RapidFuzz's exact `LCSseq.similarity`, computed
  outside the timings (the line under the table says in how many rows each tool hit it).
- **proven in-line**: whether `measure` itself proved minimality (`exact` in its
  result). Up to ~35,000 × 35,000 tokens, or when the pair differs little, `measure` checks
  its anchored alignment against the exact LCS length; beyond that the check (a full
  bit-parallel LCS: about 0.9-2.3 s for 100,000 × 100,000 tokens with a large vocabulary,
  because RapidFuzz falls back to hash-map lookups for symbols ≥ 256) would blow the time
  budget, so it is skipped and `exact` is false. A cheap local repair still runs: the
  region around each anchor is re-checked with the exact LCS length and re-aligned when a
  chance anchor (a unique word that is really a replacement) cost matches.

How the diff stays exact and fast: common prefix/suffix stripped; small regions solved in
one exact RapidFuzz bit-parallel LCS call; large ones split on patience anchors (tokens
unique on both sides, chained by a longest increasing subsequence) with each gap solved
exactly; the result checked against the exact LCS length and redone exactly when
anchoring lost anything. Among equally minimal alignments, neighbouring blocks are
re-paired so deletions pair with insertions (a lower, fairer charge). Details in
`engine/measure/align.py` and `engine/measure/pairing.py`."""


def targets(rows: list[Row], memory: list[tuple[str, tuple[float, float, float]]]) -> list[str]:
    """The issue's targets for the 100,000-word, 30% pair, with what this run reached."""
    lines = ["Targets (100,000-word pair, 30% edited):", ""]
    for row in rows:
        if row.words != 100_000 or row.share != 0.30:
            continue
        speed = "difflib over the cap"
        if row.difflib_cpu is not None:
            speed = f"{row.difflib_cpu / row.roundwise_cpu:.0f}× faster than difflib (≥ 50×)"
        exact = "exact" if row.roundwise_cost == row.exact_cost else "NOT exact"
        theirs = "-" if row.difflib_cost is None else format(row.difflib_cost, ",")
        lines.append(
            f"- {row.corpus}: {row.roundwise_cpu:.3f} s CPU, {row.roundwise_wall:.3f} s wall "
            f"(target ≤ 0.3 s), {speed}; edit script {exact} (cost {row.roundwise_cost:,}, "
            f"minimum {row.exact_cost:,}, difflib {theirs})."
        )
    for name, (_, after, _) in memory:
        lines.append(f"- {name}: peak memory {after:.0f} MB (target ≤ 200 MB).")
    return lines


def write_section(body: list[str]) -> None:
    """Replace (or append) this area's section of docs/benchmarks.md."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    if SECTION in lines:
        start = lines.index(SECTION)
        end = next(
            (k for k in range(start + 1, len(lines)) if lines[k].startswith("## ")), len(lines)
        )
        lines[start:end] = [SECTION, "", *body, ""]
    else:
        lines += ["", SECTION, "", *body]
    DOC.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
