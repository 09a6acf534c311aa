"""The literal screen against a baseline commit's two prefilters and against none at all.

    .venv/bin/python -m bench.screen_bench [--baseline d5b4530] [--rounds 5]

Issue 21.2 asked for one prefilter or none, decided by measuring. In one process, on the
same inputs, rounds alternating, this times (CPU, median per call):

- reading a message (``analyse_request`` without the statistical assessment, which no
  screen touches) over the real corpus (``corpus/real/``) and the labelled messages,
  with the cue book screened by this checkout's ``engine.literal_screen``, by the
  baseline commit's ``engine/understand/prefilter.py`` (loaded from git, its book built
  the same way), and unscreened (``CueBook.unfiltered``: every regex on every clause);
- the linter's ``finds_any`` question (is a client's phrase fit to quote back?) over the
  corpus clauses short enough to be quoted, screened by ``engine.literal_screen``, by
  the baseline's ``engine/lint/screen.py``, and unscreened (and, for reference, the
  shipped ``finds_any``, which uses ``engine.literal_screen``);
- building the cue book's screen state (``compile_state``), once per process.

Every path's results are compared for equality before any timing is reported.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import regex

from bench.real_messages import load as load_real
from roundwise.engine.lint import checks
from roundwise.engine.lint.patterns import LintRule, rules_for
from roundwise.engine.literal_screen import Prefilter, read_phrase
from roundwise.engine.replies.placeholders import _MAX_QUOTED
from roundwise.engine.understand import analyse_request
from roundwise.engine.understand import cuebook as cuebook_module
from roundwise.engine.understand.cuebook import (
    CueBook,
    book_from_state,
    compile_state,
    packaged_data,
    using_cuebook,
)
from roundwise.engine.understand.split import split_message
from tests.engine.understand_projects import LABELLED, context_for, load_labelled

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "d5b4530"  # the last commit with the two prefilters


def _module_at(commit: str, path: str, name: str) -> ModuleType:
    """A module's source at ``commit``, loaded under ``name`` (not in ``sys.modules``)."""
    source = subprocess.run(
        ["git", "show", f"{commit}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being built
    exec(compile(source, f"{commit}:{path}", "exec"), module.__dict__)
    return module


@contextmanager
def _patched(module: ModuleType, **names: Any) -> Iterator[None]:
    saved = {name: getattr(module, name) for name in names}
    for name, value in names.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


def books(baseline: ModuleType) -> dict[str, tuple[CueBook, float]]:
    """The cue book screened three ways, with the CPU seconds its state took to compute."""
    data = packaged_data()
    found: dict[str, tuple[CueBook, float]] = {}
    started = time.process_time()
    state = compile_state(*data)
    found["literal_screen"] = (book_from_state(state).compile_all(), time.process_time() - started)
    with _patched(cuebook_module, read_phrase=baseline.read_phrase, Prefilter=baseline.Prefilter):
        started = time.process_time()
        old_state = compile_state(*data)
        book = book_from_state(old_state).compile_all()
        found["baseline"] = (book, time.process_time() - started)
    found["none"] = (found["literal_screen"][0].unfiltered(), 0.0)
    return found


def messages() -> list[tuple[str, Any]]:
    """The real corpus and the labelled messages, each with a context to read it in."""
    bakery = context_for("bakery-web-copy", "home")
    found = [(m.message, bakery) for m in load_real()]
    for row in load_labelled(LABELLED):
        found.append((row.message, context_for(row.project, row.deliverable)))
    return found


def _guards(rule: LintRule) -> tuple[Any, ...]:
    """A rule's patterns one of which any finding needs (phrase: patterns; refusal: refusals)."""
    return {"phrase": rule.patterns, "refusal": rule.refusal}.get(rule.check, ())


def _screened_finds_any(admitted: Callable[[str], int]) -> Callable[[str], bool]:
    """The baseline's ``finds_any``: a rule's guards run only if their bits are admitted."""
    rules = rules_for("en")
    bits, first = [], 0
    for rule in rules:
        bits.append([(p, 1 << (first + i)) for i, p in enumerate(_guards(rule))])
        first += len(bits[-1])

    def finds(rule: LintRule, guards: list[tuple[Any, int]], text: str, mask: int) -> bool:
        if rule.check not in ("phrase", "refusal"):
            return next(checks.CHECKS[rule.check](rule, text, None), None) is not None
        if not any(p.search(text) for p, bit in guards if mask & bit):
            return False
        return rule.check == "phrase" or not any(p.search(text) for p in rule.alternative)

    def ask(text: str) -> bool:
        mask = admitted(text)
        return any(
            finds(rule, guards, text, mask) for rule, guards in zip(rules, bits, strict=True)
        )

    return ask


def lint_screens(baseline_screen: ModuleType) -> dict[str, Callable[[str], bool]]:
    """``finds_any`` (English, all rules) as shipped, as the baseline screened it, unscreened.

    The baseline and the unscreened runs go through the same plain loop as the shipped
    screen's (``_screened_finds_any``), so only the screen differs.
    """
    units = [p for rule in rules_for("en") for p in _guards(rule)]
    old = baseline_screen.Screen.of([baseline_screen.required_literals(p) for p in units])
    flags = ~int(regex.VERSION0)
    shared = Prefilter([read_phrase(p.pattern, p.flags & flags).conditions for p in units])
    return {
        "literal_screen": _screened_finds_any(lambda text: shared.screen(text).mask),
        "baseline": _screened_finds_any(old.admitted),
        "none": _screened_finds_any(lambda text: -1),
        "shipped finds_any": lambda text: checks.finds_any(text, "en"),
    }


def median_cpu_us(call: Callable[[Any], object], inputs: list[Any]) -> float:
    """Median CPU microseconds per call over ``inputs``."""
    figures = []
    for item in inputs:
        started = time.process_time_ns()
        call(item)
        figures.append(time.process_time_ns() - started)
    return statistics.median(figures) / 1000


def _read(book: CueBook) -> Callable[[tuple[str, Any]], object]:
    def one(item: tuple[str, Any]) -> object:
        with using_cuebook(book):
            return analyse_request(item[0], item[1], assessed=False)

    return one


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    old_prefilter = _module_at(
        args.baseline, "engine/understand/prefilter.py", "baseline_prefilter"
    )
    old_screen = _module_at(args.baseline, "engine/lint/screen.py", "baseline_lint_screen")
    built = books(old_prefilter)
    inputs = messages()
    clauses = [m[a:b].strip() for m, _ in inputs for a, b in split_message(m, built["none"][0])]
    clauses = [c for c in clauses if c and len(c) <= _MAX_QUOTED]  # what replies may quote
    readers = {name: _read(book) for name, (book, _) in built.items()}
    linters = lint_screens(old_screen)
    for name, read in readers.items():  # the same results before any figure counts
        assert [repr(read(i)) for i in inputs] == [repr(readers["none"](i)) for i in inputs], name
    for name, ask in linters.items():
        assert [ask(c) for c in clauses] == [linters["none"](c) for c in clauses], name
    reading: dict[str, list[float]] = {name: [] for name in readers}
    linting: dict[str, list[float]] = {name: [] for name in linters}
    for round_ in range(args.rounds):  # each round starts with another path
        for name in _rotated(list(readers), round_):
            reading[name].append(median_cpu_us(readers[name], inputs))
        for name in _rotated(list(linters), round_):
            linting[name].append(median_cpu_us(linters[name], clauses))
    print(f"baseline {args.baseline}; {len(inputs)} messages, {len(clauses)} clauses; ")
    print(f"{args.rounds} alternating rounds, median CPU per call (rounds' range)")
    print("| screen | read a message (µs) | state build (s) |")
    print("|---|---:|---:|")
    for name in readers:
        print(f"| {name} | {_spread(reading[name])} | {built[name][1]:.2f} |")
    print()
    print("| screen | finds_any on a quotable clause (µs) |")
    print("|---|---:|")
    for name in linters:
        print(f"| {name} | {_spread(linting[name])} |")


def _rotated(names: list[str], by: int) -> list[str]:
    return names[by % len(names) :] + names[: by % len(names)]


def _spread(figures: list[float]) -> str:
    return f"{statistics.median(figures):.0f} ({min(figures):.0f}–{max(figures):.0f})"


if __name__ == "__main__":
    main(sys.argv[1:])
