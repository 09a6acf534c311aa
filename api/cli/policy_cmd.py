"""`roundwise evaluate`, `report` and `replay`: the policy engine on the command line.

``evaluate SPEC REQUEST [--ledger L] [--now T] [--json] [--record]`` judges one request
(``--record`` appends its two events to the ledger file); ``report SPEC --ledger L``
prints the scope report; ``replay SPEC LEDGER`` re-judges every recorded request and
exits 1 if any decision would differ. Bad files: one line on stderr, exit code 2.
The CLI reads the clock only for the default ``--now``; the engine never does. The engine
is imported inside the commands; a judged message reads the cue book from the CLI's cache
(``api/cli/cache.py``) and loads language models only as it needs them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from roundwise.api.cli.inputs import fail, load_ledger, load_request, load_terms, parse_now
from roundwise.api.cli.terminal import spinner

_EXIT_DIFFERS = 1

Spec = Annotated[str, typer.Argument(metavar="SPEC", help="Contract spec (YAML or JSON).")]
Now = Annotated[str | None, typer.Option("--now", help="Evaluation time, ISO 8601 with offset.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def register(app: typer.Typer) -> None:
    """Add ``evaluate``, ``report`` and ``replay`` to the CLI."""
    app.command("evaluate")(evaluate_command)
    app.command("report")(report_command)
    app.command("replay")(replay_command)


def evaluate_command(
    spec: Spec,
    request_file: Annotated[
        str, typer.Argument(metavar="REQUEST", help="Request JSON: deliverable, message, ...")
    ],
    ledger: Annotated[
        str | None, typer.Option("--ledger", help="The contract's ledger (JSON lines).")
    ] = None,
    now: Now = None,
    as_json: AsJson = False,
    record: Annotated[
        bool, typer.Option("--record", help="Append the request and decision to --ledger.")
    ] = False,
) -> None:
    """Judge a client's revision request against the contract and its ledger."""
    from roundwise.api.cli import policy_render as render
    from roundwise.api.cli.cache import understanding
    from roundwise.engine.decide import decision_events, decision_json, evaluate
    from roundwise.engine.errors import RoundwiseError
    from roundwise.engine.ledger import dump_events, fold

    command = "evaluate"
    terms = load_terms(command, spec)
    request = load_request(command, request_file)
    events = load_ledger(command, ledger) if ledger else ()
    if record and not ledger:
        raise fail(command, "--record needs --ledger (the file to append to)")
    moment = parse_now(command, now)
    try:
        with spinner("judging the request"), understanding():
            decision = evaluate(terms, fold(events, moment, terms), request, moment)
    except RoundwiseError as error:
        raise fail(command, f"{ledger or request_file}: {error.message}") from None
    if record and ledger:
        with Path(ledger).open("a", encoding="utf-8") as out:
            out.write(dump_events(decision_events(request, decision)))
    typer.echo(decision_json(decision) if as_json else render.decision_text(terms, decision))


def report_command(
    spec: Spec,
    ledger: Annotated[str, typer.Option("--ledger", help="The contract's ledger (JSON lines).")],
    now: Now = None,
    as_json: AsJson = False,
) -> None:
    """Print the scope report: rounds, cumulative change, unpaid asks, creep score, alerts."""
    from roundwise.api.cli import policy_render as render
    from roundwise.engine.errors import RoundwiseError
    from roundwise.engine.scope import report_dict, scope_report

    command = "report"
    terms = load_terms(command, spec)
    events = load_ledger(command, ledger)
    moment = parse_now(command, now)
    try:
        with spinner("building the report"):
            report = scope_report(terms, events, moment)
    except RoundwiseError as error:
        raise fail(command, f"{ledger}: {error.message}") from None
    if as_json:
        typer.echo(json.dumps(report_dict(report), ensure_ascii=False, sort_keys=True))
    else:
        typer.echo(render.report_text(terms, report))


def replay_command(
    spec: Spec,
    ledger: Annotated[str, typer.Argument(metavar="LEDGER", help="Ledger (JSON lines).")],
    as_json: AsJson = False,
) -> None:
    """Re-judge every recorded request; exit 1 if any decision would differ now."""
    from roundwise.api.cli import policy_render as render
    from roundwise.api.cli.cache import understanding
    from roundwise.engine.decide import replay
    from roundwise.engine.errors import RoundwiseError

    command = "replay"
    terms = load_terms(command, spec)
    events = load_ledger(command, ledger)
    try:
        with spinner("replaying the ledger"), understanding():
            result = replay(terms, events)
    except RoundwiseError as error:
        raise fail(command, f"{ledger}: {error.message}") from None
    if as_json:
        typer.echo(json.dumps(render.replay_dict(result), ensure_ascii=False, sort_keys=True))
    else:
        typer.echo(render.replay_text(result))
    if not result.all_match:
        raise typer.Exit(code=_EXIT_DIFFERS)
