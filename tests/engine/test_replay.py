"""Replay: a ledger written by the engine replays clean; a changed decision is caught."""

from __future__ import annotations

import json

from roundwise.engine.decide import replay
from roundwise.engine.ledger import dump_events, load_events
from roundwise.engine.terms import load_spec
from tests.engine.bakery_project import LEDGERS, bakery, play, tampered

TERMS = bakery()


def test_a_ledger_played_through_the_engine_replays_with_every_decision_matching() -> None:
    report = replay(TERMS, play())
    assert [o.status for o in report.outcomes] == ["match"] * 6
    assert report.all_match


def test_the_shipped_fixture_still_replays_clean() -> None:
    # If this fails, the engine now decides a recorded request differently: either a
    # regression, or an intended change (then regenerate: python -m tests.engine.bakery_project).
    text = (LEDGERS / "bakery-project.jsonl").read_text(encoding="utf-8")
    report = replay(TERMS, load_events(text))
    assert report.all_match, [o for o in report.outcomes if o.status != "match"]


def test_a_hand_edited_decision_is_reported_field_by_field() -> None:
    report = replay(TERMS, load_events(tampered(dump_events(play()))))
    assert [o.request_id for o in report.differing] == ["r6"]
    outcome = report.differing[0]
    assert (outcome.recorded_verdict, outcome.replayed_verdict) == ("included", "after_approval")
    assert [d.field for d in outcome.differences] == ["verdict", "items"]
    assert outcome.differences[0].recorded == '"included"'


def test_decisions_recorded_under_other_terms_differ_by_their_terms_hash() -> None:
    data = TERMS.model_dump(mode="json")
    data["revision_policy"]["extra_round"]["amount"] = "95"
    other = load_spec(data)
    events = [e for e in play() if e.type != "contract_signed"]
    report = replay(other, events)
    assert not report.all_match
    assert all("terms_sha256" in [d.field for d in o.differences] for o in report.differing)


def test_a_request_without_a_decision_is_listed_as_undecided_not_as_a_difference() -> None:
    events = play()
    last_decision = max(i for i, e in enumerate(events) if e.type == "decision_made")
    report = replay(TERMS, events[:last_decision])
    assert report.outcomes[-1].status == "undecided"
    assert report.all_match


def test_the_engine_version_alone_is_not_a_difference() -> None:
    lines = []
    for line in dump_events(play()).splitlines():
        data = json.loads(line)
        if data["type"] == "decision_made":
            data["engine_version"] = "0.0.9"
        lines.append(json.dumps(data))
    report = replay(TERMS, load_events("\n".join(lines)))
    assert report.all_match
    assert report.outcomes[0].recorded_engine == "0.0.9"
