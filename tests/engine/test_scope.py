"""The scope report: figures per deliverable, unpaid asks, the creep score and alerts.

The report reads only recorded decisions, so these tests use the recorded bakery ledger
fixture (not a fresh play-through): its figures do not move when request understanding
is tuned.
"""

from __future__ import annotations

from decimal import Decimal

from roundwise.engine.ledger import ChangeOrderAccepted, ChangeOrderIssued, Event, load_events
from roundwise.engine.scope import CREEP_FORMULA, report_dict, scope_report
from roundwise.engine.terms import Money
from tests.engine.bakery_project import LEDGERS, at, bakery

TERMS = bakery()
NOW = at(27, 12)


def play() -> list[Event]:
    """The recorded bakery project (six judged requests)."""
    return list(load_events((LEDGERS / "bakery-project.jsonl").read_text(encoding="utf-8")))


def test_rounds_approvals_and_cumulative_change_are_reported_per_deliverable() -> None:
    report = scope_report(TERMS, play(), NOW)
    home, about, products = report.deliverables
    assert (home.rounds_used, home.rounds_included, home.rounds_left) == (1, 1, 0)
    assert (home.approval, about.approval, products.approval) == (
        "after_last_round",
        "deemed",
        None,
    )
    assert home.cumulative_changed_share is not None
    assert Decimal("0.1") < home.cumulative_changed_share < Decimal("0.3")
    assert products.cumulative_changed_share is None  # one version only
    assert (about.free_fixes, report.free_fixes) == (1, 1)


def test_out_of_scope_asks_and_requests_after_approval_carry_estimates() -> None:
    report = scope_report(TERMS, play(), NOW)
    assert [a.request_id for a in report.out_of_scope_asks] == ["r2", "r4", "r5"]
    assert [a.request_id for a in report.after_approval_requests] == ["r4", "r6"]
    assert all(
        a.estimate == Money(amount=Decimal(45), currency="EUR") for a in report.out_of_scope_asks
    )
    assert report.unpaid_estimate.amount == Decimal(315)  # 3 × 45 + 2 × 90


def test_the_creep_score_follows_the_documented_formula() -> None:
    report = scope_report(TERMS, play(), NOW)
    assert dict(report.creep_terms) == {
        "out-of-scope asks": 60,
        "requests after approval": 30,
        "requests over the round limits": 0,
        "unclear requests": 0,
        "cumulative drift": 0,
    }
    assert (report.creep_score, report.creep_level) == (90, "high")
    assert report.creep_formula == CREEP_FORMULA


def test_alerts_name_the_figures() -> None:
    messages = [a.message for a in scope_report(TERMS, play(), NOW).alerts]
    assert "3 out-of-scope asks in 9 days, est. €135.00 of unpaid work." in messages
    assert "Scope creep score 90/100 (high)." in messages


def test_an_accepted_change_order_makes_its_ask_paid() -> None:
    events = play()
    events += [
        ChangeOrderIssued(
            at=at(27),
            number=1,
            description="Five Instagram posts",
            price=Money(amount=Decimal(225), currency="EUR"),
            request_id="r2",
        ),
        ChangeOrderAccepted(at=at(27, 11), number=1),
    ]
    report = scope_report(TERMS, events, NOW)
    assert [a.ordered for a in report.out_of_scope_asks] == [True, False, False]
    assert report.unpaid_estimate.amount == Decimal(270)


def test_a_quiet_project_scores_zero_with_no_alerts() -> None:
    report = scope_report(TERMS, play()[:3], at(14))
    assert (report.creep_score, report.creep_level, report.alerts) == (0, "low", ())


def test_the_report_serialises_to_json_ready_data() -> None:
    data = report_dict(scope_report(TERMS, play(), NOW))
    assert data["unpaid_estimate"] == {"amount": "315", "currency": "EUR"}
    assert data["deliverables"][0]["approved_at"] == "2026-03-16T10:00:00+01:00"


def test_using_up_the_rounds_before_approval_raises_an_alert() -> None:
    from tests.engine.ledger_support import decided, requested, version

    events = [
        version("home", 1, at(13)),
        requested("r1", "home", at(14)),
        decided("r1", "home", at(14), TERMS),
    ]
    alerts = scope_report(TERMS, events, at(15)).alerts
    assert [a.code for a in alerts] == ["rounds_used_up"]
    assert alerts[0].message == (
        "Home page copy: all 1 included revision round(s) used; further rounds are paid "
        "(clause 6.6 (Extra rounds))."
    )


def test_cumulative_change_beyond_the_included_rounds_counts_as_drift() -> None:
    from tests.engine.ledger_support import delivered, requested, version, words

    changed = " ".join(f"new{i}" if i < 45 else f"word{i}" for i in range(100))
    events = [
        version("home", 1, at(13), text=words(100)),
        requested("r1", "home", at(14)),
        delivered("r1", "home", 2, at(15), text=changed),
    ]
    report = scope_report(TERMS, events, at(15, 12))
    home = report.deliverables[0]
    assert home.cumulative_changed_share == Decimal("0.45")
    assert dict(report.creep_terms)["cumulative drift"] == 10  # 20 × (0.45 / 0.30 − 1)
    drift = [a for a in report.alerts if a.code == "cumulative_drift"]
    assert drift[0].message == (
        "Home page copy: changed 45% since the first version, more than 1 round(s) × 30% allow."
    )
