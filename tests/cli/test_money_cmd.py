"""`roundwise money`: invoices, payments and cancellation appended to a ledger file."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

from roundwise.api.cli.inputs import EXIT_BAD_INPUT
from roundwise.contracts.loading import read_ledger
from roundwise.engine.ledger import InvoiceIssued, PaymentReceived, ProjectCancelled
from tests.cli.conftest import LEDGER, SPEC, invoke


def test_money_events_are_appended_and_added_up(tmp_path: Path) -> None:
    ledger = str(shutil.copy(LEDGER, tmp_path / "ledger.jsonl"))
    before = len(read_ledger(Path(ledger)))
    spec = str(SPEC)
    steps = [
        ("invoice", ledger, "2026-001", "321", "--kind", "deposit", "--now", "2026-06-01T10:00Z"),
        ("payment", ledger, "300", "--invoice", "2026-001", "--now", "2026-06-02T10:00Z"),
        ("cancel", ledger, "--reason", "budget cut", "--now", "2026-06-03T10:00Z"),
    ]
    for step in steps:
        result = invoke("money", step[0], spec, *step[1:])
        assert result.exit_code == 0, result.output
    events = read_ledger(Path(ledger))
    assert [type(e) for e in events[before:]] == [InvoiceIssued, PaymentReceived, ProjectCancelled]
    shown = invoke("money", "show", spec, ledger, "--now", "2026-06-20T10:00Z", "--json")
    assert shown.exit_code == 0, shown.output
    summary = json.loads(shown.stdout)
    assert Decimal(summary["cancellation"]["kill_fee"]) == 480 + 320 + 270  # all delivered
    assert Decimal(summary["owed"]) == 1070 - 300
    text = invoke("money", "show", spec, ledger, "--now", "2026-06-20T10:00Z").stdout
    assert "Owed now: €770.00" in text


def test_a_money_event_the_ledger_refuses_is_one_line_and_not_appended(tmp_path: Path) -> None:
    ledger = str(shutil.copy(LEDGER, tmp_path / "ledger.jsonl"))
    original = Path(ledger).read_bytes()
    for args in (
        ("payment", str(SPEC), ledger, "10", "--invoice", "nope"),
        ("payment", str(SPEC), ledger, "ten"),
        ("payment", str(SPEC), ledger, "-5"),
        ("invoice", str(SPEC), ledger, "A-1", "5", "--kind", "gift"),
    ):
        result = invoke("money", *args, "--now", "2026-06-01T10:00Z")
        assert result.exit_code == EXIT_BAD_INPUT, result.output
        assert len(result.stderr.splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert Path(ledger).read_bytes() == original
