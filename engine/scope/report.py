"""The scope report: how far a contract has drifted from what was agreed.

Rule: everything comes from the ledger folded at ``now`` and the recorded decisions, so
the report can be rebuilt at any time and never disagrees with the decisions.

Figures per deliverable: rounds used/included/left, approval, the cumulative changed
share (the current version measured against the first delivered version with
`engine.measure`), and the requests by outcome. Asks: each out-of-scope item (estimated
at the change-order rate for its minimum hours, clause 6.7) and each request after
approval (its recorded quote, or the price of one extra round, clause 6.6). An ask is
*unpaid* until a change order referring to its request is accepted.

Creep score (0-100)::

    points = 20 × out-of-scope asks
           + 15 × requests after approval
           + 10 × requests over the round limits (extra_round or too_large)
           +  5 × requests that needed clarification
           + Σ per deliverable 20 × min(1, drift)
    drift  = max(0, cumulative changed share / (max change share × max(rounds included, 1)) − 1)
    score  = min(100, points);  level: < 30 low, < 60 elevated, otherwise high

Alerts: two or more out-of-scope asks within 30 days before ``now`` ("3 out-of-scope asks
in 10 days, est. €540.00 of unpaid work"); all included rounds used on a deliverable not
yet approved; requests after approval; cumulative change beyond what the included rounds
allow; a high creep score; money owed (deposit unpaid, invoices overdue, kill fee owed).
Each alert's ``subject`` says what it is about and makes it "the same alert" for the
``scope.alert`` webhook (``engine.scope.model.Alert``).

Money: what was invoiced, paid and is owed, the deposit, and after a cancellation the kill
fee (`engine.ledger.money_summary`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from roundwise.engine.ledger import (
    ContractState,
    DeliverableState,
    Event,
    RequestRecord,
    fold,
    money_summary,
)
from roundwise.engine.measure import measure
from roundwise.engine.rules import share_text
from roundwise.engine.scope.model import Alert, Ask, DeliverableScope, ScopeReport
from roundwise.engine.scope.money_alerts import money_alerts
from roundwise.engine.terms import (
    ClauseKey,
    ContractTerms,
    FlatRoundPrice,
    Money,
    PerWordRoundPrice,
    RevisionPolicy,
    clause,
    money,
)

CREEP_FORMULA = (
    "min(100, 20×out-of-scope asks + 15×requests after approval + 10×requests over the round "
    "limits + 5×unclear requests + Σ 20×min(1, drift)); drift = max(0, cumulative share / "
    "(max share × rounds included) − 1)"
)
ALERT_WINDOW = timedelta(days=30)


def scope_report(contract: ContractTerms, events: Sequence[Event], now: datetime) -> ScopeReport:
    """The scope report for ``contract`` after ``events``, as of ``now``."""
    state = fold(events, now, contract)
    deliverables = tuple(_deliverable(contract, state, item) for item in state.deliverables)
    asks = tuple(ask for record in state.requests for ask in _asks(contract, state, record))
    unpaid = sum((a.estimate.amount for a in asks if not a.ordered), Decimal(0))
    terms = _creep_terms(contract, deliverables)
    score = min(100, sum(points for _, points in terms))
    report = ScopeReport(
        contract_id=contract.id,
        as_of=now,
        currency=contract.currency,
        deliverables=deliverables,
        asks=asks,
        free_fixes=sum(d.free_fixes for d in deliverables),
        unpaid_estimate=Money(amount=unpaid, currency=contract.currency),
        creep_score=score,
        creep_level="low" if score < 30 else "elevated" if score < 60 else "high",
        creep_formula=CREEP_FORMULA,
        creep_terms=terms,
        alerts=(),
        money=money_summary(contract, state),
    )
    return _with_alerts(contract, report)


def _decided(state: ContractState, deliverable: str) -> list[RequestRecord]:
    return [r for r in state.requests if r.deliverable == deliverable and r.decision]


def _deliverable(
    contract: ContractTerms, state: ContractState, item: DeliverableState
) -> DeliverableScope:
    records = _decided(state, item.id)
    verdicts = [{i.verdict for i in r.decision.items} for r in records if r.decision]
    overall = [r.decision.verdict for r in records if r.decision]
    oos = [
        [i for i in r.decision.items if i.verdict == "out_of_scope"] for r in records if r.decision
    ]
    found = contract.deliverable(item.id)
    return DeliverableScope(
        id=item.id,
        title=found.title if found else item.id,
        rounds_used=item.rounds_used,
        rounds_included=item.rounds_included,
        rounds_left=item.rounds_left,
        versions=len(item.versions),
        approval=item.approval.kind if item.approval else None,
        approved_at=item.approval.at if item.approval else None,
        cumulative_changed_share=_cumulative(item),
        requests=len([r for r in state.requests if r.deliverable == item.id]),
        free_fixes=item.free_fixes,
        out_of_scope_asks=sum(len(v) for v in oos),
        after_approval_requests=sum(1 for v in verdicts if "after_approval" in v),
        over_limit_requests=sum(1 for v in verdicts if v & {"extra_round", "too_large"}),
        unclear_requests=sum(1 for v in overall if v == "needs_clarification"),
    )


def _cumulative(item: DeliverableState) -> Decimal | None:
    texts = [v.text for v in item.versions]
    if len(texts) < 2 or texts[0] is None or texts[-1] is None:
        return None
    result = measure(texts[0], texts[-1])
    return Decimal(result.changed_words) / Decimal(max(result.words_old, 1))


def _ordered(state: ContractState, request_id: str) -> bool:
    return any(
        co.accepted_at is not None and request_id in co.request_ids for co in state.change_orders
    )


def _asks(contract: ContractTerms, state: ContractState, record: RequestRecord) -> list[Ask]:
    decision = record.decision
    if decision is None:
        return []
    policy = contract.policy_for(record.deliverable)
    ordered = _ordered(state, record.request_id)

    def ask(text: str, kind: str, amount: Decimal) -> Ask:
        estimate = Money(amount=amount, currency=contract.currency)
        return Ask(
            record.request_id, record.deliverable, record.received_at, text, kind, estimate, ordered
        )

    new_work = policy.out_of_scope.hourly_rate * policy.out_of_scope.minimum_hours
    outside = [i for i in decision.items if i.verdict == "out_of_scope"]
    asks = [ask(i.text, "out_of_scope", new_work) for i in outside]
    if any(i.verdict == "after_approval" for i in decision.items):
        parts = decision.quote.parts if decision.quote else ()
        recorded = [p.price.amount for p in parts if p.kind == "after_approval"]
        amount = recorded[0] if recorded else _round_price(policy)
        asks.append(ask(record.message, "after_approval", amount))
    return asks


def _round_price(policy: RevisionPolicy) -> Decimal:
    price = policy.extra_round
    if isinstance(price, FlatRoundPrice):
        return price.amount
    if isinstance(price, PerWordRoundPrice):
        return price.minimum
    return price.rate * price.estimated_hours


def _drift(contract: ContractTerms, item: DeliverableScope) -> Decimal:
    limit = contract.policy_for(item.id).max_change_share
    share = item.cumulative_changed_share
    if limit is None or share is None:
        return Decimal(0)
    return max(Decimal(0), share / (limit * max(item.rounds_included, 1)) - 1)


def _creep_terms(
    contract: ContractTerms, items: Sequence[DeliverableScope]
) -> tuple[tuple[str, int], ...]:
    drift = sum(int(20 * min(Decimal(1), _drift(contract, d))) for d in items)
    return (
        ("out-of-scope asks", 20 * sum(d.out_of_scope_asks for d in items)),
        ("requests after approval", 15 * sum(d.after_approval_requests for d in items)),
        ("requests over the round limits", 10 * sum(d.over_limit_requests for d in items)),
        ("unclear requests", 5 * sum(d.unclear_requests for d in items)),
        ("cumulative drift", drift),
    )


def _with_alerts(contract: ContractTerms, report: ScopeReport) -> ScopeReport:
    alerts = [*_ask_alerts(contract, report)]
    for item in report.deliverables:
        alerts += _deliverable_alerts(contract, report, item)
    if report.creep_level == "high":
        alerts.append(Alert("creep_high", f"Scope creep score {report.creep_score}/100 (high)."))
    if report.money is not None:
        alerts += money_alerts(contract, report.money)
    return replace(report, alerts=tuple(alerts))


def _ask_alerts(contract: ContractTerms, report: ScopeReport) -> list[Alert]:
    recent = [a for a in report.out_of_scope_asks if a.received_at > report.as_of - ALERT_WINDOW]
    if len(recent) < 2:
        return []
    zone = contract.zone
    first = min(a.received_at for a in recent).astimezone(zone).date()
    last = max(a.received_at for a in recent).astimezone(zone).date()
    days = (last - first).days + 1
    unpaid = sum((a.estimate.amount for a in recent if not a.ordered), Decimal(0))
    message = (
        f"{len(recent)} out-of-scope asks in {days} day{'s' if days != 1 else ''}, "
        f"est. {money(contract, unpaid)} of unpaid work."
    )
    newest = max(recent, key=lambda a: (a.received_at, a.request_id))
    return [Alert("out_of_scope_asks", message, newest.request_id)]


def _deliverable_alerts(
    contract: ContractTerms, report: ScopeReport, item: DeliverableScope
) -> list[Alert]:
    alerts: list[Alert] = []
    if item.rounds_included and item.rounds_left == 0 and item.approval is None:
        extra = clause(contract, ClauseKey.EXTRA_ROUNDS).citation
        alerts.append(
            Alert(
                "rounds_used_up",
                f"{item.title}: all {item.rounds_included} included revision round(s) used; "
                f"further rounds are paid ({extra}).",
                f"{item.id}/rounds-{item.rounds_included}",
            )
        )
    after = [a for a in report.after_approval_requests if a.deliverable == item.id]
    if after:
        newest = max(after, key=lambda a: (a.received_at, a.request_id))
        value = sum((a.estimate.amount for a in after if not a.ordered), Decimal(0))
        alerts.append(
            Alert(
                "after_approval",
                f"{item.title}: {len(after)} request(s) after approval, est. "
                f"{money(contract, value)} of unpaid work.",
                f"{item.id}/{newest.request_id}",
            )
        )
    if _drift(contract, item) > 0 and item.cumulative_changed_share is not None:
        limit = contract.policy_for(item.id).max_change_share or Decimal(0)
        alerts.append(
            Alert(
                "cumulative_drift",
                f"{item.title}: changed {share_text(item.cumulative_changed_share)} since the "
                f"first version, more than {max(item.rounds_included, 1)} round(s) × "
                f"{share_text(limit)} allow.",
                f"{item.id}/rounds-{item.rounds_included}",
            )
        )
    return alerts
