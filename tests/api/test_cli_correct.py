"""`roundwise correct` and `roundwise confirm` on a ledger file (issue 16.5 and 16.6)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from roundwise.api.cli.main import app
from roundwise.engine.ledger import ContractState, DecisionMade, fold, load_events
from roundwise.engine.terms import parse_spec
from tests.api.test_cli_policy import NOW, SPEC, played, request_file

runner = CliRunner()
LATER = "2026-03-27T13:00:00+01:00"


def _recorded(tmp_path: Path, **fields: object) -> str:
    """The played bakery ledger plus one recorded request ``r7`` on the products page."""
    ledger = played(tmp_path)
    request = request_file(tmp_path, deliverable="products", request_id="r7", **fields)
    args = ["evaluate", SPEC, request, "--ledger", ledger, "--now", NOW, "--record"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return ledger


def _state_of(ledger: str) -> ContractState:
    terms = parse_spec(Path(SPEC).read_text(encoding="utf-8"))
    events = load_events(Path(ledger).read_text(encoding="utf-8"))
    return fold(events, datetime.fromisoformat(LATER), terms)


def test_correct_appends_the_correction_and_a_superseding_decision(tmp_path: Path) -> None:
    ledger = _recorded(tmp_path)
    before = Path(ledger).read_text(encoding="utf-8")
    args = ["correct", SPEC, ledger, "r7", "--scope", "out_of_scope", "--now", LATER, "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert decision["verdict"] == "out_of_scope"
    assert decision["needs_review"] is False
    after = Path(ledger).read_text(encoding="utf-8")
    assert after.startswith(before)  # nothing in the file changed
    events = load_events(after)
    assert [e.type for e in events[-2:]] == ["assessment_corrected", "decision_made"]
    state = _state_of(ledger)
    record = state.request("r7")
    assert record is not None
    assert record.decision is not None
    assert record.decision.verdict == "out_of_scope"
    assert record.superseded == 1
    replayed = runner.invoke(app, ["replay", SPEC, ledger])
    assert replayed.exit_code == 0, replayed.output  # replay checks the engine's own decision


def test_correct_refuses_bad_input_with_one_line(tmp_path: Path) -> None:
    ledger = _recorded(tmp_path)
    cases = [
        (["--intent", "haggling"], "--intent"),
        (["--scope", "huge"], "scope"),
        (["--stage", "furious"], "--stage"),
    ]
    for extra, named in cases:
        result = runner.invoke(app, ["correct", SPEC, ledger, "r7", *extra, "--now", LATER])
        assert result.exit_code == 2, (extra, result.output)
        assert named in result.stderr
    unknown = runner.invoke(app, ["correct", SPEC, ledger, "r99", "--now", LATER])
    assert unknown.exit_code == 2
    assert "no such request" in unknown.stderr


def test_confirm_refuses_a_decision_that_needs_no_review(tmp_path: Path) -> None:
    ledger = _recorded(tmp_path)
    result = runner.invoke(app, ["confirm", SPEC, ledger, "r7", "--now", LATER])
    assert result.exit_code == 2
    assert "awaiting review" in result.stderr


def test_confirm_counts_the_round_of_an_unsure_decision(tmp_path: Path) -> None:
    message = "Сделайте описание продуктов короче, пожалуйста."
    ledger = _recorded(tmp_path, message=message, items=["Shorten the product descriptions"])
    made = load_events(Path(ledger).read_text(encoding="utf-8"))[-1]
    assert isinstance(made, DecisionMade)
    assert made.needs_review is True
    assert made.consumed_round is True
    used = _state_of(ledger).deliverable("products").rounds_used
    result = runner.invoke(app, ["confirm", SPEC, ledger, "r7", "--now", LATER, "--json"])
    assert result.exit_code == 0, result.output
    assert _state_of(ledger).deliverable("products").rounds_used == used + 1
    assert json.loads(result.stdout)["confirmed"] is True
