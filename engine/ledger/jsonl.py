"""JSON lines for ledgers: one event per line, as pure text functions (the caller does I/O).

Rule: ``load_events(dump_events(events)) == events`` and dumping is byte-stable (sorted
keys, no insignificant whitespace, UTF-8 kept as is), so a ledger file diffs cleanly and
hashes the same on every machine. Blank lines and lines starting with ``#`` are skipped
when loading, so hand-written fixtures can carry comments.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from roundwise.engine.errors import FieldProblem, LedgerError
from roundwise.engine.ledger.events import Event, parse_event


def dump_event(event: Event) -> str:
    """One event as a single canonical JSON line (no trailing newline)."""
    data = event.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dump_events(events: Iterable[Event]) -> str:
    """A whole ledger as JSON lines, each ending with a newline."""
    return "".join(dump_event(event) + "\n" for event in events)


def load_events(text: str) -> tuple[Event, ...]:
    """Parse JSON lines into events; `LedgerError` names the first bad line and field."""
    events: list[Event] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        events.append(_load_line(stripped, number))
    return tuple(events)


def _load_line(line: str, number: int) -> Event:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LedgerError(
            f"line {number}: not valid JSON ({exc.msg})",
            (FieldProblem(path=f"line {number}", reason=exc.msg),),
        ) from None
    if not isinstance(data, dict):
        raise LedgerError(f"line {number}: an event must be a JSON object")
    try:
        return parse_event(data)
    except LedgerError as exc:
        problems = tuple(
            FieldProblem(path=f"line {number}: {p.path}", reason=p.reason) for p in exc.problems
        )
        raise LedgerError(f"line {number}: {exc.message}", problems) from None
