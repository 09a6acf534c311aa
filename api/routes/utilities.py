"""Stateless utilities for integrations that keep their own state: measure, evaluate, lint.

Nothing is stored; the same input gives the same output (``evaluate`` takes ``now``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from roundwise.api.deps import AccountDep
from roundwise.api.errors import problem_responses
from roundwise.api.examples import (
    EXAMPLE_LEDGER,
    EXAMPLE_REQUEST,
    EXAMPLE_SPEC,
    HOME_V1,
    examples,
)
from roundwise.api.routes.contracts import SpecIn, terms_from
from roundwise.api.routes.revisions import ReplyOut, RevisionRequestIn
from roundwise.api.schemas import (
    RANGE_REASON,
    DocumentText,
    ServiceDatetime,
    datetimes_out_of_range,
)
from roundwise.engine.decide import Decision, decision_events, evaluate
from roundwise.engine.errors import FieldProblem, LedgerError, RequestError
from roundwise.engine.ledger import Event, fold, parse_event
from roundwise.engine.lint import UnsupportedLanguageError, lint_reply, supported_languages
from roundwise.engine.measure import MeasureOptions, measure
from roundwise.engine.replies import reply_document
from roundwise.store.base import utcnow

router = APIRouter(tags=["utilities"], responses=problem_responses(400, 401, 413, 422))


class MeasureIn(BaseModel):
    """Two versions of a text and what the comparison may ignore."""

    model_config = examples(
        {
            "old": HOME_V1,
            "new": HOME_V1.replace("the same stone oven", "one stone oven since 1962"),
            "ignore_case": False,
            "ignore_punctuation": False,
        }
    )

    old: DocumentText = Field(description="The earlier version; at most 200000 characters.")
    new: DocumentText = Field(description="The later version; at most 200000 characters.")
    ignore_case: bool = Field(default=False, description="Compare case-folded words.")
    ignore_punctuation: bool = Field(
        default=False, description="Compare words without punctuation; drop lone punctuation."
    )


class EvaluateIn(SpecIn):
    """A spec, the ledger so far (events as JSON), a request and the evaluation time."""

    model_config = examples(
        {
            "spec": EXAMPLE_SPEC,
            "ledger": EXAMPLE_LEDGER,
            "request": EXAMPLE_REQUEST,
            "now": "2026-03-14T10:00:00+01:00",
        }
    )

    ledger: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=10_000,
        description="The contract's events so far, oldest first, as the ledger's JSON lines "
        "hold them (each with its `type` and `at`); at most 10000.",
    )
    request: RevisionRequestIn = Field(description="The client's request to judge.")
    now: ServiceDatetime | None = Field(default=None, description="Default: the server's clock.")


class EvaluateOut(BaseModel):
    """The decision, the reply draft, and the two events to append to your ledger."""

    decision: Decision
    reply: ReplyOut
    events: list[dict[str, Any]]


class LintIn(BaseModel):
    """A reply the freelancer wrote, to check against the reply rules."""

    model_config = examples(
        {
            "text": "Hi Marko, unfortunately that is just not possible. Sorry for any "
            "inconvenience!",
            "language": "en",
            "client_name": "Marko",
        }
    )

    text: str = Field(min_length=1, max_length=200_000, description="Your draft reply.")
    language: str = Field(
        default="en",
        pattern=r"^[a-z]{2,3}$",
        description="The reply's language, an ISO 639 code with lint rules (`en`, `sl`, …).",
    )
    client_name: str | None = Field(
        default=None, max_length=200, description="The client's name, as the reply greets them."
    )


class LintOut(BaseModel):
    """The findings, each with the technique it protects and a better phrasing."""

    findings: list[dict[str, Any]]


@router.post("/measure")
def measure_change(body: MeasureIn, _account: AccountDep) -> dict[str, Any]:
    """How much ``new`` changes ``old`` (the fields of `roundwise measure --json`)."""
    options = MeasureOptions(
        ignore_case=body.ignore_case, ignore_punctuation=body.ignore_punctuation
    )
    return measure(body.old, body.new, options).as_dict()


def _events(raw: list[dict[str, Any]]) -> list[Event]:
    events = []
    for index, item in enumerate(raw):
        try:
            events.append(parse_event(item))
        except LedgerError as exc:
            problems = tuple(
                FieldProblem(f"ledger[{index}].{p.path}", p.reason) for p in exc.problems
            )
            raise LedgerError(exc.message, problems) from None
    _require_service_range(events)
    return events


def _require_service_range(events: list[Event]) -> None:
    """Every instant in the ledger within the years a client may send (``ServiceDatetime``)."""
    paths = [
        path for i, e in enumerate(events) for path in datetimes_out_of_range(e, f"ledger[{i}]")
    ]
    if paths:
        problems = tuple(FieldProblem(path, RANGE_REASON) for path in paths[:20])
        raise RequestError("a ledger event's time is out of range", problems)


@router.post("/evaluate")
def evaluate_request(body: EvaluateIn, _account: AccountDep) -> EvaluateOut:
    """Judge a request against a spec and a ledger you keep; nothing is stored."""
    terms = terms_from(body)
    events = _events(body.ledger)
    now = body.now or max([utcnow(), *(e.at for e in events[-1:])])
    state = fold(events, now, terms)
    request = body.request.to_engine()
    decision = evaluate(terms, state, request, now)
    new_events = decision_events(request, decision)
    return EvaluateOut(
        decision=decision,
        reply=ReplyOut.model_validate(reply_document(decision, terms, state)),
        events=[e.model_dump(mode="json") for e in new_events],
    )


@router.post("/replies/lint")
def lint(body: LintIn, _account: AccountDep) -> LintOut:
    """Check a reply against the rules every Roundwise reply keeps."""
    try:
        findings = lint_reply(body.text, body.language, body.client_name)
    except UnsupportedLanguageError:
        known = ", ".join(supported_languages())
        raise RequestError(
            f"no lint rules for {body.language!r}",
            (FieldProblem("language", f"supported: {known}"),),
        ) from None
    return LintOut(findings=[f.as_dict() for f in findings])
