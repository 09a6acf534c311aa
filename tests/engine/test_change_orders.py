"""Change orders in the engine: sized estimates (Decimal arithmetic, property-tested),
lines from judged requests, and the fold of issue → send → accept / decline / expiry."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundwise.engine.changeorders import (
    AskSize,
    FreeItem,
    draft_of,
    estimate_new_work,
    issue_events,
    line_for_item,
    lines_for_requests,
    size_of_ask,
)
from roundwise.engine.errors import LedgerError, RequestError
from roundwise.engine.ledger import (
    ChangeOrderAccepted,
    ChangeOrderDeclined,
    Event,
    dump_events,
    fold,
    load_events,
    parse_event,
)
from roundwise.engine.scope import scope_report
from roundwise.engine.terms import ContractTerms, Deliverable, money
from tests.engine.ledger_support import EXAMPLES, LJUBLJANA, example

BAKERY = example("bakery-web-copy")
LEDGER_TEXT = (EXAMPLES / "bakery-web-copy.ledger.jsonl").read_text(encoding="utf-8")
EVENTS = load_events(LEDGER_TEXT)
SENT_AT = datetime(2026, 3, 28, 10, tzinfo=LJUBLJANA)
VALID_UNTIL = date(2026, 4, 11)
LATER = datetime(2026, 5, 30, tzinfo=LJUBLJANA)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100_000), places=2)


def _terms_with(fee: Decimal, size: int) -> ContractTerms:
    """The bakery contract with one written deliverable of this fee and size."""
    copy = Deliverable(id="copy", title="Web copy", kind="text", brief="Copy.", size=size, fee=fee)
    return BAKERY.model_copy(update={"deliverables": (copy,)})


def _half_up(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@settings(max_examples=200, deadline=None)
@given(fee=amounts, size=st.integers(1, 100_000), words=st.integers(1, 1_000_000))
def test_a_word_count_is_priced_at_the_contracts_rate_rounded_once_half_up(
    fee: Decimal, size: int, words: int
) -> None:
    terms = _terms_with(fee, size)
    estimate = estimate_new_work(terms, terms.revision_policy, "x", size=AskSize(words=words))
    assert isinstance(estimate.amount, Decimal)
    assert estimate.basis == "words"
    exact = Fraction(fee) * words / size
    assert abs(Fraction(estimate.amount) - exact) <= Fraction(1, 200)
    assert estimate.amount == _half_up(exact)
    assert estimate.computation.startswith(f"{words} words × {money(terms, fee)} ÷ {size} words")
    assert estimate.computation.endswith(f"= {money(terms, estimate.amount)}")


@settings(max_examples=100, deadline=None)
@given(fee=amounts, size=st.integers(1, 10_000), a=st.integers(1, 50_000), b=st.integers(0, 50_000))
def test_more_words_never_cost_less(fee: Decimal, size: int, a: int, b: int) -> None:
    terms = _terms_with(fee, size)
    policy = terms.revision_policy
    shorter = estimate_new_work(terms, policy, "x", size=AskSize(words=a))
    longer = estimate_new_work(terms, policy, "x", size=AskSize(words=a + b))
    assert shorter.amount <= longer.amount


@settings(max_examples=100, deadline=None)
@given(
    rate=amounts,
    hours=st.decimals(Decimal("0.25"), Decimal(40), places=2),
    count=st.integers(1, 1000),
)
def test_pieces_unlike_any_deliverable_are_count_times_minimum_hours_times_rate(
    rate: Decimal, hours: Decimal, count: int
) -> None:
    policy = BAKERY.revision_policy.model_copy(
        update={"out_of_scope": BAKERY.revision_policy.out_of_scope.model_copy(
            update={"hourly_rate": rate, "minimum_hours": hours}
        )}
    )  # fmt: skip
    estimate = estimate_new_work(BAKERY, policy, f"{count} Instagram posts")
    assert estimate.basis == "pieces_hourly"
    assert estimate.amount == _half_up(Fraction(rate) * Fraction(hours) * count)
    assert estimate.computation.endswith(f"= {money(BAKERY, estimate.amount)}")


@given(count=st.integers(1, 1000), noun=st.sampled_from(["posts", "banners", "newsletters"]))
def test_a_count_in_digits_is_read_with_its_noun(count: int, noun: str) -> None:
    assert size_of_ask(f"Could you also make {count} short {noun} for us?") == AskSize(
        count=count, noun=noun
    )


@given(words=st.integers(1, 999_999))
def test_a_length_in_words_is_read_with_or_without_thousands_separators(words: int) -> None:
    assert size_of_ask(f"Please add a {words:,}-word article.") == AskSize(words=words)
    assert size_of_ask(f"Please add an article of {words} words.") == AskSize(words=words)


def test_asks_are_priced_by_the_first_basis_that_fits() -> None:
    policy = BAKERY.revision_policy

    def basis(text: str) -> tuple[str, Decimal]:
        found = estimate_new_work(BAKERY, policy, text, near="home")
        return found.basis, found.amount

    # Home page: €480 for 600 words → 300 words cost €240.
    assert basis("Could you write a 300-word blog post?") == ("words", Decimal("240.00"))
    # Three product descriptions cost €270: two more cost €180.
    assert basis("two more product descriptions, please") == ("like_deliverable", Decimal("180.00"))
    assert basis("Could you also write five Instagram posts?") == (
        "pieces_hourly",
        Decimal("225.00"),
    )
    assert basis("Could you also design a logo?") == ("minimum", Decimal("45.00"))


@settings(max_examples=50, deadline=None)
@given(prices=st.lists(amounts, min_size=1, max_size=10))
def test_a_change_orders_total_is_the_exact_sum_of_its_lines(prices: list[Decimal]) -> None:
    lines = [line_for_item(BAKERY, FreeItem(f"item {i}", price=p), i) for i, p in enumerate(prices)]
    draft = draft_of(BAKERY, lines, VALID_UNTIL)
    assert draft.total.amount == sum(prices, Decimal(0))
    issued, sent = issue_events(draft, 3, SENT_AT)
    assert issued.price == draft.total
    assert sent.lines == draft.lines


def _sent(request_ids: tuple[str, ...] = ("r-about-1",)) -> list[Event]:
    state = fold(EVENTS, SENT_AT, BAKERY)
    draft = draft_of(BAKERY, lines_for_requests(BAKERY, state, request_ids), VALID_UNTIL)
    return [*EVENTS, *issue_events(draft, 3, SENT_AT)]


def test_only_billable_requests_are_priced_and_each_once() -> None:
    state = fold(EVENTS, SENT_AT, BAKERY)
    line = lines_for_requests(BAKERY, state, ["r-about-1"])[0]
    assert (line.kind, line.extra_rounds, line.deliverable) == ("too_large", 4, "about")
    for ids, reason in [
        (["r-home-1"], "nothing to bill"),
        (["nope"], "no request"),
        (["r-about-1", "r-about-1"], "listed twice"),
        (["r-products-1"], "priced by change order 1"),
    ]:
        with pytest.raises(RequestError, match=reason) as caught:
            lines_for_requests(BAKERY, state, ids)
        assert caught.value.problems[0].path.startswith("request_ids[")


def test_an_accepted_change_order_adds_its_rounds_and_a_declined_one_nothing() -> None:
    events = _sent()
    before = fold(events, LATER, BAKERY)
    accepted = fold([*events, ChangeOrderAccepted(at=SENT_AT, number=3)], LATER, BAKERY)
    declined_event = ChangeOrderDeclined(at=SENT_AT, number=3, note="too expensive")
    declined = fold([*events, declined_event], LATER, BAKERY)
    assert (
        accepted.deliverable("about").rounds_included
        == before.deliverable("about").rounds_included + 4
    )
    assert declined.deliverables == before.deliverables
    assert declined.change_orders[-1].declined_at == SENT_AT
    with pytest.raises(LedgerError, match="not open"):
        fold([*events, declined_event, ChangeOrderAccepted(at=SENT_AT, number=3)], LATER, BAKERY)


def test_acceptance_ends_with_the_validity_dates_local_day() -> None:
    events = _sent()
    last_minute = datetime(2026, 4, 11, 23, 59, tzinfo=LJUBLJANA)
    fold([*events, ChangeOrderAccepted(at=last_minute, number=3)], LATER, BAKERY)
    too_late = last_minute + timedelta(minutes=1)
    with pytest.raises(LedgerError, match="expired on 2026-04-11"):
        fold([*events, ChangeOrderAccepted(at=too_late, number=3)], LATER, BAKERY)
    # Declining after the date is harmless: it changes nothing either way.
    fold([*events, ChangeOrderDeclined(at=too_late, number=3)], LATER, BAKERY)


def test_a_change_order_is_sent_once_and_only_after_it_is_issued() -> None:
    events = _sent()
    with pytest.raises(LedgerError, match="sent twice"):
        fold([*events, events[-1]], LATER, BAKERY)
    with pytest.raises(LedgerError, match="before it is issued"):
        fold([*EVENTS, events[-1]], LATER, BAKERY)


def test_older_ledgers_dump_unchanged_and_answers_round_trip() -> None:
    for path in sorted(Path(EXAMPLES).glob("*.ledger.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        text = "".join(line for line in lines if not line.startswith("#"))
        assert dump_events(load_events(text)) == text
    answered = ChangeOrderAccepted(at=SENT_AT, number=3, by="freelancer", note="on the phone")
    assert parse_event(answered.model_dump(mode="json")) == answered
    assert "note" not in ChangeOrderAccepted(at=SENT_AT, number=3).model_dump(mode="json")


def test_accepted_new_work_is_ordered_work_and_its_requests_are_no_longer_unpaid() -> None:
    # Change order 2 (open in the example) prices r-home-2; declined, it frees the request.
    declined = [*EVENTS, ChangeOrderDeclined(at=SENT_AT, number=2)]
    state = fold(declined, SENT_AT, BAKERY)
    lines = (
        line_for_item(BAKERY, FreeItem("Press release", price=Decimal(150)), 0),
        *lines_for_requests(BAKERY, state, ["r-home-2"]),
    )
    events = [*declined, *issue_events(draft_of(BAKERY, lines, VALID_UNTIL), 3, SENT_AT)]
    before = scope_report(BAKERY, events, LATER)
    accepted = [*events, ChangeOrderAccepted(at=SENT_AT, number=3)]
    after = scope_report(BAKERY, accepted, LATER)
    folded = fold(accepted, LATER, BAKERY)
    assert [(n, line.description) for n, line in folded.ordered_work] == [(3, "Press release")]
    assert folded.change_orders[-1].request_ids == ("r-home-2",)
    assert [a.ordered for a in before.asks if a.request_id == "r-home-2"] == [False]
    assert [a.ordered for a in after.asks if a.request_id == "r-home-2"] == [True]
    assert after.unpaid_estimate.amount < before.unpaid_estimate.amount
