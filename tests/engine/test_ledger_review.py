"""Issue 16.5/16.6 in the fold: unsure decisions, confirmations and corrections.

A decision that needs review counts its round only once confirmed; a correction gives
the current decision's round back and the next decision on the request supersedes it.
The property: any valid history of requests, confirmations and corrections folds to the
rounds a simple model counts, and folding it from its JSON lines (the ledger as stored)
gives the same state.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundwise.engine.errors import LedgerError
from roundwise.engine.ledger import (
    AssessmentCorrected,
    CorrectedItem,
    DecisionConfirmed,
    DecisionMade,
    Event,
    dump_events,
    fold,
    load_events,
)
from tests.engine.ledger_support import at, decided, example, requested, signed, version

TERMS = example("bakery-web-copy")  # home: one included round
START = at(10)


def _base() -> list[Event]:
    return [signed(TERMS, START), version("home", 1, START + timedelta(minutes=1))]


def _decision(request_id: str, when: datetime, verdict: str, unsure: bool) -> DecisionMade:
    made = decided(request_id, "home", when, TERMS, verdict=verdict)
    return made.model_copy(update={"needs_review": unsure})


def _corrected(request_id: str, when: datetime, scope: str = "out_of_scope") -> Event:
    return AssessmentCorrected(
        at=when,
        request_id=request_id,
        intent="revision_request",
        items=(CorrectedItem(text="x", scope=scope),),  # type: ignore[arg-type]
        stage="calm",
    )


def _used(events: list[Event]) -> int:
    when = events[-1].at
    return fold(events, when, TERMS).deliverable("home").rounds_used


def test_an_unsure_included_decision_counts_its_round_only_when_confirmed() -> None:
    t = START + timedelta(hours=1)
    events = [*_base(), requested("r1", "home", t), _decision("r1", t, "included", unsure=True)]
    assert _used(events) == 0
    events.append(DecisionConfirmed(at=t, request_id="r1"))
    assert _used(events) == 1
    with pytest.raises(LedgerError, match="confirmed twice"):
        fold([*events, DecisionConfirmed(at=t, request_id="r1")], t, TERMS)


def test_a_confident_decision_cannot_be_confirmed_and_a_taken_round_cannot_be_confirmed() -> None:
    t = START + timedelta(hours=1)
    sure = [*_base(), requested("r1", "home", t), _decision("r1", t, "included", unsure=False)]
    with pytest.raises(LedgerError, match="awaiting review"):
        fold([*sure, DecisionConfirmed(at=t, request_id="r1")], t, TERMS)
    raced = [
        *_base(),
        requested("r1", "home", t),
        _decision("r1", t, "included", unsure=True),
        requested("r2", "home", t),
        _decision("r2", t, "included", unsure=False),
    ]
    assert _used(raced) == 1
    with pytest.raises(LedgerError, match="none is left"):
        fold([*raced, DecisionConfirmed(at=t, request_id="r1")], t, TERMS)


def test_a_correction_gives_the_round_back_and_the_next_decision_supersedes() -> None:
    t = START + timedelta(hours=1)
    events = [*_base(), requested("r1", "home", t), _decision("r1", t, "included", unsure=False)]
    assert _used(events) == 1
    events.append(_corrected("r1", t))
    assert _used(events) == 0
    with pytest.raises(LedgerError, match="corrected twice"):
        fold([*events, _corrected("r1", t)], t, TERMS)
    events.append(_decision("r1", t, "out_of_scope", unsure=False))
    state = fold(events, t, TERMS)
    record = state.request("r1")
    assert record is not None
    assert record.decision is not None
    assert record.decision.verdict == "out_of_scope"
    assert record.superseded == 1
    assert state.deliverable("home").rounds_used == 0
    with pytest.raises(LedgerError, match="decided twice"):
        fold([*events, _decision("r1", t, "out_of_scope", unsure=False)], t, TERMS)


def test_an_undecided_request_cannot_be_corrected() -> None:
    t = START + timedelta(hours=1)
    with pytest.raises(LedgerError, match="before it is decided"):
        fold([*_base(), requested("r1", "home", t), _corrected("r1", t)], t, TERMS)


# One step of a history: a new request (its verdict and whether it is unsure), or a
# confirmation / correction of the request at an index (taken modulo those that exist).
Step = tuple[str, int, bool, bool]
steps = st.lists(
    st.tuples(
        st.sampled_from(["request", "confirm", "correct"]),
        st.integers(0, 9),
        st.booleans(),
        st.booleans(),
    ),
    max_size=14,
)


def _history(plan: list[Step]) -> tuple[list[Event], int]:
    """A valid ledger for ``plan`` and the rounds a plain model says it uses."""
    events, t = _base(), START + timedelta(hours=1)
    included = 1  # home's included rounds
    counted: dict[str, bool] = {}  # request id -> its round counts
    pending: dict[str, bool] = {}  # request id -> unsure decision using a round, unconfirmed
    for n, (kind, index, flag, unsure) in enumerate(plan):
        t += timedelta(minutes=1)
        ids = sorted(counted)
        left = included - sum(counted.values())
        if kind == "request" or not ids:
            rid = f"r{n}"
            uses = flag and (left > 0 or unsure)
            verdict = "included" if uses else "extra_round"
            events += [requested(rid, "home", t), _decision(rid, t, verdict, unsure)]
            counted[rid] = uses and not unsure
            pending[rid] = uses and unsure
            continue
        rid = ids[index % len(ids)]
        if kind == "confirm":
            if pending[rid] and left > 0:
                events.append(DecisionConfirmed(at=t, request_id=rid))
                counted[rid], pending[rid] = True, False
            continue
        counted[rid], pending[rid] = False, False
        uses = flag and included - sum(counted.values()) > 0
        events.append(_corrected(rid, t, "in_scope" if uses else "out_of_scope"))
        events.append(_decision(rid, t, "included" if uses else "out_of_scope", unsure=False))
        counted[rid] = uses
    return events, sum(counted.values())


@settings(max_examples=150, deadline=None)
@given(steps)
def test_any_history_folds_to_the_modelled_rounds_and_replays_from_its_ledger(
    plan: list[Step],
) -> None:
    events, rounds = _history(plan)
    now = events[-1].at
    state = fold(events, now, TERMS)
    assert state.deliverable("home").rounds_used == rounds
    replayed = fold(load_events(dump_events(events)), now, TERMS)
    assert replayed == state
    half = len(events) // 2
    assert fold(events[half:], now, TERMS, start=fold(events[:half], events[half].at, TERMS)) == (
        state
    )
