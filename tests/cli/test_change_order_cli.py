"""`roundwise change-order issue|accept|decline` on a copy of the bakery example ledger."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from roundwise.engine.ledger import ContractState, fold, load_events
from roundwise.engine.terms import parse_spec
from tests.cli.conftest import LEDGER, SPEC, invoke

ISSUED_AT = "2026-03-28T10:00:00+01:00"


def _ledger(tmp_path: Path) -> str:
    copy = tmp_path / "ledger.jsonl"
    shutil.copyfile(LEDGER, copy)
    return str(copy)


def _state(ledger: str, now: str = "2026-04-30T12:00:00+02:00") -> ContractState:
    terms = parse_spec(SPEC.read_text(encoding="utf-8"))
    events = load_events(Path(ledger).read_text(encoding="utf-8"))
    return fold(events, datetime.fromisoformat(now), terms)


def test_issue_prices_requests_and_items_and_appends_the_change_order_as_sent(
    tmp_path: Path,
) -> None:
    ledger = _ledger(tmp_path)
    result = invoke(
        "change-order", "issue", str(SPEC), ledger,
        "--request", "r-about-1",
        "--item", "Three more product descriptions",
        "--item", "Press release=150",
        "--now", ISSUED_AT,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Change order 3: €780.00, valid until 2026-04-11" in result.output
    assert "3 × product descriptions at €270.00 ÷ 3 each" in result.output
    order = _state(ledger).change_orders[-1]
    assert order.issued.number == 3
    assert order.sent is not None
    assert [line.price.amount for line in order.sent.lines] == [360, 270, 150]
    assert order.accepted_at is None


def test_accept_adds_the_rounds_and_decline_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    accepted, declined = _ledger(tmp_path / "a"), _ledger(tmp_path / "b")
    for ledger in (accepted, declined):
        issued = invoke(
            "change-order", "issue", str(SPEC), ledger, "--request", "r-about-1", "--now", ISSUED_AT
        )
        assert issued.exit_code == 0, issued.output
    before = _state(declined).deliverable("about").rounds_included
    yes = invoke(
        "change-order", "accept", str(SPEC), accepted, "3",
        "--note", "by phone", "--now", "2026-03-29T10:00:00+02:00",
    )  # fmt: skip
    no = invoke(
        "change-order", "decline", str(SPEC), declined, "3", "--now", "2026-03-29T10:00:00+02:00"
    )
    assert yes.exit_code == 0, yes.output
    assert no.exit_code == 0, no.output
    assert _state(accepted).deliverable("about").rounds_included == before + 4
    assert _state(declined).deliverable("about").rounds_included == before
    order = _state(accepted).change_orders[-1]
    assert (order.answered_by, order.answer_note) == ("freelancer", "by phone")


def test_an_expired_answered_or_unknown_change_order_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    ledger = _ledger(tmp_path)
    invoke("change-order", "issue", str(SPEC), ledger, "--request", "r-about-1", "--now", ISSUED_AT)
    text = Path(ledger).read_text(encoding="utf-8")
    late = invoke(
        "change-order", "accept", str(SPEC), ledger, "3", "--now", "2026-04-12T09:00:00+02:00"
    )
    assert late.exit_code == 2
    assert "change order 3 expired on 2026-04-11" in late.output
    unknown = invoke("change-order", "decline", str(SPEC), ledger, "9", "--now", ISSUED_AT)
    assert unknown.exit_code == 2
    again = invoke(
        "change-order", "issue", str(SPEC), ledger, "--request", "r-about-1", "--now", ISSUED_AT
    )
    assert again.exit_code == 2
    assert "priced by change order 3" in again.output
    included = invoke(
        "change-order", "issue", str(SPEC), ledger, "--request", "r-home-1", "--now", ISSUED_AT
    )
    assert included.exit_code == 2
    assert "nothing to bill" in included.output
    assert Path(ledger).read_text(encoding="utf-8") == text
