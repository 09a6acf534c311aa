"""Benchmark: folding a long contract ledger (``engine.ledger.fold``) and replaying it.

Run ``python -m bench.fold_bench`` (optionally ``--sizes 5000 20000 --repeat 3``). It builds
a synthetic but valid ledger for the bakery example contract: the contract is signed,
both deliverables get a first version, then the client keeps asking; each request is
decided (an out-of-scope decision, or an included one right after a change order added a
round) and answered with a new version. Every tenth request a change order adding one
round is issued and accepted. So a ledger of *n* events holds about *n*/3 requests and as
many versions, the shape that made the old fold quadratic.

It prints, per size, the best CPU time (``time.process_time``; the machine is shared) of
``fold`` over the whole ledger (and per event); of a `Folding` that hands out a frozen
state before every request (what ``replay`` does); and of folding it one ``apply`` at a
time (each step copies the collections its event changes, so that loop stays quadratic).
``--compare OLD_FOLD.py`` also times another ``fold``/``apply`` module on the same ledgers.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

from roundwise.engine import ENGINE_VERSION
from roundwise.engine.ledger import (
    ChangeOrderAccepted,
    ChangeOrderIssued,
    ContractSigned,
    ContractState,
    DecisionMade,
    Event,
    Folding,
    ItemVerdict,
    RevisionDelivered,
    RevisionRequested,
    VersionSubmitted,
    apply,
    fold,
    initial_state,
)
from roundwise.engine.terms import ContractTerms, Money, parse_spec, terms_sha256

ROOT = Path(__file__).resolve().parents[1]
TERMS_FILE = ROOT / "contracts" / "examples" / "bakery-web-copy.yaml"
START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Ljubljana"))
DELIVERABLES = ("home", "about")


class _Ledger:
    """Builds the synthetic ledger event by event, one minute apart."""

    def __init__(self, terms: ContractTerms) -> None:
        self.terms = terms
        self.sha = terms_sha256(terms)
        self.events: list[Event] = []
        self.clock = START
        self.versions = dict.fromkeys(DELIVERABLES, 0)
        self.spare_rounds = dict.fromkeys(DELIVERABLES, 1)
        self.orders = 0

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=1)
        return self.clock

    def version(self, deliverable: str, request_id: str | None = None) -> None:
        self.versions[deliverable] += 1
        number, when = self.versions[deliverable], self.tick()
        text = f"version {number} of {deliverable}"
        if request_id is None:
            self.events.append(
                VersionSubmitted(at=when, deliverable=deliverable, version=number, text=text)
            )
        else:
            self.events.append(
                RevisionDelivered(
                    at=when,
                    deliverable=deliverable,
                    version=number,
                    text=text,
                    request_id=request_id,
                )
            )

    def request(self, number: int) -> None:
        deliverable = DELIVERABLES[number % 2]
        request_id = f"r{number}"
        when = self.tick()
        self.events.append(
            RevisionRequested(
                at=when,
                request_id=request_id,
                deliverable=deliverable,
                message=f"Request {number}: please change the second paragraph.",
                received_at=when,
            )
        )
        self.events.append(self._decision(request_id, deliverable))
        self.version(deliverable, request_id)

    def _decision(self, request_id: str, deliverable: str) -> DecisionMade:
        included = self.spare_rounds[deliverable] > 0
        self.spare_rounds[deliverable] -= int(included)
        verdict = "included" if included else "out_of_scope"
        scope = "in_scope" if included else "out_of_scope"
        item = ItemVerdict(text="the second paragraph", scope=scope, verdict=verdict)
        return DecisionMade(
            at=self.tick(),
            request_id=request_id,
            deliverable=deliverable,
            verdict=verdict,
            scope=scope,
            items=(item,),
            consumed_round=included,
            rounds_left=0,
            terms_sha256=self.sha,
            engine_version=ENGINE_VERSION,
        )

    def change_order(self, deliverable: str) -> None:
        self.orders += 1
        price = Money(amount=Decimal("90.00"), currency=self.terms.currency)
        self.events.append(
            ChangeOrderIssued(
                at=self.tick(),
                number=self.orders,
                description="one more revision round",
                price=price,
                deliverable=deliverable,
                extra_rounds=1,
            )
        )
        self.events.append(ChangeOrderAccepted(at=self.tick(), number=self.orders))
        self.spare_rounds[deliverable] += 1


def ledger(terms: ContractTerms, size: int) -> list[Event]:
    """A valid ledger of exactly ``size`` events (``size`` >= 3)."""
    book = _Ledger(terms)
    book.events.append(ContractSigned(at=book.tick(), contract_id=terms.id, terms_sha256=book.sha))
    for deliverable in DELIVERABLES:
        book.version(deliverable)
    number = 0
    while len(book.events) < size:
        number += 1
        book.request(number)
        if number % 10 == 0:
            book.change_order(DELIVERABLES[number % 2])
    return book.events[:size]


def _fold_by_apply(
    terms: ContractTerms, events: list[Event], step: Callable[..., ContractState] = apply
) -> ContractState:
    state = initial_state(terms)
    for event in events:
        state = step(terms, state, event)
    return state


def _other(path: str) -> ModuleType:
    """Another version of ``engine/ledger/fold.py`` (e.g. ``git show HEAD:...`` saved)."""
    spec = importlib.util.spec_from_file_location("other_fold", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{path}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _replay_pattern(terms: ContractTerms, events: list[Event]) -> int:
    """Fold with `Folding`, taking a frozen state before each request (as replay does)."""
    folding, taken = Folding(terms), 0
    for event in events:
        if isinstance(event, RevisionRequested):
            taken += len(folding.state().requests)
        folding.apply(event)
    return taken


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """The best CPU time of ``repeat`` runs, in seconds (steadier than wall clock here)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return min(times)


def _row(terms: ContractTerms, size: int, repeat: int, other: ModuleType | None) -> str:
    events = ledger(terms, size)
    now = events[-1].at
    state = fold(events, now, terms)
    if state != _fold_by_apply(terms, events):
        raise SystemExit("fold and the apply loop disagree")
    folded = best_of(repeat, partial(fold, events, now, terms))
    looped = best_of(repeat, partial(_fold_by_apply, terms, events))
    replayed = best_of(repeat, partial(_replay_pattern, terms, events))
    versions = sum(len(d.versions) for d in state.deliverables)
    row = (
        f"| {size:,} | {len(state.requests):,} | {versions:,} | {folded:.3f} s "
        f"| {folded / size * 1e6:.1f} µs | {replayed:.3f} s | {looped:.3f} s |"
    )
    if other is not None:
        if other.fold(events, now, terms) != state:
            raise SystemExit("the other fold gives another state")
        old_fold = best_of(repeat, partial(other.fold, events, now, terms))
        old_loop = best_of(repeat, partial(_fold_by_apply, terms, events, other.apply))
        row += f" {old_fold:.3f} s | {old_loop:.3f} s |"
    return row


def main(argv: list[str] | None = None) -> None:
    """Time ``fold``, `Folding` and an ``apply`` loop per ledger size; print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 20_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", metavar="OLD_FOLD.py", default=None)
    args = parser.parse_args(argv)
    terms = parse_spec(TERMS_FILE.read_text(encoding="utf-8"))
    other = _other(args.compare) if args.compare else None
    head = (
        "| events | requests | versions | `fold` | per event | `Folding` + states | `apply` loop |"
    )
    rule = "|---:|---:|---:|---:|---:|---:|---:|"
    if other is not None:
        head, rule = head + " other `fold` | other `apply` loop |", rule + "---:|---:|"
    print(head)
    print(rule)
    for size in args.sizes:
        print(_row(terms, size, args.repeat, other))


if __name__ == "__main__":
    main()
