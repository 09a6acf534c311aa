"""Stateful properties of the ledger and the decisions, over random event sequences.

A Hypothesis state machine plays a project: versions are delivered, the client asks
for changes (judged by the real engine, whose events are appended), time passes,
deliverables are approved, change orders add rounds, the contract completes. After
every step the ledger must fold, and the invariants of the revision policy must hold.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from roundwise.engine.decide import RevisionRequest, decision_events, evaluate, understand
from roundwise.engine.ledger import (
    ApprovedExplicitly,
    ChangeOrderAccepted,
    ChangeOrderIssued,
    ContractCompleted,
    ContractState,
    Event,
    Folding,
    RevisionDelivered,
    VersionSubmitted,
    dump_events,
    fold,
    load_events,
)
from roundwise.engine.terms import Money
from roundwise.engine.understand import RequestAnalysis
from tests.engine.decide_support import FREE_FIX, IN_SCOPE, MIXED, OUT_OF_SCOPE, VAGUE
from tests.engine.ledger_support import at, example, signed

TERMS = example("bakery-web-copy")
DELIVERABLES = st.sampled_from(["home", "about"])
MESSAGES = (IN_SCOPE, OUT_OF_SCOPE, FREE_FIX, VAGUE, MIXED)
VOCAB = ("bread", "rye", "family", "oven", "crust", "sourdough", "Kranj", "warm", "order")


@cache
def analysis_of(deliverable: str, message: int) -> RequestAnalysis:
    """Request understanding is pure, so the machine computes each message once."""
    return understand(TERMS, RevisionRequest(deliverable=deliverable, message=MESSAGES[message]))


class ProjectMachine(RuleBasedStateMachine):
    """A bakery project played at random; the real engine judges every request."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[Event] = []
        self.clock: datetime = at(2)
        self.requests = 0
        self.orders = 0

    @initialize()
    def sign(self) -> None:
        self.events.append(signed(TERMS, self.clock))

    def state(self) -> ContractState:
        return fold(self.events, self.clock, TERMS)

    @rule(hours=st.integers(0, 240))
    def wait(self, hours: int) -> None:
        self.clock += timedelta(hours=hours)

    @rule(deliverable=DELIVERABLES, text=st.lists(st.sampled_from(VOCAB), min_size=3, max_size=40))
    def deliver_version(self, deliverable: str, text: list[str]) -> None:
        count = len(self.state().deliverable(deliverable).versions)
        self.events.append(
            VersionSubmitted(
                at=self.clock, deliverable=deliverable, version=count + 1, text=" ".join(text)
            )
        )

    @rule(
        deliverable=DELIVERABLES,
        message=st.integers(0, len(MESSAGES) - 1),
        sent_hours_before=st.just(0) | st.integers(0, 200),
        revised=st.none() | st.lists(st.sampled_from(VOCAB), min_size=1, max_size=40),
    )
    def ask(
        self, deliverable: str, message: int, sent_hours_before: int, revised: list[str] | None
    ) -> None:
        state = self.state()
        received = max(self.clock - timedelta(hours=sent_hours_before), at(2))
        self.requests += 1
        request = RevisionRequest(
            deliverable=deliverable,
            message=MESSAGES[message],
            revised_text=" ".join(revised) if revised else None,
            received_at=received,
            request_id=f"r{self.requests}",
        )
        analysis = analysis_of(deliverable, message)
        decision = evaluate(TERMS, state, request, self.clock, analysis=analysis)
        item = state.deliverable(deliverable)
        assert decision.consumes_round == ("included" in decision.verdicts)
        if "included" in decision.verdicts:
            assert item.rounds_left > 0
            assert item.approval is None or received < item.approval.at
            assert state.completed_at is None or received < state.completed_at
        if set(decision.verdicts) <= {"free_fix", "needs_clarification", "out_of_scope"}:
            assert not decision.consumes_round
            assert decision.rounds_left == item.rounds_left
        self.events.extend(decision_events(request, decision))

    @rule(data=st.data())
    def deliver_revision(self, data: st.DataObject) -> None:
        state = self.state()
        waiting = [r for r in state.open_requests if r.decision is not None]
        if not waiting:
            return
        record = data.draw(st.sampled_from(waiting))
        count = len(state.deliverable(record.deliverable).versions)
        self.events.append(
            RevisionDelivered(
                at=self.clock,
                deliverable=record.deliverable,
                version=count + 1,
                request_id=record.request_id,
                text="revised " * 5,
            )
        )

    @rule(deliverable=DELIVERABLES)
    def approve(self, deliverable: str) -> None:
        self.events.append(ApprovedExplicitly(at=self.clock, deliverable=deliverable))

    @rule(deliverable=DELIVERABLES, rounds=st.integers(0, 2), accept=st.booleans())
    def change_order(self, deliverable: str, rounds: int, accept: bool) -> None:
        self.orders += 1
        price = Money(amount=90 * rounds, currency="EUR")
        self.events.append(
            ChangeOrderIssued(
                at=self.clock,
                number=self.orders,
                description="extra rounds",
                price=price,
                deliverable=deliverable,
                extra_rounds=rounds,
            )
        )
        if accept:
            self.events.append(ChangeOrderAccepted(at=self.clock, number=self.orders))

    @precondition(lambda self: len(self.events) > 12)
    @rule()
    def complete(self) -> None:
        self.events.append(ContractCompleted(at=self.clock))

    @rule(data=st.data())
    def folding_a_prefix_then_the_rest_equals_folding_the_whole(self, data: st.DataObject) -> None:
        k = data.draw(st.integers(0, len(self.events)))
        head, tail = self.events[:k], self.events[k:]
        pause = head[-1].at if head else at(1)
        resumed = fold(tail, self.clock, TERMS, start=fold(head, pause, TERMS))
        assert resumed == self.state()
        folding = Folding(TERMS)  # a fold in progress hands out the same states, untouched
        for event in head:
            folding.apply(event)
        paused = folding.state()
        for event in tail:
            folding.apply(event)
        folding.settle(self.clock)
        assert folding.state() == self.state()
        if head:
            assert paused == fold(head, pause, TERMS)
        assert load_events(dump_events(self.events)) == tuple(self.events)  # JSON lines too

    @invariant()
    def the_ledger_folds_and_the_policy_invariants_hold(self) -> None:
        state = self.state()
        assert state == fold(list(self.events), self.clock, TERMS)  # deterministic
        for item in state.deliverables:
            # rounds used never exceed rounds included, and come only from included verdicts
            assert 0 <= item.rounds_used <= item.rounds_included
            consumed = [
                r.decision for r in state.requests
                if r.deliverable == item.id and r.decision and r.decision.consumed_round
            ]  # fmt: skip
            assert item.rounds_used == len(consumed)
            assert all(any(i.verdict == "included" for i in d.items) for d in consumed)
        for record in state.requests:
            decision = record.decision
            if decision and decision.items and all(i.verdict == "free_fix" for i in decision.items):
                assert not decision.consumed_round  # free fixes never consume a round


TestProject = ProjectMachine.TestCase
TestProject.settings = settings(TestProject.settings, stateful_step_count=30)
