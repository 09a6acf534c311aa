"""`roundwise correct` and `roundwise confirm`: the freelancer's review, on a ledger file.

``correct SPEC LEDGER REQUEST_ID [--intent I] [--scope S ...] [--stage S]`` corrects how a
recorded request was read (issue 16.6) and appends two events to the ledger file: the
``assessment_corrected`` and the new ``decision_made`` judged on it, which supersedes the
first (nothing in the file is changed). ``--scope`` is given once per change item, in
order, or once for every item; what is not given keeps the engine's reading.
``confirm SPEC LEDGER REQUEST_ID`` confirms a decision that needed review (issue 16.5),
appending ``decision_confirmed``. Both print the decision (``--json``: one JSON object).
Bad input or a ledger that forbids it: one line on stderr, exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from roundwise.api.cli.inputs import fail, load_ledger, load_terms, parse_now
from roundwise.api.cli.terminal import spinner

if TYPE_CHECKING:
    from roundwise.engine.ledger import CorrectedItem, Event, ItemVerdict, RevisionRequested

Spec = Annotated[str, typer.Argument(metavar="SPEC", help="Contract spec (YAML or JSON).")]
Ledger = Annotated[str, typer.Argument(metavar="LEDGER", help="The ledger file (JSON lines).")]
RequestId = Annotated[str, typer.Argument(metavar="REQUEST_ID", help="The recorded request.")]
Now = Annotated[str | None, typer.Option("--now", help="The time of the event, ISO 8601.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def register(app: typer.Typer) -> None:
    """Add ``correct`` and ``confirm`` to the CLI."""
    app.command("correct")(correct_command)
    app.command("confirm")(confirm_command)


def correct_command(
    spec: Spec,
    ledger: Ledger,
    request_id: RequestId,
    intent: Annotated[
        str | None, typer.Option("--intent", help="What the message is for (an intent).")
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", help="An item's scope: once per item in order, or once for all."),
    ] = None,
    stage: Annotated[str | None, typer.Option("--stage", help="calm or explosion.")] = None,
    now: Now = None,
    as_json: AsJson = False,
) -> None:
    """Correct how a recorded request was read; judge it again and append both events."""
    from pydantic import ValidationError

    from roundwise.api.cli import policy_render as render
    from roundwise.api.cli.cache import understanding
    from roundwise.engine.decide import decision_json, understand
    from roundwise.engine.decide.correction import rejudge
    from roundwise.engine.decide.events import decision_made, request_of
    from roundwise.engine.errors import RoundwiseError
    from roundwise.engine.ledger import AssessmentCorrected, Folding, dump_events

    command = "correct"
    terms = load_terms(command, spec)
    events = load_ledger(command, ledger)
    moment = parse_now(command, now)
    requested = _requested(command, events, request_id)
    try:
        with spinner("judging the request again"), understanding():
            folding = Folding(terms)
            for event in events:
                folding.apply(event)
            record = folding.state().request(request_id)
            if record is None or record.decision is None:
                raise fail(command, f"{request_id}: the request has no decision to correct")
            engine = understand(terms, request_of(requested)).assessment
            items = _items(command, record.decision.items, scope or [])
            correction = AssessmentCorrected(
                at=moment,
                request_id=request_id,
                intent=intent or (engine.intent if engine else "revision_request"),
                items=items,
                stage=stage or (engine.stage if engine else "calm"),
            )
            folding.apply(correction)
            decision = rejudge(terms, folding.state(), requested, correction, moment)
            made = decision_made(decision)
            folding.apply(made)
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise fail(command, f"--{where}: {problem['msg']}") from None
    except RoundwiseError as error:
        raise fail(command, f"{ledger}: {error.message}") from None
    with Path(ledger).open("a", encoding="utf-8") as out:
        out.write(dump_events((correction, made)))
    typer.echo(decision_json(decision) if as_json else render.decision_text(terms, decision))


def confirm_command(
    spec: Spec, ledger: Ledger, request_id: RequestId, now: Now = None, as_json: AsJson = False
) -> None:
    """Confirm a decision that needed review; its round counts from now on."""
    import json

    from roundwise.engine.errors import RoundwiseError
    from roundwise.engine.ledger import DecisionConfirmed, dump_events, fold

    command = "confirm"
    terms = load_terms(command, spec)
    events = load_ledger(command, ledger)
    moment = parse_now(command, now)
    event = DecisionConfirmed(at=moment, request_id=request_id)
    try:
        state = fold((*events, event), moment, terms)
    except RoundwiseError as error:
        raise fail(command, f"{ledger}: {error.message}") from None
    with Path(ledger).open("a", encoding="utf-8") as out:
        out.write(dump_events((event,)))
    record = state.request(request_id)
    assert record is not None
    assert record.decision is not None
    left = state.deliverable(record.decision.deliverable).rounds_left
    summary = {"request_id": request_id, "confirmed": True, "rounds_left": left}
    text = f"{request_id}: confirmed ({record.decision.verdict}); {left} round(s) left"
    typer.echo(json.dumps(summary) if as_json else text)


def _requested(command: str, events: tuple[Event, ...], request_id: str) -> RevisionRequested:
    from roundwise.engine.ledger import RevisionRequested as Requested

    for event in events:
        if isinstance(event, Requested) and event.request_id == request_id:
            return event
    raise fail(command, f"{request_id}: no such request in the ledger")


def _items(
    command: str, items: tuple[ItemVerdict, ...], scopes: list[str]
) -> tuple[CorrectedItem, ...]:
    """The decision's items with the scopes given (one per item, or one for all)."""
    from roundwise.engine.ledger import CorrectedItem

    if scopes and len(scopes) not in (1, len(items)):
        raise fail(command, f"--scope: give one for all items or one per item ({len(items)})")
    chosen = scopes * len(items) if len(scopes) == 1 else scopes or [i.scope for i in items]
    return tuple(
        CorrectedItem.model_validate({"text": i.text, "scope": s})
        for i, s in zip(items, chosen, strict=True)
    )
