"""The agreement's clauses written out in the document's language, from the terms.

Numbers and keys are the engine's (`engine.terms.clauses`), so a decision citing "clause
6.2" and the printed agreement agree in every language; the wording is the language's
data (``contracts/i18n/<lang>.yaml``, key ``clauses``). Sentences are built so that no
verb has to agree with user text (a deliverable's title is followed by a colon, never by
"is due"), and counts go through CLDR plural forms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from roundwise.contracts.i18n import DocText
from roundwise.engine.terms import (
    ClauseKey,
    ContractTerms,
    FlatRoundPrice,
    PerWordRoundPrice,
    RevisionPolicy,
)
from roundwise.engine.terms.clauses import clause_heading
from roundwise.engine.terms.contract import governing_country, legal_terms


@dataclass(frozen=True, slots=True)
class LocalClause:
    """A numbered clause in the document's language."""

    number: str
    key: str
    title: str
    text: str
    level: int


def local_clauses(terms: ContractTerms, tx: DocText) -> tuple[LocalClause, ...]:
    """Every clause of the agreement, in order, in ``tx``'s language."""
    out = []
    for key in ClauseKey:
        number, _ = clause_heading(key)
        out.append(
            LocalClause(
                number=number,
                key=str(key),
                title=tx.clause_title(str(key)),
                text=_WRITERS[key](terms, tx),
                level=1 + number.count("."),
            )
        )
    return tuple(out)


def _c(tx: DocText, name: str, **facts: object) -> str:
    return tx.t(f"clauses.{name}", **facts)


def _joined(tx: DocText, items: list[str]) -> str:
    return tx.script(tx.raw("labels.list_separator")).join(items)


def _quoted(tx: DocText, text: str) -> str:
    return tx.fill(tx.raw("labels.quoted"), {"text": text})


def _party(tx: DocText, name: str, business: str | None) -> str:
    return f"{name}, {business}" if business else name


def _parties(terms: ContractTerms, tx: DocText) -> str:
    return _c(
        tx,
        "parties",
        freelancer=_party(tx, terms.freelancer.name, terms.freelancer.business),
        client=_party(tx, terms.client.name, terms.client.business),
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _work(terms: ContractTerms, tx: DocText) -> str:
    items = " ".join(f"{d.title}: {_sentence(d.brief)}" for d in terms.deliverables)
    return f"{_c(tx, 'work', title=_quoted(tx, terms.title))} {items}"


def _exclusions(terms: ContractTerms, tx: DocText) -> str:
    if not terms.exclusions:
        return _c(tx, "exclusions_none")
    return _c(tx, "exclusions", list="; ".join(terms.exclusions))


def _schedule(terms: ContractTerms, tx: DocText) -> str:
    parts = [_c(tx, "schedule_start", date=tx.date(terms.start_date))] if terms.start_date else []
    dues = [f"{d.title}: {tx.date(d.due)}" for d in terms.deliverables if d.due]
    if dues:
        parts.append(_c(tx, "schedule_due", list="; ".join(dues)))
    return " ".join(parts) or _c(tx, "schedule_none")


def _fees(terms: ContractTerms, tx: DocText) -> str:
    priced = [f"{d.title}: {tx.money(d.fee)}" for d in terms.deliverables if d.fee]
    parts = [_c(tx, "fees_list", list="; ".join(priced)) if priced else _c(tx, "fees_quoted")]
    pay = terms.payment
    if pay.deposit_share:
        parts.append(_c(tx, "deposit", share=tx.percent(pay.deposit_share)))
    parts.append(tx.plural("clauses.payment_days", pay.due_days))
    return " ".join(parts)


def _revisions(terms: ContractTerms, tx: DocText) -> str:
    return _c(tx, "revisions")


_PolicyWriter = Callable[[RevisionPolicy], str]


def _per_deliverable(terms: ContractTerms, tx: DocText, describe: _PolicyWriter) -> str:
    base = describe(terms.revision_policy)
    described = (
        (d.title, describe(terms.policy_for(d.id)))
        for d in terms.deliverables
        if d.revision_policy is not None
    )
    overrides = [_c(tx, "override", title=t, text=text) for t, text in described if text != base]
    return " ".join([base, *overrides])


def _rounds(terms: ContractTerms, tx: DocText) -> str:
    return _per_deliverable(terms, tx, lambda p: tx.plural("clauses.rounds", p.rounds_included))


def _round_size(terms: ContractTerms, tx: DocText) -> str:
    def describe(policy: RevisionPolicy) -> str:
        limits = []
        if policy.max_change_share is not None:
            limits.append(_c(tx, "round_share", share=tx.percent(policy.max_change_share)))
        if policy.max_change_items is not None:
            limits.append(tx.plural("clauses.round_items", policy.max_change_items))
        if not limits:
            return _c(tx, "round_unlimited")
        return " ".join([*limits, _c(tx, "round_larger")])

    return _per_deliverable(terms, tx, describe)


def _own_errors(terms: ContractTerms, tx: DocText) -> str:
    def describe(policy: RevisionPolicy) -> str:
        if not policy.free_fixes:
            return _c(tx, "own_errors_none")
        return _c(tx, "own_errors", kinds="; ".join(policy.free_fix_kinds))

    return _per_deliverable(terms, tx, describe)


def _review(terms: ContractTerms, tx: DocText) -> str:
    def describe(policy: RevisionPolicy) -> str:
        parts = [_review_window(terms, tx, policy)]
        if policy.silence_means_approval:
            parts.append(_c(tx, "review_silence", zone=terms.timezone))
        parts.append(_c(tx, "review_explicit"))
        return " ".join(parts)

    return _per_deliverable(terms, tx, describe)


def _review_window(terms: ContractTerms, tx: DocText, policy: RevisionPolicy) -> str:
    """The review window, in business days (naming whose public holidays are skipped)
    when the policy counts them, else in calendar days."""
    if policy.review_days != "business":
        return tx.plural("clauses.review_window", policy.review_window_days)
    country = terms.holiday_country
    holidays = (
        _c(tx, "holidays_country", country=tx.country(country))
        if country
        else _c(tx, "holidays_any")
    )
    return tx.plural("clauses.review_window_business", policy.review_window_days, holidays=holidays)


def _last_round(terms: ContractTerms, tx: DocText) -> str:
    return _per_deliverable(
        terms,
        tx,
        lambda p: _c(
            tx, "last_round_approves" if p.approval_after_last_round else "last_round_not"
        ),
    )


def hours_text(tx: DocText, hours: Decimal) -> str:
    """A number of hours with its plural form ("1 hour", "2,5 ure")."""
    return tx.plural("labels.hours", hours)


def extra_round_text(terms: ContractTerms, tx: DocText, policy: RevisionPolicy) -> str:
    """The price of one extra round, as the clause and the tables say it."""
    price = policy.extra_round
    if isinstance(price, FlatRoundPrice):
        return _c(tx, "extra_flat", price=tx.money(price.amount))
    if isinstance(price, PerWordRoundPrice):
        text = _c(tx, "extra_per_word", rate=tx.money(price.rate))
        if price.minimum:
            text += _c(tx, "extra_minimum", minimum=tx.money(price.minimum))
        return text
    return _c(
        tx,
        "extra_hourly",
        rate=tx.money(price.rate),
        hours=hours_text(tx, price.estimated_hours),
    )


def _extra_rounds(terms: ContractTerms, tx: DocText) -> str:
    return _per_deliverable(
        terms, tx, lambda p: _c(tx, "extra_rounds", price=extra_round_text(terms, tx, p))
    )


def _out_of_scope(terms: ContractTerms, tx: DocText) -> str:
    def describe(policy: RevisionPolicy) -> str:
        pricing = policy.out_of_scope
        return _c(
            tx,
            "out_of_scope",
            rate=tx.money(pricing.hourly_rate),
            hours=hours_text(tx, pricing.minimum_hours),
        )

    return _per_deliverable(terms, tx, describe)


def _cancellation(terms: ContractTerms, tx: DocText) -> str:
    staged = terms.payment.kill_fee_by_stage
    if staged is not None:
        return _c(
            tx,
            "cancellation_staged",
            before=tx.percent(staged.before_first_delivery),
            draft=tx.percent(staged.after_first_draft),
            revised=tx.percent(staged.after_revisions),
        )
    return _c(tx, "cancellation", share=tx.percent(terms.payment.kill_fee_share))


def _ownership(terms: ContractTerms, tx: DocText) -> str:
    legal = legal_terms(terms)
    passing = _c(tx, "ip_on_signing" if legal.ip_transfer == "on_signing" else "ip_on_payment")
    portfolio = _c(tx, "portfolio_yes" if legal.portfolio_use else "portfolio_no")
    return f"{passing} {portfolio}"


def _general(terms: ContractTerms, tx: DocText) -> str:
    return _c(tx, "general")


def _confidentiality(terms: ContractTerms, tx: DocText) -> str:
    years = legal_terms(terms).confidentiality_years
    if years == 0:
        return _c(tx, "confidentiality_none")
    return tx.plural("clauses.confidentiality", years)


def _liability(terms: ContractTerms, tx: DocText) -> str:
    multiple = legal_terms(terms).liability_cap_multiple
    total = terms.total_fee()
    if total is not None:
        return _c(tx, "liability_amount", cap=tx.money(total * multiple))
    if multiple == 1:
        return _c(tx, "liability_fees")
    return _c(tx, "liability_multiple", multiple=tx.number(multiple))


def _law(terms: ContractTerms, tx: DocText) -> str:
    country = governing_country(terms)
    jurisdiction = legal_terms(terms).jurisdiction
    if country is None:
        law = _c(tx, "law_freelancer")
        courts = jurisdiction or tx.script(tx.raw("clauses.courts_freelancer"))
    else:
        name = tx.country(country)
        law = _c(tx, "law_country", country=name)
        courts = jurisdiction or _c(tx, "courts_country", country=name)
    return f"{law} {_c(tx, 'courts', courts=courts)}"


_WRITERS: dict[ClauseKey, Callable[[ContractTerms, DocText], str]] = {
    ClauseKey.PARTIES: _parties,
    ClauseKey.WORK: _work,
    ClauseKey.EXCLUSIONS: _exclusions,
    ClauseKey.SCHEDULE: _schedule,
    ClauseKey.FEES: _fees,
    ClauseKey.REVISIONS: _revisions,
    ClauseKey.ROUNDS: _rounds,
    ClauseKey.ROUND_SIZE: _round_size,
    ClauseKey.OWN_ERRORS: _own_errors,
    ClauseKey.REVIEW: _review,
    ClauseKey.LAST_ROUND: _last_round,
    ClauseKey.EXTRA_ROUNDS: _extra_rounds,
    ClauseKey.OUT_OF_SCOPE: _out_of_scope,
    ClauseKey.CANCELLATION: _cancellation,
    ClauseKey.OWNERSHIP: _ownership,
    ClauseKey.GENERAL: _general,
    ClauseKey.CONFIDENTIALITY: _confidentiality,
    ClauseKey.LIABILITY: _liability,
    ClauseKey.LAW: _law,
}

__all__ = ["LocalClause", "extra_round_text", "hours_text", "local_clauses"]
