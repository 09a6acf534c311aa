"""Each scope alert's ``subject``: what it is about, and what makes two alerts the same
one for the ``scope.alert`` webhook (sent once per contract, code and subject)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from roundwise.engine.ledger import Event
from roundwise.engine.scope import scope_report
from tests.engine.test_scope import NOW, TERMS, play


def alerts(events: Sequence[Event], now: datetime) -> list[tuple[str, str]]:
    return [(a.code, a.subject) for a in scope_report(TERMS, events, now).alerts]


def test_each_alert_names_what_raised_it() -> None:
    assert alerts(play(), NOW) == [
        ("out_of_scope_asks", "r5"),  # the newest out-of-scope ask
        ("after_approval", "home/r4"),  # per deliverable: its newest request after approval
        ("after_approval", "about/r6"),
        ("creep_high", ""),  # contract-wide: once
    ]


def test_time_passing_without_new_events_keeps_every_subject() -> None:
    """The webhook sends an alert again only when something new raised it."""
    now = set(alerts(play(), NOW))
    assert set(alerts(play(), NOW + timedelta(days=3))) <= now


def test_a_further_ask_raises_the_alert_under_a_new_subject() -> None:
    events = play()
    r5 = next(i for i, e in enumerate(events) if getattr(e, "request_id", None) == "r5")
    before = dict(alerts(events[:r5], NOW))
    assert before["out_of_scope_asks"] == "r4"
    assert dict(alerts(events, NOW))["out_of_scope_asks"] == "r5"
