"""Plain-text renderings of decisions, scope reports and replays for the terminal."""

from __future__ import annotations

import textwrap
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from roundwise.engine.rules import share_text
from roundwise.engine.terms import money

if TYPE_CHECKING:
    from roundwise.engine.decide import Decision, ReplayReport
    from roundwise.engine.scope import ScopeReport
    from roundwise.engine.terms import ContractTerms


def _wrap(text: str, indent: str = "", hang: str = "") -> str:
    return textwrap.fill(text, width=92, initial_indent=indent, subsequent_indent=indent + hang)


def decision_text(terms: ContractTerms, decision: Decision) -> str:
    """The decision as a short human-readable block."""
    parts = " + ".join(decision.verdicts)
    lines = [
        f"verdict: {decision.verdict}"
        + (f"  (parts: {parts})" if len(decision.verdicts) > 1 else ""),
        f"scope: {decision.scope} · stage: {decision.stage} · language: {decision.language}",
        f"intent: {decision.intent} (message scope: {decision.assessed_scope or decision.scope})"
        + (
            "  (NEEDS REVIEW: " + "; ".join(decision.review_reasons) + ")"
            if decision.needs_review
            else ""
        ),
        f"rounds: {decision.rounds_used} used of {decision.rounds_included} before this request; "
        f"{decision.rounds_left} left after it",
    ]
    if decision.changed_share is not None:
        lines.append(f"changed: {share_text(decision.changed_share)} of the current version")
    lines.append("items:")
    for number, item in enumerate(decision.items, start=1):
        lines.append(_wrap(f"{number}. [{item.verdict}] ({item.scope}) {item.text}", "  ", "   "))
        lines += [_wrap(f"- {reason}", "     ", "  ") for reason in item.reasons]
    if decision.quote is not None:
        lines.append(f"quote: {money(terms, decision.quote.amount)}")
        lines += [_wrap(f"- {p.label}: {p.computation}", "  ") for p in decision.quote.parts]
    lines += ["", _wrap(decision.explanation)]
    return "\n".join(lines)


def report_text(terms: ContractTerms, report: ScopeReport) -> str:
    """The scope report as a human-readable block, with the creep formula."""
    lines = [f"Scope report for {report.contract_id} as of {report.as_of.isoformat()}", ""]
    for d in report.deliverables:
        share = (
            share_text(d.cumulative_changed_share)
            if d.cumulative_changed_share is not None
            else "n/a"
        )
        approval = (
            f"{d.approval} on {d.approved_at.date().isoformat()}"
            if d.approved_at
            else "not approved"
        )
        lines.append(
            f"{d.id}: rounds {d.rounds_used}/{d.rounds_included} used, {d.rounds_left} left; "
            f"{d.versions} version(s); cumulative change {share}; {approval}"
        )
        lines.append(
            f"  requests {d.requests}: {d.out_of_scope_asks} out-of-scope ask(s), "
            f"{d.after_approval_requests} after approval, {d.over_limit_requests} over the limits, "
            f"{d.unclear_requests} unclear, {d.free_fixes} free fix(es)"
        )
    lines.append("")
    for ask in report.asks:
        paid = "ordered" if ask.ordered else "unpaid"
        lines.append(
            _wrap(
                f"- {ask.kind} ({ask.deliverable}, {ask.received_at.date().isoformat()}, "
                f"est. {money(terms, ask.estimate.amount)}, {paid}): {ask.text}",
                "",
            )
        )
    lines.append(f"Unpaid work (estimate): {money(terms, report.unpaid_estimate.amount)}")
    lines.append(f"Free fixes: {report.free_fixes}")
    terms_text = ", ".join(f"{name} {points}" for name, points in report.creep_terms)
    lines.append(f"Creep score: {report.creep_score}/100 ({report.creep_level}): {terms_text}")
    lines.append(_wrap(f"Formula: {report.creep_formula}"))
    if report.money is not None and report.money.tracked:
        m = report.money
        lines.append(
            f"Money: invoiced {money(terms, m.invoiced)}, paid {money(terms, m.paid)}, "
            f"owed now {money(terms, m.owed)}"
        )
    lines.append("Alerts:" if report.alerts else "Alerts: none")
    lines += [_wrap(f"! {alert.message}", "  ", "  ") for alert in report.alerts]
    return "\n".join(lines)


def replay_text(result: ReplayReport) -> str:
    """One line per replayed request, with the differing fields under it."""
    lines = []
    for o in result.outcomes:
        verdicts = f"{o.recorded_verdict or '-'} -> {o.replayed_verdict or '-'}"
        lines.append(f"{o.status:9} {o.request_id} ({o.deliverable}): {verdicts}")
        if o.error:
            lines.append(f"          error: {o.error}")
        lines += [
            f"          {d.field}: recorded {d.recorded} / now {d.replayed}" for d in o.differences
        ]
    checked = sum(1 for o in result.outcomes if o.status != "undecided")
    summary = "all match" if result.all_match else f"{len(result.differing)} differ"
    lines.append(f"{checked} decision(s) replayed: {summary}")
    return "\n".join(lines)


def replay_dict(result: ReplayReport) -> dict[str, Any]:
    """The replay as JSON-ready data."""
    return {
        "all_match": result.all_match,
        "outcomes": [asdict(o) for o in result.outcomes],
    }
