"""Reminders computed from the ledger, and the deemed-approval notice in six languages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from roundwise.engine.ledger import (
    ChangeOrderAccepted,
    ChangeOrderDeclined,
    ChangeOrderIssued,
    Event,
    PaymentReceived,
    ProjectCancelled,
    fold,
    reminders,
)
from roundwise.engine.replies import deemed_approval_notice
from roundwise.engine.replies.notices import notice_languages
from roundwise.engine.terms import Money
from tests.engine.ledger_support import at, example, requested, signed, version

NAMES = {
    "en": "Marko Horvat",
    "sl": "Marko Horvat",
    "pl": "Anna Kowalska",
    "sr": "Milica Petrović",
    "el": "Ελένη Παπαδοπούλου",
    "ka": "ნინო ბერიძე",
}
# A phrase of each notice that says "counts as approved", to check the language used.
APPROVED = {
    "en": "now counts as approved",
    "sl": "velja za potrjeno",
    "pl": "uznana za zaakceptowaną",
    "sr": "smatra odobrenom",
    "el": "θεωρείται πλέον εγκεκριμένη",
    "ka": "დამტკიცებულად ითვლება",
}


def order(number: int, when_day: int) -> ChangeOrderIssued:
    return ChangeOrderIssued(
        at=at(when_day),
        number=number,
        description="A fourth product description",
        price=Money(amount=Decimal(90), currency="EUR"),
    )


def test_each_kind_of_reminder_is_due_when_the_terms_say() -> None:
    terms = example("bakery-web-copy")  # 7-day window, deposit 30% within 14 days
    events: list[Event] = [
        signed(terms, at(2)),
        version("home", 1, at(9)),
        version("about", 1, at(9, 11)),
        requested("r1", "about", at(12)),
        order(1, 12),
        order(2, 12),
        order(3, 12),
        ChangeOrderAccepted(at=at(13), number=2),
        ChangeOrderDeclined(at=at(13), number=3),
    ]
    state = fold(events, at(14), terms)
    found = {(r.kind, r.subject): r for r in reminders(terms, state, 2, 5)}
    window = found[("review_window_ending", "home/v1")]
    deadline = state.deliverable("home").review_deadline
    assert deadline is not None
    assert window.at == deadline - timedelta(days=2)
    assert ("review_window_ending", "about/v1") not in found  # the request stopped its clock
    assert found[("change_order_unanswered", "change-order/1")].at == at(12) + timedelta(days=5)
    assert ("change_order_unanswered", "change-order/2") not in found  # accepted
    assert ("change_order_unanswered", "change-order/3") not in found  # declined
    deposit = found[("deposit_unpaid", "deposit")]
    assert deposit.at == at(2) + timedelta(days=14)

    long_lead = {(r.kind, r.subject): r for r in reminders(terms, state, 30, 5)}
    assert long_lead[("review_window_ending", "home/v1")].at == at(9)  # not before delivery

    later = fold(events, at(28), terms)
    kinds = [(r.kind, r.subject) for r in reminders(terms, later, 2, 5)]
    assert ("deemed_approval", "home/v1") in kinds
    assert ("review_window_ending", "home/v1") in kinds


def test_paid_deposits_and_cancelled_projects_stop_reminding() -> None:
    terms = example("bakery-web-copy")
    base: list[Event] = [signed(terms, at(2)), version("home", 1, at(9)), order(1, 9)]
    paid = [*base, PaymentReceived(at=at(10), amount=Money(amount=Decimal(321), currency="EUR"))]
    kinds = {r.kind for r in reminders(terms, fold(paid, at(11), terms), 2, 5)}
    assert "deposit_unpaid" not in kinds
    cancelled = [*base, ProjectCancelled(at=at(10))]
    assert reminders(terms, fold(cancelled, at(30), terms), 2, 5) == ()


@pytest.mark.parametrize("language", sorted(NAMES))
def test_the_deemed_approval_notice_is_drafted_in_the_clients_language(language: str) -> None:
    base = example("bakery-web-copy")
    client = base.client.model_copy(update={"language": language, "name": NAMES[language]})
    terms = base.model_copy(update={"client": client})
    events = [signed(terms, at(2)), version("home", 1, at(9))]
    assert deemed_approval_notice(terms, fold(events, at(12), terms).deliverable("home")) is None
    notice = deemed_approval_notice(terms, fold(events, at(20), terms).deliverable("home"))
    assert notice is not None
    assert notice.language == language
    assert APPROVED[language] in notice.body
    assert "6.4" in notice.body
    assert notice.body.endswith(terms.freelancer.name)
    assert "{" not in notice.body + notice.subject
    assert notice.reviewed is (language == "en")


def test_the_notice_speaks_every_reply_language() -> None:
    assert set(notice_languages()) == set(NAMES)
