"""Money in the ledger: invoices, payments, the deposit and the kill fee by stage.

The kill fee is checked in exact Decimal against a sum written out here, for any fees,
stage shares and progress (Hypothesis).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from roundwise.engine.errors import LedgerError
from roundwise.engine.ledger import (
    ApprovedExplicitly,
    ContractCompleted,
    Event,
    InvoiceIssued,
    PaymentReceived,
    ProjectCancelled,
    dump_events,
    fold,
    load_events,
)
from roundwise.engine.ledger.money import money_summary
from roundwise.engine.terms import ContractTerms, Money, PaymentTerms, clauses
from roundwise.engine.terms.kill_fee import KillFeeByStage
from tests.engine.ledger_support import at, example, signed, version

IDS = ("home", "about", "products")


def eur(amount: str | Decimal) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


def staged(terms: ContractTerms, shares: tuple[str, str, str] | None) -> ContractTerms:
    by_stage = None
    if shares is not None:
        names = ("before_first_delivery", "after_first_draft", "after_revisions")
        by_stage = KillFeeByStage(**{n: Decimal(s) for n, s in zip(names, shares, strict=True)})
    payment = PaymentTerms(
        deposit_share=terms.payment.deposit_share,
        due_days=terms.payment.due_days,
        kill_fee_share=terms.payment.kill_fee_share,
        kill_fee_by_stage=by_stage,
    )
    return terms.model_copy(update={"payment": payment})


def test_invoices_payments_and_the_deposit_fold_exactly() -> None:
    terms = example("bakery-web-copy")  # fees 480 + 320 + 270, deposit 30%, 14 days
    events: list[Event] = [
        signed(terms, at(2)),
        InvoiceIssued(at=at(2, 11), number="2026-001", amount=eur("321.00"), kind="deposit"),
        PaymentReceived(at=at(5), amount=eur("300.00"), invoice="2026-001"),
        InvoiceIssued(at=at(6), number="2026-002", amount=eur("100.10")),
    ]
    state = fold(events, at(30), terms)
    money = money_summary(terms, state)
    assert money.deposit_due == Decimal("321.00")
    assert (money.invoiced, money.paid, money.outstanding) == (
        Decimal("421.10"),
        Decimal("300.00"),
        Decimal("121.10"),
    )
    assert money.deposit_outstanding == Decimal("21.00")
    assert state.money.invoices[0].due_on == date(2026, 3, 16)
    assert [i.number for i in money.overdue] == ["2026-001", "2026-002"]
    assert money.owed == Decimal("121.10")
    assert list(load_events(dump_events(events))) == events


def test_money_events_are_refused_when_they_do_not_fit_the_ledger() -> None:
    terms = example("bakery-web-copy")
    start: list[Event] = [signed(terms, at(2))]
    invoice = InvoiceIssued(at=at(3), number="A-1", amount=eur(10))
    cases: list[tuple[list[Event], str]] = [
        ([invoice, InvoiceIssued(at=at(4), number="A-1", amount=eur(5))], "twice"),
        ([InvoiceIssued(at=at(3), number="A-2", amount=Money(amount=1, currency="USD"))], "USD"),
        ([PaymentReceived(at=at(3), amount=eur(1), invoice="nope")], "unknown invoice"),
        ([ProjectCancelled(at=at(3)), ProjectCancelled(at=at(4))], "cancelled twice"),
        ([ContractCompleted(at=at(3)), ProjectCancelled(at=at(4))], "completed"),
    ]
    for extra, message in cases:
        with pytest.raises(LedgerError, match=message):
            fold([*start, *extra], at(20), terms)
    with pytest.raises(ValidationError, match="more than 0"):
        PaymentReceived(at=at(3), amount=eur(0))


def test_the_single_kill_fee_share_keeps_its_meaning() -> None:
    # Clause 9 as written: the delivered work in full, 50% of the work not yet delivered.
    terms = example("bakery-web-copy")
    events = [signed(terms, at(2)), version("home", 1, at(9)), ProjectCancelled(at=at(10))]
    state = fold(events, at(12), terms)
    cancellation = state.money.cancellation
    assert cancellation is not None
    assert cancellation.kill_fee == Decimal(480) + Decimal("0.5") * (320 + 270)
    assert [line.stage for line in cancellation.lines] == [
        "after_first_draft",
        "before_first_delivery",
        "before_first_delivery",
    ]


def test_a_cancellation_stops_the_review_clock_and_counts_payments_towards_the_fee() -> None:
    terms = staged(example("bakery-web-copy"), ("0.25", "0.5", "0.75"))
    events: list[Event] = [
        signed(terms, at(2)),
        PaymentReceived(at=at(3), amount=eur("100")),
        version("home", 1, at(9)),
        ProjectCancelled(at=at(10), reason="budget cut"),
    ]
    state = fold(events, at(30), terms)
    assert state.deliverable("home").approval is None
    money = money_summary(terms, state)
    expected = Decimal("480") * Decimal("0.5") + (320 + 270) * Decimal("0.25")
    assert money.kill_fee_owed == expected - 100
    assert money.owed == expected - 100
    assert money.kill_fee_if_cancelled_now is None
    by_freelancer = fold(
        [*events[:-1], ProjectCancelled(at=at(10), by="freelancer")], at(30), terms
    )
    assert money_summary(terms, by_freelancer).owed == 0
    text = next(c.text for c in clauses(terms) if "cancels" in c.text)
    assert "25%" in text
    assert "75%" in text


def test_stage_shares_may_not_fall_as_the_work_advances() -> None:
    with pytest.raises(ValidationError, match="after_revisions"):
        KillFeeByStage(
            before_first_delivery=Decimal("0.2"),
            after_first_draft=Decimal("0.6"),
            after_revisions=Decimal("0.5"),
        )


SHARE = st.decimals(min_value=0, max_value=1, places=4)
FEE = st.decimals(min_value=0, max_value=10**9, places=2)


@settings(max_examples=150, deadline=None)
@given(
    shares=st.lists(SHARE, min_size=3, max_size=3).map(sorted),
    fees=st.lists(FEE, min_size=3, max_size=3),
    delivered=st.lists(st.integers(0, 3), min_size=3, max_size=3),
    approved=st.lists(st.booleans(), min_size=3, max_size=3),
    single=SHARE,
    use_stages=st.booleans(),
)
def test_the_kill_fee_is_the_exact_sum_of_fee_times_the_share_of_the_stage(
    shares: list[Decimal],
    fees: list[Decimal],
    delivered: list[int],
    approved: list[bool],
    single: Decimal,
    use_stages: bool,
) -> None:
    base = example("bakery-web-copy")
    deliverables = tuple(
        d.model_copy(update={"fee": fee}) for d, fee in zip(base.deliverables, fees, strict=True)
    )
    terms = base.model_copy(update={"deliverables": deliverables})
    terms = staged(terms, tuple(str(s) for s in shares) if use_stages else None)  # type: ignore[arg-type]
    terms = terms.model_copy(
        update={"payment": terms.payment.model_copy(update={"kill_fee_share": single})}
    )
    events: list[Event] = [signed(terms, at(2))]
    moment = at(3)
    for key, count, ok in zip(IDS, delivered, approved, strict=True):
        for number in range(1, count + 1):
            moment += timedelta(minutes=1)
            events.append(version(key, number, moment))
        if ok and count:
            moment += timedelta(minutes=1)
            events.append(ApprovedExplicitly(at=moment, deliverable=key))
    events.append(ProjectCancelled(at=moment + timedelta(minutes=1)))
    state = fold(events, moment + timedelta(minutes=2), terms)

    def share(count: int, ok: bool) -> Decimal:
        if ok and count:
            return Decimal(1)
        if not use_stages:
            return single if count == 0 else Decimal(1)
        return shares[min(count, 2)]

    expected = sum(
        (fee * share(n, ok) for fee, n, ok in zip(fees, delivered, approved, strict=True)),
        Decimal(0),
    )
    cancellation = state.money.cancellation
    assert cancellation is not None
    assert isinstance(cancellation.kill_fee, Decimal)
    assert cancellation.kill_fee == expected
    assert cancellation.kill_fee <= sum(fees, Decimal(0))
    assert money_summary(terms, state).owed == expected


def test_the_new_terms_are_in_the_hash_when_used_and_survive_storing() -> None:
    from roundwise.engine.terms import reload_spec, terms_sha256

    plain = example("bakery-web-copy")
    staged_terms = staged(plain, ("0.25", "0.5", "0.75"))
    assert terms_sha256(staged_terms) != terms_sha256(plain)
    for terms in (plain, staged_terms):
        stored = terms.model_dump(mode="json")
        assert terms_sha256(reload_spec(stored)) == terms_sha256(terms)
