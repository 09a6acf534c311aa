"""`roundwise evaluate`, `report` and `replay` through the real CLI app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roundwise.api.cli.main import app
from roundwise.engine.ledger import dump_events, load_events
from tests.engine.bakery_project import play, tampered

ROOT = Path(__file__).resolve().parents[2]
SPEC = str(ROOT / "contracts" / "examples" / "bakery-web-copy.yaml")
LEDGERS = ROOT / "tests" / "data" / "ledgers"
PROJECT = str(LEDGERS / "bakery-project.jsonl")
NOW = "2026-03-27T12:00:00+01:00"
runner = CliRunner()


def write(tmp_path: Path, name: str, content: str) -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def request_file(tmp_path: Path, **fields: object) -> str:
    data = {"deliverable": "home", "message": "Could you make the opening paragraph shorter?"}
    data.update(fields)
    return write(tmp_path, "request.json", json.dumps(data))


def test_evaluate_prints_the_decision_as_json_with_the_promised_fields(tmp_path: Path) -> None:
    mixed = (
        'Please swap "family tradition" for "three generations" in the headline, and could '
        "you also translate the whole page into German for our Austrian customers?"
    )
    result = runner.invoke(
        app, ["evaluate", SPEC, request_file(tmp_path, message=mixed), "--now", NOW, "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["verdict"], data["scope"], data["stage"], data["language"]) == (
        "out_of_scope",
        "mixed",
        "calm",
        "en",
    )
    assert [item["verdict"] for item in data["items"]] == ["included", "out_of_scope"]
    assert all(item["reasons"] for item in data["items"])
    assert data["rounds_left"] == 0
    assert data["quote"]["total"] == {"amount": "45", "currency": "EUR"}
    assert "clause 3 (What is not included)" in data["explanation"]


def test_evaluate_is_byte_for_byte_repeatable(tmp_path: Path) -> None:
    args = ["evaluate", SPEC, request_file(tmp_path), "--ledger", PROJECT, "--now", NOW, "--json"]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == 0
    assert first.stdout == second.stdout


def test_evaluate_against_the_ledger_sees_the_approval(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["evaluate", SPEC, request_file(tmp_path), "--ledger", PROJECT, "--now", NOW]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("verdict: after_approval")
    assert "quote: €90.00" in result.stdout


def played(tmp_path: Path) -> str:
    """The bakery project played through the current engine, as a ledger file."""
    return write(tmp_path, "played.jsonl", dump_events(play()))


def test_evaluate_can_record_its_events_and_the_ledger_still_replays(tmp_path: Path) -> None:
    ledger = played(tmp_path)
    args = ["evaluate", SPEC, request_file(tmp_path, deliverable="products", request_id="r7")]
    result = runner.invoke(app, [*args, "--ledger", ledger, "--now", NOW, "--record"])
    assert result.exit_code == 0, result.output
    events = load_events(Path(ledger).read_text(encoding="utf-8"))
    assert [e.type for e in events[-2:]] == ["revision_requested", "decision_made"]
    replayed = runner.invoke(app, ["replay", SPEC, ledger])
    assert replayed.exit_code == 0, replayed.output


def test_report_prints_the_figures_the_formula_and_the_alerts() -> None:
    result = runner.invoke(app, ["report", SPEC, "--ledger", PROJECT, "--now", NOW])
    assert result.exit_code == 0, result.output
    assert "home: rounds 1/1 used, 0 left" in result.stdout
    assert "Creep score: 90/100 (high)" in result.stdout
    assert "Formula: min(100, 20×out-of-scope asks" in result.stdout
    assert "! 3 out-of-scope asks in 9 days, est. €135.00 of unpaid work." in result.stdout


def test_report_as_json() -> None:
    result = runner.invoke(app, ["report", SPEC, "--ledger", PROJECT, "--now", NOW, "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["creep_score"] == 90


def test_replay_exits_0_when_every_decision_matches(tmp_path: Path) -> None:
    result = runner.invoke(app, ["replay", SPEC, played(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "6 decision(s) replayed: all match" in result.stdout


def test_replay_exits_1_and_names_the_differing_decision(tmp_path: Path) -> None:
    ledger = write(tmp_path, "tampered.jsonl", tampered(dump_events(play())))
    result = runner.invoke(app, ["replay", SPEC, ledger])
    assert result.exit_code == 1
    assert "differs   r6 (about): included -> after_approval" in result.stdout
    assert '          verdict: recorded "included" / now "after_approval"' in result.stdout


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (lambda t: ["replay", SPEC, str(t / "missing.jsonl")], "missing.jsonl: no such file"),
        (lambda t: ["replay", SPEC, write(t, "l.jsonl", "{}\n")], "l.jsonl: line 1: invalid event"),
        (
            lambda t: ["replay", SPEC, write(t, "l.jsonl", '{"type": "x"}\n{bad\n')],
            "l.jsonl: line 1: invalid event",
        ),
        (
            lambda t: [
                "evaluate",
                write(t, "s.yaml", Path(SPEC).read_text().replace("kind: text", "kind: poem", 1)),
                request_file(t),
            ],
            "s.yaml: invalid contract spec: deliverables[0].kind:",
        ),
        (
            lambda t: ["evaluate", SPEC, write(t, "r.json", '{"deliverable": "home"}')],
            "r.json: message: Field required",
        ),
        (
            lambda t: ["evaluate", SPEC, write(t, "r.json", "[1, 2]")],
            "r.json: a request must be a JSON object",
        ),
        (
            lambda t: ["evaluate", SPEC, request_file(t, deliverable="blog")],
            "unknown deliverable 'blog'; this contract has: home, about, products",
        ),
        (
            lambda t: ["evaluate", SPEC, request_file(t), "--now", "2026-03-14T10:00"],
            "--now '2026-03-14T10:00': give a time zone offset",
        ),
        (
            lambda t: ["evaluate", SPEC, request_file(t), "--record"],
            "--record needs --ledger",
        ),
        (
            lambda t: ["report", SPEC, "--ledger", PROJECT, "--now", "2026-03-01T00:00Z"],
            "events out of order",
        ),
    ],
)
def test_bad_input_gives_one_line_naming_the_problem_and_exit_code_2(
    tmp_path: Path, make_args: object, message: str
) -> None:
    assert callable(make_args)
    result = runner.invoke(app, make_args(tmp_path))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("roundwise ")
    assert message in lines[0]
