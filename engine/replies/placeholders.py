"""The contract facts a phrase block may name, formatted for the client.

Rule: every ``{placeholder}`` in the phrase data is produced here, from the contract, the
decision's facts and the freelancer's settings. Money uses the contract's own formatter
(Babel, the contract's locale) so replies and the contract PDF show the same amounts;
dates use Babel in the reply's language with the contract's territory. A fact that does
not apply is *absent* (not empty), so blocks that need it are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

from engine.lint.checks import finds_any
from engine.replies.inputs import GroupFacts, ReplyFacts, ReplySettings
from engine.replies.phrasebook import Choice, render
from engine.terms import (
    ClauseKey,
    ContractTerms,
    FlatRoundPrice,
    HourlyRoundPrice,
    PerWordRoundPrice,
    RevisionPolicy,
    money,
)
from engine.terms.clauses import clause_heading

_MAX_QUOTED = 160
# Verdicts priced as extra rounds (the rest are change orders at the hourly rate).
_ROUND_PRICED = frozenset({"extra_round", "too_large", "after_approval"})
# Rules about a whole reply; a quoted fragment is checked only for hurtful wording.
_STRUCTURAL = frozenset({"missing-thanks", "missing-name"})


def date_locale(contract: ContractTerms, language: str) -> str:
    """The reply language with the contract's territory when Babel knows it (en + PL)."""
    return _date_locale(contract.effective_locale, language)


@lru_cache(maxsize=256)
def _date_locale(contract_locale: str, language: str) -> str:
    """``date_locale`` by its two inputs, parsed by Babel once per pair."""
    territory = Locale.parse(contract_locale).territory
    try:
        return str(Locale.parse(f"{language}_{territory}")) if territory else language
    except UnknownLocaleError:
        return language


def share_text(share: Decimal, other: Decimal | None, locale: str) -> str:
    """A share as a percentage; one decimal when rounding would hide a difference."""
    whole = (share * 100).quantize(Decimal(1))
    if other is not None and share != other and whole == (other * 100).quantize(Decimal(1)):
        return f"{format_decimal(share * 100, format='0.#', locale=locale)}%"
    return f"{format_decimal(whole, format='0', locale=locale)}%"


def _number(book: Mapping[str, Any], n: int) -> str:
    return str(book["numbers"].get(n, n))


def _deliverable(contract: ContractTerms, deliverable_id: str) -> dict[str, str]:
    found = contract.deliverable(deliverable_id)
    title = found.title if found is not None else deliverable_id
    lowered = title[:1].lower() + title[1:] if title[1:2].islower() else title
    the = f"the {lowered}"
    return {"deliverable": lowered, "the_deliverable": the, "The_deliverable": the.capitalize()}


def _prices(book: Mapping[str, Any], contract: ContractTerms, policy: RevisionPolicy) -> str:
    price = policy.extra_round
    if isinstance(price, FlatRoundPrice):
        return str(book["prices"]["flat"]).format(amount=money(contract, price.amount))
    if isinstance(price, PerWordRoundPrice):
        rate, minimum = money(contract, price.rate), money(contract, price.minimum)
        return str(book["prices"]["per_word"]).format(rate=rate, minimum=minimum)
    assert isinstance(price, HourlyRoundPrice)
    hours = format_decimal(price.estimated_hours, locale=contract.effective_locale)
    rate = money(contract, price.rate)
    return str(book["prices"]["hourly"]).format(rate=rate, hours=hours)


def _cite(book: Mapping[str, Any], key: ClauseKey) -> str:
    number, title = clause_heading(key)
    return str(book["clause_citation"]).format(number=number, title=title)


def _minimum(book: Mapping[str, Any], contract: ContractTerms, policy: RevisionPolicy) -> str:
    pricing = policy.out_of_scope
    if pricing.minimum_hours <= 1:
        return ""
    amount = money(contract, pricing.hourly_rate * pricing.minimum_hours)
    return str(book["minimum_charge"]).format(amount=amount)


def _policy_facts(
    book: Mapping[str, Any], contract: ContractTerms, policy: RevisionPolicy
) -> dict[str, str]:
    pricing = policy.out_of_scope
    facts = {
        "extra_round_price": _prices(book, contract, policy),
        "hourly_rate": money(contract, pricing.hourly_rate),
        "minimum": _minimum(book, contract, policy),
        "extra_clause": _cite(book, ClauseKey.EXTRA_ROUNDS),
        "scope_clause": _cite(book, ClauseKey.OUT_OF_SCOPE),
        "last_round_clause": _cite(book, ClauseKey.LAST_ROUND),
    }
    if policy.approval_after_last_round:
        facts["approval_after_last_round"] = ""
    if policy.silence_means_approval:
        facts["silence_approves"] = ""
    if policy.review_window_days > 0:
        facts["review_days"] = _number(book, policy.review_window_days)
        facts["review_days_count"] = str(policy.review_window_days)
        facts["review_clause"] = _cite(book, ClauseKey.REVIEW)
    return facts


def _flags(facts: ReplyFacts, settings: ReplySettings) -> dict[str, str]:
    flags = {
        "explosion": facts.stage == "explosion",
        "feedback": any(g.verdict != "out_of_scope" for g in facts.groups),
        "offers_work": settings.offers_out_of_scope_work,
        "consider": settings.consider_new_services,
        "can_split": facts.rounds_left >= 2,
        "last_round": facts.rounds_left_after == 0
        and any(g.verdict == "included" for g in facts.groups),
    }
    return {name: "" for name, on in flags.items() if on}


def _rounds(book: Mapping[str, Any], facts: ReplyFacts) -> dict[str, str]:
    values = {
        "rounds_included": _number(book, facts.rounds_included),
        "rounds_included_count": str(facts.rounds_included),
    }
    if facts.rounds_left > 0:
        values["rounds_left"] = _number(book, facts.rounds_left)
    if facts.rounds_left_after > 0:
        values["rounds_left_after"] = _number(book, facts.rounds_left_after)
        values["rounds_left_after_count"] = str(facts.rounds_left_after)
    return values


def _measures(book: Mapping[str, Any], facts: ReplyFacts, locale: str) -> dict[str, str]:
    values: dict[str, str] = {}
    if facts.measured_share is not None and facts.limit_share is not None:
        values["measured"] = share_text(facts.measured_share, facts.limit_share, locale)
        values["limit"] = share_text(facts.limit_share, facts.measured_share, locale)
    if facts.measured_items is not None and facts.limit_items is not None:
        values["measured_items"] = str(facts.measured_items)
        values["measured_items_count"] = str(facts.measured_items)
        values["limit_items"] = str(facts.limit_items)
        choice = Choice("calm", "any", book["language"])
        values["change_items"] = render(book["change_items"], choice, values)
    return values


def reply_facts(
    book: Mapping[str, Any], contract: ContractTerms, facts: ReplyFacts, settings: ReplySettings
) -> dict[str, str]:
    """The placeholders shared by the whole reply."""
    language = str(book["language"])
    values = {
        "first_name": contract.client.name.split()[0],
        "full_name": contract.client.name,
        "sender": settings.sign_off_name or contract.freelancer.name,
        **_deliverable(contract, facts.deliverable_id),
        **_policy_facts(book, contract, contract.policy_for(facts.deliverable_id)),
        **_flags(facts, settings),
        **_rounds(book, facts),
        "parts": _number(book, len(facts.groups)),
        **_measures(book, facts, contract.effective_locale),
    }
    if settings.referral:
        values["referral"] = settings.referral
    if facts.approved_on is not None:
        values["approved_on"] = _long_date(facts.approved_on, date_locale(contract, language))
    return values


@lru_cache(maxsize=1024)
def _long_date(day: date, locale: str) -> str:
    """Babel's long date, remembered: a deliverable's approval date recurs in its replies."""
    return format_date(day, "long", locale=locale)


def _quotable(text: str, drop: frozenset[str]) -> str | None:
    parts = text.split()
    while parts and parts[0].lower().strip(",") in drop:
        parts = parts[1:]
    words = " ".join(parts).rstrip(" .?!…:;,")
    if not words or len(words) > _MAX_QUOTED or "\n" in words:
        return None
    return None if finds_any(words, skip=_STRUCTURAL) else words


def _quotes(book: Mapping[str, Any], items: tuple[str, ...]) -> list[str] | None:
    """Every item fit to quote back, or None as soon as one is not.

    All or nothing: a part quotes the client's words only when it can quote each of them,
    so the first item that fails settles it and the rest are not linted.
    """
    drop = frozenset(str(w) for w in book["quote_drop_leading"])
    quoted: list[str] = []
    for item in items:
        found = _quotable(item, drop)
        if found is None:
            return None
        quoted.append(found)
    return quoted


def group_facts(
    book: Mapping[str, Any], contract: ContractTerms, group: GroupFacts, stage: str
) -> dict[str, str]:
    """The placeholders of one part of the reply: its items, its clause and its price.

    The client's words are quoted only in a calm reply: an angry message is acknowledged,
    not echoed back.
    """
    cited = group.clause
    values = {"clause": str(book["clause_citation"]).format(number=cited.number, title=cited.title)}
    quoted = _quotes(book, group.items) if stage == "calm" and group.items else None
    if quoted:
        marks = [f"{book['quote_open']}{q}{book['quote_close']}" for q in quoted]
        values["items"] = str(book["list_and"]).join(marks)
    if group.price is not None and not _only_the_rate(contract, group):
        values["quote_price"] = _quote(book, contract, group)
    return values


def _only_the_rate(contract: ContractTerms, group: GroupFacts) -> bool:
    """A change-order estimate no higher than one hour says nothing the rate doesn't."""
    rate = contract.policy_for(group.deliverable_id).out_of_scope.hourly_rate
    return group.verdict == "out_of_scope" and group.price is not None and group.price <= rate


def _quote(book: Mapping[str, Any], contract: ContractTerms, group: GroupFacts) -> str:
    """The price of a part, with the arithmetic a client can check for paid rounds."""
    assert group.price is not None
    amount = money(contract, group.price)
    if group.verdict not in _ROUND_PRICED:
        return amount
    policy = contract.policy_for(group.deliverable_id)
    price = policy.extra_round
    if not isinstance(price, FlatRoundPrice):
        return str(book["quote_rated"]).format(amount=amount, rate=_prices(book, contract, policy))
    count = group.price / price.amount if price.amount else Decimal(1)
    if count == 1 or count != count.to_integral_value():
        return amount
    each = money(contract, price.amount)
    return str(book["quote_rounds"]).format(amount=amount, count=int(count), each=each)
