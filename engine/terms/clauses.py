"""The agreement's numbered clauses, written out in plain language from the terms.

Numbers are part of the product: a decision cites "clause 6.2 (Size of a revision
round)", the reply quotes it and the PDF prints it. They are therefore produced here, in
one place, from the terms alone, so the three always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, getcontext
from enum import StrEnum
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, format_decimal

from roundwise.engine.terms.contract import ContractTerms, governing_country, legal_terms
from roundwise.engine.terms.policy import (
    FlatRoundPrice,
    HourlyRoundPrice,
    PerWordRoundPrice,
    RevisionPolicy,
)


class ClauseKey(StrEnum):
    """Stable names for clauses; rules cite keys, numbers come from `clauses()`."""

    PARTIES = "parties"
    WORK = "work"
    EXCLUSIONS = "exclusions"
    SCHEDULE = "schedule"
    FEES = "fees"
    REVISIONS = "revisions"
    ROUNDS = "revisions.rounds"
    ROUND_SIZE = "revisions.round_size"
    OWN_ERRORS = "revisions.own_errors"
    REVIEW = "revisions.review"
    LAST_ROUND = "revisions.last_round"
    EXTRA_ROUNDS = "revisions.extra_rounds"
    OUT_OF_SCOPE = "revisions.out_of_scope"
    CANCELLATION = "cancellation"
    OWNERSHIP = "ownership"
    GENERAL = "general"
    CONFIDENTIALITY = "confidentiality"
    LIABILITY = "liability"
    LAW = "law"


@dataclass(frozen=True, slots=True)
class Clause:
    """One numbered clause: ``number`` like "6.2", a title and its plain-language text."""

    number: str
    key: ClauseKey
    title: str
    text: str

    @property
    def citation(self) -> str:
        """How a decision or reply names it: "clause 6.2 (Size of a revision round)"."""
        return f"clause {self.number} ({self.title})"


_TITLES: dict[ClauseKey, tuple[str, str]] = {
    ClauseKey.PARTIES: ("1", "Parties"),
    ClauseKey.WORK: ("2", "The work"),
    ClauseKey.EXCLUSIONS: ("3", "What is not included"),
    ClauseKey.SCHEDULE: ("4", "Schedule"),
    ClauseKey.FEES: ("5", "Fees and payment"),
    ClauseKey.REVISIONS: ("6", "Revisions"),
    ClauseKey.ROUNDS: ("6.1", "Revision rounds included"),
    ClauseKey.ROUND_SIZE: ("6.2", "Size of a revision round"),
    ClauseKey.OWN_ERRORS: ("6.3", "The freelancer's own errors"),
    ClauseKey.REVIEW: ("6.4", "Review window and approval"),
    ClauseKey.LAST_ROUND: ("6.5", "Approval after the last round"),
    ClauseKey.EXTRA_ROUNDS: ("6.6", "Extra rounds"),
    ClauseKey.OUT_OF_SCOPE: ("6.7", "Work outside this agreement"),
    ClauseKey.CANCELLATION: ("7", "Cancellation"),
    ClauseKey.OWNERSHIP: ("8", "Ownership and use"),
    ClauseKey.GENERAL: ("9", "About this agreement"),
    ClauseKey.CONFIDENTIALITY: ("10", "Confidentiality"),
    ClauseKey.LIABILITY: ("11", "Liability"),
    ClauseKey.LAW: ("12", "Governing law and jurisdiction"),
}


def clauses(terms: ContractTerms) -> tuple[Clause, ...]:
    """All clauses of the agreement, in order."""
    return tuple(clause(terms, key) for key in ClauseKey)


def clause(terms: ContractTerms, key: ClauseKey) -> Clause:
    """One clause, numbered and written out for these terms."""
    number, title = _TITLES[key]
    return Clause(number=number, key=key, title=title, text=_WRITERS[key](terms))


def clause_heading(key: ClauseKey) -> tuple[str, str]:
    """A clause's number and title: fixed by its key, so citing one needs no clause text.

    ``clause(terms, key)`` gives the same number and title; this skips writing the text,
    which a citation ("clause 6.2 (Size of a revision round)") never shows.
    """
    return _TITLES[key]


def money(terms: ContractTerms, amount: Decimal) -> str:
    """An amount in the contract's currency, formatted for the contract's locale."""
    context = getcontext()
    return _currency_text(
        str(amount), terms.currency, terms.effective_locale, context.prec, context.rounding
    )


@lru_cache(maxsize=4096)
def _currency_text(amount: str, currency: str, locale: str, precision: int, rounding: str) -> str:
    """Babel's currency text, remembered: the same few amounts recur in every reply.

    Keyed by the amount's exact text (``Decimal(str(d))`` is ``d``, digits and exponent
    alike; Babel itself reads an int or float through ``str``) and by the decimal context
    Babel rounds in, so a hit is exactly what Babel would return now.
    """
    return format_currency(Decimal(amount), currency, locale=locale)


def percent(share: Decimal) -> str:
    """0.30 -> "30%": shares are shown as whole or decimal percentages, never rounded away."""
    value = (share * 100).normalize()
    return f"{value:f}%"


def _parties(terms: ContractTerms) -> str:
    def describe(name: str, business: str | None, role: str) -> str:
        return f"{name}{f', {business}' if business else ''} ({role})"

    freelancer = describe(terms.freelancer.name, terms.freelancer.business, "the freelancer")
    client = describe(terms.client.name, terms.client.business, "the client")
    return f"This agreement is between {freelancer} and {client}."


def _work(terms: ContractTerms) -> str:
    # Titles only: a deliverable's id ("home") is an internal key the client never sees.
    items = " ".join(f"{d.title}: {_sentence(d.brief)}" for d in terms.deliverables)
    return f'The freelancer delivers the following for "{terms.title}". {items}'


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _exclusions(terms: ContractTerms) -> str:
    if not terms.exclusions:
        return "Anything not listed under clause 2 is outside this agreement."
    listed = "; ".join(terms.exclusions)
    return (
        f"The following are not included: {listed}. They, and anything else not listed "
        "under clause 2, can be ordered separately under clause 6.7."
    )


def _schedule(terms: ContractTerms) -> str:
    parts = [f"Work starts on {terms.start_date.isoformat()}." if terms.start_date else ""]
    # "Due dates: X: date" -- no verb to agree with a plural title ("... descriptions is due").
    dues = [f"{d.title}: {d.due.isoformat()}" for d in terms.deliverables if d.due]
    parts.append(f"Due dates: {'; '.join(dues)}." if dues else "")
    text = " ".join(p for p in parts if p)
    return text or "Delivery dates are agreed in writing when the work starts."


def _fees(terms: ContractTerms) -> str:
    priced = [f"{d.title}: {money(terms, d.fee)}" for d in terms.deliverables if d.fee]
    fee_text = f"Fees: {'; '.join(priced)}." if priced else "Fees are as quoted in writing."
    pay = terms.payment
    deposit = (
        f" A deposit of {percent(pay.deposit_share)} is due on signing."
        if pay.deposit_share
        else ""
    )
    return f"{fee_text}{deposit} Invoices are payable within {pay.due_days} days."


def _revisions(terms: ContractTerms) -> str:
    return (
        "Revisions are how the client shapes the delivered work within the agreed brief. "
        "Clauses 6.1 to 6.7 say how many rounds are included, how large a round may be, "
        "and how further changes are handled."
    )


_PolicyWriter = Callable[[RevisionPolicy], str]


def _per_deliverable(terms: ContractTerms, describe: _PolicyWriter) -> str:
    base = describe(terms.revision_policy)
    described = (
        (d.title, describe(terms.policy_for(d.id)))
        for d in terms.deliverables
        if d.revision_policy is not None
    )
    overrides = [f"For {title}: {text}" for title, text in described if text != base]
    return " ".join([base, *overrides])


def _rounds(terms: ContractTerms) -> str:
    def describe(policy: RevisionPolicy) -> str:
        n = policy.rounds_included
        noun = "round" if n == 1 else "rounds"
        return f"Each deliverable includes {n} revision {noun} at no extra cost."

    return _per_deliverable(terms, describe)


def _round_size(terms: ContractTerms) -> str:
    def describe(policy: RevisionPolicy) -> str:
        limits = []
        if policy.max_change_share is not None:
            limits.append(
                f"may change at most {percent(policy.max_change_share)} of the words of the "
                "delivered text, counted word by word against the delivered version"
            )
        if policy.max_change_items is not None:
            limits.append(f"may contain at most {policy.max_change_items} change items")
        if not limits:
            return "A revision round has no size limit beyond the brief."
        return (
            f"A revision round {' and '.join(limits)}. Larger changes can be split over "
            "rounds or quoted as new work."
        )

    return _per_deliverable(terms, describe)


def _own_errors(terms: ContractTerms) -> str:
    def describe(policy: RevisionPolicy) -> str:
        if not policy.free_fixes:
            return "Corrections are handled as revision rounds."
        kinds = "; ".join(policy.free_fix_kinds)
        return (
            f"The freelancer corrects their own errors free of charge and without using a "
            f"revision round. These are: {kinds}."
        )

    return _per_deliverable(terms, describe)


def _review(terms: ContractTerms) -> str:
    def describe(policy: RevisionPolicy) -> str:
        days = policy.review_window_days
        unit = "days" if policy.review_days == "calendar" else _business_days(terms)
        text = f"The client reviews each delivered version within {days} {unit}."
        if policy.silence_means_approval:
            text += (
                " If no revision request arrives by midnight at the end of that period "
                f"({terms.timezone} time), the version counts as approved."
            )
        return text + " The client can also approve a version explicitly at any time."

    return _per_deliverable(terms, describe)


def _business_days(terms: ContractTerms) -> str:
    country = terms.holiday_country
    holidays = f"public holidays in {country}" if country else "public holidays"
    return f"business days (not counting Saturdays, Sundays and {holidays})"


def _last_round(terms: ContractTerms) -> str:
    def describe(policy: RevisionPolicy) -> str:
        if policy.approval_after_last_round:
            return (
                "When the last included round has been delivered, the deliverable counts as "
                "approved; later changes are new work under clauses 6.6 and 6.7."
            )
        return "Delivering the last included round does not by itself approve the deliverable."

    return _per_deliverable(terms, describe)


def _extra_rounds(terms: ContractTerms) -> str:
    def describe(policy: RevisionPolicy) -> str:
        price = policy.extra_round
        if isinstance(price, FlatRoundPrice):
            cost = f"{money(terms, price.amount)} per deliverable"
        elif isinstance(price, PerWordRoundPrice):
            cost = f"{money(terms, price.rate)} per word changed"
            if price.minimum:
                cost += f", at least {money(terms, price.minimum)}"
        else:
            cost = _hourly(terms, price)
        return f"Further rounds can be ordered at any time for {cost}."

    return _per_deliverable(terms, describe)


def _hourly(terms: ContractTerms, price: HourlyRoundPrice) -> str:
    hours = _hours(terms, price.estimated_hours)
    return f"{money(terms, price.rate)} per hour (estimated {hours} per round)"


def _hours(terms: ContractTerms, hours: Decimal) -> str:
    unit = "hour" if hours == 1 else "hours"
    return f"{format_decimal(hours, locale=terms.effective_locale)} {unit}"


def _out_of_scope(terms: ContractTerms) -> str:
    def describe(policy: RevisionPolicy) -> str:
        pricing = policy.out_of_scope
        return (
            "Work outside clause 2, and changes after approval, are offered through a written "
            f"change order at {money(terms, pricing.hourly_rate)} per hour (minimum "
            f"{_hours(terms, pricing.minimum_hours)}), and start once the client accepts it."
        )

    return _per_deliverable(terms, describe)


def _cancellation(terms: ContractTerms) -> str:
    staged = terms.payment.kill_fee_by_stage
    if staged is not None:
        return (
            "If the client cancels the project, the client pays for each deliverable a share "
            "of its fee by the stage it has reached: "
            f"{percent(staged.before_first_delivery)} before its first delivery, "
            f"{percent(staged.after_first_draft)} after the first draft, "
            f"{percent(staged.after_revisions)} after revised versions, and the full fee "
            "once it is approved."
        )
    return (
        "If the client cancels the project after it has started, the client pays for the work "
        f"delivered so far and a cancellation fee of {percent(terms.payment.kill_fee_share)} "
        "of the fees for the work not yet delivered."
    )


def _ownership(terms: ContractTerms) -> str:
    legal = legal_terms(terms)
    if legal.ip_transfer == "on_signing":
        passing = "The rights to use the delivered work pass to the client on delivery."
    else:
        passing = (
            "The rights to use the delivered work pass to the client when the fees have been "
            "paid in full. Until then the freelancer keeps them."
        )
    portfolio = (
        " The freelancer may show the work in their portfolio unless the client asks "
        "otherwise in writing."
        if legal.portfolio_use
        else " The freelancer does not show the work in their portfolio."
    )
    return passing + portfolio


def _confidentiality(terms: ContractTerms) -> str:
    years = legal_terms(terms).confidentiality_years
    if years == 0:
        return "Neither party is bound to confidentiality beyond what the law requires."
    span = "one year" if years == 1 else f"{years} years"
    return (
        "Both parties keep confidential what they learn about each other's business through "
        f"this project, during the project and for {span} after it ends, unless it is public "
        "or the law requires its disclosure."
    )


def _liability(terms: ContractTerms) -> str:
    multiple = legal_terms(terms).liability_cap_multiple
    total = terms.total_fee()
    if total is not None:
        cap = f"{money(terms, total * multiple)}"
    else:
        times = "" if multiple == 1 else f"{format_decimal(multiple, locale='en')} times "
        cap = f"{times}the fees agreed under this agreement"
    return (
        f"Each party's liability under this agreement is limited to {cap}, except for damage "
        "caused intentionally or by gross negligence, where the law allows no limit."
    )


def _law(terms: ContractTerms) -> str:
    country = governing_country(terms)
    name = Locale.parse("en").territories.get(country, country) if country else None
    law = f"the law of {name}" if name else "the law of the freelancer's country"
    courts = legal_terms(terms).jurisdiction or (
        f"the competent courts of {name}"
        if name
        else "the competent courts of the freelancer's seat"
    )
    return f"This agreement is governed by {law}. Disputes go to {courts}."


def _general(terms: ContractTerms) -> str:
    return (
        "This is a plain-language agreement, not legal advice. Changes to it are made only by "
        "a written change order that refers to this agreement's document id. The terms' "
        "SHA-256 printed on every page identifies exactly what both parties agreed to."
    )


_WRITERS = {
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
