"""Shared builders for the ledger, rules and decision tests: example terms and events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from roundwise.engine.ledger import (
    ContractSigned,
    DecisionMade,
    Event,
    ItemVerdict,
    RevisionDelivered,
    RevisionRequested,
    VersionSubmitted,
)
from roundwise.engine.terms import ContractTerms, parse_spec, terms_sha256

EXAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "examples"
LJUBLJANA = ZoneInfo("Europe/Ljubljana")


@cache
def example(name: str) -> ContractTerms:
    """One of the shipped example contracts."""
    return parse_spec((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))


def at(day: int, hour: int = 10, minute: int = 0, month: int = 3) -> datetime:
    """A moment in 2026 in Ljubljana time (the bakery's time zone)."""
    return datetime(2026, month, day, hour, minute, tzinfo=LJUBLJANA)


def utc(day: int, hour: int = 10, month: int = 3) -> datetime:
    """A moment in 2026 in UTC."""
    return datetime(2026, month, day, hour, tzinfo=UTC)


def words(n: int, prefix: str = "word") -> str:
    """A text of ``n`` distinct words."""
    return " ".join(f"{prefix}{i}" for i in range(n))


def signed(terms: ContractTerms, when: datetime) -> ContractSigned:
    """The signing event for these terms."""
    return ContractSigned(at=when, contract_id=terms.id, terms_sha256=terms_sha256(terms))


def version(deliverable: str, number: int, when: datetime, text: str | None = None) -> Event:
    """A version submitted on the freelancer's schedule."""
    return VersionSubmitted(
        at=when, deliverable=deliverable, version=number, text=text or words(100)
    )


def requested(
    request_id: str, deliverable: str, when: datetime, received: datetime | None = None
) -> RevisionRequested:
    """A client request recorded at ``when`` (sent at ``received``)."""
    return RevisionRequested(
        at=when,
        request_id=request_id,
        deliverable=deliverable,
        message="Could you make the opening paragraph a bit shorter?",
        received_at=received or when,
    )


def decided(
    request_id: str,
    deliverable: str,
    when: datetime,
    terms: ContractTerms,
    verdict: str = "included",
    rounds_left: int = 0,
) -> DecisionMade:
    """A decision summary with one item of the given verdict."""
    scope = {"free_fix": "free_fix", "out_of_scope": "out_of_scope"}.get(verdict, "in_scope")
    if verdict == "needs_clarification":
        scope = "vague"
    return DecisionMade.model_validate(
        {
            "at": when,
            "request_id": request_id,
            "deliverable": deliverable,
            "verdict": verdict,
            "scope": scope,
            "items": [
                ItemVerdict.model_validate({"text": "x", "scope": scope, "verdict": verdict})
            ],
            "consumed_round": verdict == "included",
            "rounds_left": rounds_left,
            "terms_sha256": terms_sha256(terms),
            "engine_version": "0.1.0",
        }
    )


def delivered(
    request_id: str, deliverable: str, number: int, when: datetime, text: str | None = None
) -> RevisionDelivered:
    """A revision delivered in answer to a request."""
    return RevisionDelivered(
        at=when,
        deliverable=deliverable,
        version=number,
        request_id=request_id,
        text=text or words(100, prefix="rev"),
    )


def later(moment: datetime, **delta: float) -> datetime:
    """``moment`` plus a timedelta given as keywords."""
    return moment + timedelta(**delta)
