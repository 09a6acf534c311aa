"""The values of a scope report: per-deliverable figures, asks, alerts and the score."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from roundwise.engine.ledger import MoneySummary
from roundwise.engine.terms import Money


@dataclass(frozen=True, slots=True)
class DeliverableScope:
    """One deliverable's drift: rounds, approvals, cumulative change and requests by kind."""

    id: str
    title: str
    rounds_used: int
    rounds_included: int
    rounds_left: int
    versions: int
    approval: str | None
    approved_at: datetime | None
    cumulative_changed_share: Decimal | None
    requests: int
    free_fixes: int
    out_of_scope_asks: int
    after_approval_requests: int
    over_limit_requests: int
    unclear_requests: int


@dataclass(frozen=True, slots=True)
class Ask:
    """A billable ask (out of scope, or after approval) with its estimated value."""

    request_id: str
    deliverable: str
    received_at: datetime
    text: str
    kind: str
    estimate: Money
    ordered: bool


@dataclass(frozen=True, slots=True)
class Alert:
    """A threshold that was crossed, in one sentence with its figures.

    ``subject`` is what the alert is about, and what makes two alerts of one contract
    and ``code`` the same one (the ``scope.alert`` webhook sends each once): the
    deliverable and the allowance crossed, or the newest ask or invoice that raised it
    (a new one re-raises it, with its new figures); empty for a contract-wide alert
    that is raised once (a high creep score, an unpaid deposit, a kill fee owed).
    """

    code: str
    message: str
    subject: str = ""


@dataclass(frozen=True, slots=True)
class ScopeReport:
    """Scope creep on a contract at ``as_of``."""

    contract_id: str
    as_of: datetime
    currency: str
    deliverables: tuple[DeliverableScope, ...]
    asks: tuple[Ask, ...]
    free_fixes: int
    unpaid_estimate: Money
    creep_score: int
    creep_level: str
    creep_formula: str
    creep_terms: tuple[tuple[str, int], ...]
    alerts: tuple[Alert, ...]
    money: MoneySummary | None = None

    @property
    def out_of_scope_asks(self) -> tuple[Ask, ...]:
        """Asks for work outside the agreement."""
        return tuple(a for a in self.asks if a.kind == "out_of_scope")

    @property
    def after_approval_requests(self) -> tuple[Ask, ...]:
        """Requests to change work that was already approved."""
        return tuple(a for a in self.asks if a.kind == "after_approval")


def report_dict(report: ScopeReport) -> dict[str, Any]:
    """The report as JSON-ready data: Decimals as exact strings, times in ISO 8601."""
    data = _jsonable(asdict(report))
    assert isinstance(data, dict)
    return data


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Money):
        return value.model_dump(mode="json")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    return value
