"""The ledger: events round-trip exactly, and the fold gives the documented state."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from roundwise.engine.errors import LedgerError
from roundwise.engine.ledger import (
    ApprovedExplicitly,
    ChangeOrderAccepted,
    ChangeOrderIssued,
    ContractCompleted,
    Event,
    Folding,
    apply,
    dump_event,
    dump_events,
    fold,
    initial_state,
    load_events,
    parse_event,
)
from roundwise.engine.terms import Money
from tests.engine.ledger_support import (
    LJUBLJANA,
    at,
    decided,
    delivered,
    example,
    requested,
    signed,
    utc,
    version,
)

BAKERY = example("bakery-web-copy")


def every_kind_of_event() -> list[Event]:
    """One ledger that uses every event type."""
    return [
        signed(BAKERY, at(2, 9)),
        version("home", 1, at(13)),
        requested("r1", "home", at(14), received=at(14, 9)),
        decided("r1", "home", at(14), BAKERY),
        ChangeOrderIssued(
            at=at(14, 11),
            number=1,
            description="Five Instagram posts",
            price=Money(amount=Decimal("45.50"), currency="EUR"),
            request_id="r1",
        ),
        ChangeOrderAccepted(at=at(15), number=1),
        delivered("r1", "home", 2, at(16)),
        ApprovedExplicitly(at=at(17), deliverable="about"),
        ContractCompleted(at=at(30)),
    ]


def test_every_event_round_trips_through_its_json_mapping_exactly() -> None:
    for event in every_kind_of_event():
        data = event.model_dump(mode="json")
        again = parse_event(data)
        assert again == event
        assert again.model_dump(mode="json") == data


def test_a_ledger_round_trips_through_json_lines_byte_for_byte() -> None:
    text = dump_events(every_kind_of_event())
    events = load_events(text)
    assert events == tuple(every_kind_of_event())
    assert dump_events(events) == text


def test_json_lines_keep_money_exact_and_text_unescaped() -> None:
    issued = every_kind_of_event()[4]
    line = dump_event(issued)
    assert '"amount":"45.50"' in line
    assert "Instagram" in line


def test_comments_and_blank_lines_in_a_ledger_file_are_skipped() -> None:
    text = "# a hand-written ledger\n\n" + dump_events(every_kind_of_event()[:2])
    assert len(load_events(text)) == 2


def test_a_bad_line_is_reported_with_its_number() -> None:
    text = dump_events(every_kind_of_event()[:1]) + "{not json\n"
    with pytest.raises(LedgerError, match="line 2: not valid JSON"):
        load_events(text)


def test_an_event_with_a_naive_time_is_rejected_naming_the_field() -> None:
    data = every_kind_of_event()[1].model_dump(mode="json")
    data["at"] = "2026-03-13T10:00:00"
    with pytest.raises(LedgerError) as caught:
        parse_event(data)
    assert caught.value.problems[0].path == "at"


def test_an_unknown_event_type_is_a_ledger_error() -> None:
    with pytest.raises(LedgerError, match="type"):
        parse_event({"type": "contract_burned", "at": "2026-03-13T10:00:00Z"})


def test_a_version_needs_text_or_a_file_hash() -> None:
    with pytest.raises(LedgerError, match="text or the SHA-256"):
        parse_event(
            {"type": "version_submitted", "at": "2026-03-13T10:00:00Z", "deliverable": "home",
             "version": 1}
        )  # fmt: skip


def test_a_request_cannot_be_received_after_it_was_recorded() -> None:
    with pytest.raises(ValueError, match="received_at"):
        requested("r1", "home", at(14), received=at(15))


def test_the_review_window_ends_at_local_midnight_after_its_last_day() -> None:
    events = [version("home", 1, at(13, 10))]
    just_before = datetime(2026, 3, 20, 23, 59, 59, tzinfo=LJUBLJANA)
    midnight = datetime(2026, 3, 21, 0, 0, tzinfo=LJUBLJANA)
    assert fold(events, just_before, BAKERY).deliverable("home").approval is None
    approval = fold(events, midnight, BAKERY).deliverable("home").approval
    assert approval is not None
    assert (approval.kind, approval.at, approval.version) == ("deemed", midnight, 1)


def test_the_review_window_counts_local_days_not_utc_days() -> None:
    # 23:30 UTC on the 13th is already 00:30 on the 14th in Ljubljana.
    events = [version("home", 1, utc(13, 23) + timedelta(minutes=30))]
    state = fold(events, datetime(2026, 3, 22, 0, 0, tzinfo=LJUBLJANA), BAKERY)
    approval = state.deliverable("home").approval
    assert approval is not None
    assert approval.at == datetime(2026, 3, 22, 0, 0, tzinfo=LJUBLJANA)


def test_a_review_window_across_the_clock_change_ends_at_local_midnight() -> None:
    events = [version("home", 1, at(25, 12))]  # summer time starts on 29 March 2026
    state = fold(events, at(3, 12, month=4), BAKERY)
    approval = state.deliverable("home").approval
    assert approval is not None
    assert approval.at.astimezone(LJUBLJANA).utcoffset() == timedelta(hours=2)
    assert approval.at == datetime(2026, 4, 2, 0, 0, tzinfo=LJUBLJANA)


def test_a_request_received_at_the_deadline_is_too_late_to_stop_approval() -> None:
    midnight = datetime(2026, 3, 21, 0, 0, tzinfo=LJUBLJANA)
    events = [version("home", 1, at(13)), requested("r1", "home", midnight)]
    approval = fold(events, midnight, BAKERY).deliverable("home").approval
    assert approval is not None
    assert approval.kind == "deemed"


def test_a_request_sent_before_the_deadline_but_recorded_after_withdraws_deemed_approval() -> None:
    sent = datetime(2026, 3, 20, 23, 59, tzinfo=LJUBLJANA)
    events = [version("home", 1, at(13)), requested("r1", "home", at(23), received=sent)]
    state = fold(events, at(30), BAKERY)
    item = state.deliverable("home")
    assert item.approval is None
    assert item.review_deadline is None


def test_silence_does_not_approve_when_the_policy_says_so() -> None:
    data = BAKERY.model_dump(mode="json")
    data["revision_policy"]["silence_means_approval"] = False
    from roundwise.engine.terms import load_spec

    terms = load_spec(data)
    state = fold([version("home", 1, at(13))], at(30), terms)
    assert state.deliverable("home").approval is None


def test_delivering_the_last_included_round_approves_the_deliverable() -> None:
    events = [
        version("home", 1, at(13)),
        requested("r1", "home", at(14)),
        decided("r1", "home", at(14), BAKERY),
        delivered("r1", "home", 2, at(16)),
    ]
    item = fold(events, at(16, 12), BAKERY).deliverable("home")
    assert (item.rounds_used, item.rounds_left) == (1, 0)
    assert item.approval is not None
    assert (item.approval.kind, item.approval.at, item.approval.version) == (
        "after_last_round",
        at(16),
        2,
    )
    assert item.current_version is not None
    assert item.current_version.number == 2


def test_an_accepted_change_order_with_rounds_adds_them_and_reopens_the_deliverable() -> None:
    events = [
        version("home", 1, at(13)),
        requested("r1", "home", at(14)),
        decided("r1", "home", at(14), BAKERY),
        delivered("r1", "home", 2, at(16)),
        ChangeOrderIssued(
            at=at(17),
            number=1,
            description="One extra round",
            price=Money(amount=Decimal(90), currency="EUR"),
            deliverable="home",
            extra_rounds=1,
        ),
        ChangeOrderAccepted(at=at(18), number=1),
    ]
    state = fold(events, at(18, 12), BAKERY)
    item = state.deliverable("home")
    assert (item.rounds_included, item.rounds_left, item.approval) == (2, 1, None)
    assert state.change_orders[0].accepted_at == at(18)


def test_the_earliest_approval_stands() -> None:
    events = [
        version("about", 1, at(13)),
        ApprovedExplicitly(at=at(14), deliverable="about"),
        ApprovedExplicitly(at=at(15), deliverable="about", version=1),
    ]
    approval = fold(events, at(30), BAKERY).deliverable("about").approval
    assert approval is not None
    assert (approval.kind, approval.at) == ("explicit", at(14))


def test_open_requests_are_undecided_or_awaiting_delivery() -> None:
    events = [
        version("home", 1, at(13)),
        requested("r1", "home", at(14)),
        decided("r1", "home", at(14), BAKERY),
        requested("r2", "about", at(14, 11)),
        requested("r3", "home", at(14, 12)),
        decided("r3", "home", at(14, 12), BAKERY, verdict="out_of_scope"),
    ]
    state = fold(events, at(15), BAKERY)
    assert [r.request_id for r in state.open_requests] == ["r1", "r2"]


def test_free_fixes_are_counted_and_consume_no_round() -> None:
    events = [
        version("about", 1, at(13)),
        requested("r1", "about", at(14)),
        decided("r1", "about", at(14), BAKERY, verdict="free_fix", rounds_left=1),
    ]
    item = fold(events, at(15), BAKERY).deliverable("about")
    assert (item.free_fixes, item.rounds_used, item.rounds_left) == (1, 0, 1)


def test_a_completed_contract_records_when() -> None:
    state = fold([ContractCompleted(at=at(30))], at(31), BAKERY)
    assert state.completed_at == at(30)


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([version("home", 1, at(14)), version("home", 2, at(13))], "out of order"),
        ([version("home", 2, at(13))], "expected 1"),
        ([version("blog", 1, at(13))], "no deliverable 'blog'"),
        ([decided("r9", "home", at(13), BAKERY)], "unknown request 'r9'"),
        ([requested("r1", "home", at(13)), requested("r1", "home", at(14))], "recorded twice"),
        (
            [
                requested("r1", "home", at(13)),
                decided("r1", "home", at(13), BAKERY),
                decided("r1", "home", at(14), BAKERY),
            ],
            "decided twice",
        ),
        (
            [
                requested("r1", "home", at(13)),
                decided("r1", "home", at(13), BAKERY),
                requested("r2", "home", at(14)),
                decided("r2", "home", at(14), BAKERY),
            ],
            "none was left",
        ),
        ([signed(example("fox-logo"), at(2))], "different terms"),
        ([signed(BAKERY, at(2)), signed(BAKERY, at(3))], "signed twice"),
        ([ChangeOrderAccepted(at=at(3), number=4)], "not open for acceptance"),
    ],
)
def test_a_ledger_that_cannot_be_folded_raises_a_ledger_error(
    events: list[Event], message: str
) -> None:
    with pytest.raises(LedgerError, match=message):
        fold(events, at(31), BAKERY)


def test_now_before_the_last_event_is_rejected() -> None:
    with pytest.raises(LedgerError, match="out of order"):
        fold([version("home", 1, at(13))], at(12), BAKERY)


def test_a_naive_now_is_rejected() -> None:
    with pytest.raises(LedgerError, match="timezone-aware"):
        fold([], datetime(2026, 3, 13), BAKERY)


def a_long_project() -> list[Event]:
    """Every event type, with several requests, decisions, deliveries and change orders."""
    events: list[Event] = [signed(BAKERY, at(2, 9)), version("home", 1, at(3))]
    for n in range(1, 7):
        events += [
            requested(f"r{n}", "home", at(3 + n, 9)),
            decided(f"r{n}", "home", at(3 + n, 10), BAKERY, verdict="out_of_scope"),
            delivered(f"r{n}", "home", n + 1, at(3 + n, 11)),
        ]
    events += every_kind_of_event()[4:6]  # a change order on r1, then its acceptance
    events += [ApprovedExplicitly(at=at(16), deliverable="home"), ContractCompleted(at=at(30))]
    return events


def test_a_folding_hands_out_the_state_after_each_prefix_and_later_events_leave_it_alone() -> None:
    events = a_long_project()
    folding, taken = Folding(BAKERY), []
    for event in events:
        folding.apply(event)
        taken.append(folding.state())
    stepped = initial_state(BAKERY)
    for event, state in zip(events, taken, strict=True):
        stepped = apply(BAKERY, stepped, event)
        assert state == stepped
        assert dict(state.request_index) == {r.request_id: i for i, r in enumerate(state.requests)}
    assert [len(s.requests) for s in taken][-1] == 6


def test_applying_different_events_to_one_state_changes_neither_that_state_nor_the_others() -> None:
    events = a_long_project()  # events[5] asks r2, events[6] decides it
    base = fold(events[:6], events[5].at, BAKERY)
    before = (base.requests, base.deliverable("home").versions, dict(base.request_index))
    asked = apply(BAKERY, base, requested("r9", "home", at(5, 12)))
    decided_r2 = apply(BAKERY, base, events[6])
    delivered_v2 = apply(BAKERY, asked, delivered("r9", "home", 3, at(5, 13)))
    assert (base.requests, base.deliverable("home").versions, dict(base.request_index)) == before
    assert [r.request_id for r in base.requests] == ["r1", "r2"]
    assert [r.request_id for r in asked.requests] == ["r1", "r2", "r9"]
    assert [r.request_id for r in decided_r2.requests] == ["r1", "r2"]
    assert base.requests[1].decision is None
    assert decided_r2.requests[1].decision == events[6]
    assert asked.request("r9") is not None
    assert decided_r2.request("r9") is None
    assert len(asked.deliverable("home").versions) == 2
    assert len(delivered_v2.deliverable("home").versions) == 3
    assert delivered_v2.requests[2].delivered_version == 3


def test_a_state_built_by_hand_without_a_request_index_still_folds() -> None:
    events = a_long_project()
    folded = fold(events[:6], events[5].at, BAKERY)
    bare = replace(folded, request_index={})
    state = apply(BAKERY, bare, decided("r2", "home", at(5, 12), BAKERY, verdict="out_of_scope"))
    record = state.request("r2")
    assert record is not None
    assert record.decision is not None
    with pytest.raises(LedgerError, match="recorded twice"):
        apply(BAKERY, bare, requested("r1", "home", at(5, 13)))


def test_the_public_names_of_the_policy_packages_are_pinned() -> None:
    from roundwise import engine

    assert {"fold", "apply", "parse_event", "load_events", "dump_events"} <= set(
        engine.ledger.__all__
    )
    assert set(engine.decide.__all__) >= {
        "Decision",
        "RevisionRequest",
        "decision_events",
        "evaluate",
        "replay",
        "understand",
    }
    assert {n for n in engine.rules.__all__ if n.startswith("check_")} == {
        "check_unknown_deliverable",
        "check_after_approval",
        "check_out_of_scope",
        "check_free_fix",
        "check_vague",
        "check_too_large",
        "check_extra_round",
        "check_included",
    }
    assert set(engine.scope.__all__) >= {"scope_report", "ScopeReport", "CREEP_FORMULA"}
    for module in (engine.ledger, engine.decide, engine.rules, engine.scope):
        assert all(hasattr(module, name) for name in module.__all__)


def test_an_event_recorded_inside_a_daylight_saving_gap_reads_back_equal_to_itself() -> None:
    # 02:00 on 2026-03-29 does not exist in Ljubljana (clocks jump to 03:00); a zone-aware
    # datetime there compares unequal to everything (PEP 495), so events keep fixed offsets.
    gap = datetime(2026, 3, 29, 2, 0, tzinfo=LJUBLJANA)
    event = ContractCompleted(at=gap)
    assert event.at.utcoffset() == timedelta(hours=1)
    assert load_events(dump_events([event])) == (event,)
