"""The contract facts a phrase block may name, formatted for the client.

Rule: every ``{placeholder}`` in the phrase data is produced here, from the contract, the
decision's facts and the freelancer's settings. One locale per reply: money, numbers,
percentages and dates all use Babel with the reply's language (and script, for Serbian)
and the contract's territory, so a Polish reply reads "400,00 zł" and "4 maja 2026" and
an English one "PLN 400.00"-style amounts with English dates, never a mixture. Clause
titles and the deliverable's wording come from the phrase data of the reply's language.
A fact that does not apply is *absent* (not empty), so blocks that need it are left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, getcontext
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from roundwise.engine.lint.checks import finds_any
from roundwise.engine.lint.script import split_tag, to_cyrillic, to_latin
from roundwise.engine.replies.address import name_forms
from roundwise.engine.replies.inputs import (
    GroupFacts,
    ReplyFacts,
    ReplySettings,
    answers_intent,
)
from roundwise.engine.replies.phrasebook import Choice, render
from roundwise.engine.terms import (
    ClauseKey,
    ContractTerms,
    FlatRoundPrice,
    HourlyRoundPrice,
    PerWordRoundPrice,
    RevisionPolicy,
)
from roundwise.engine.terms.clauses import clause_heading

_MAX_QUOTED = 160
# Verdicts priced as extra rounds (the rest are change orders at the hourly rate).
_ROUND_PRICED = frozenset({"extra_round", "too_large", "after_approval"})
# Rules about a whole reply (thanks, the name, an alternative beside a refusal — the
# client's "we can't pay yet" is not the freelancer refusing): a quoted fragment is
# checked only for hurtful wording.
_STRUCTURAL = frozenset({"missing-thanks", "missing-name", "refusal-without-alternative"})


def date_locale(contract: ContractTerms, language: str) -> str:
    """The reply's locale: its language (and script) with the contract's territory (en + PL).

    The one locale of a reply: money, numbers, percentages and dates all use it. Serbian
    names its script ("sr_Latn_RS", "sr_Cyrl_RS"): Babel's plain "sr" is Cyrillic.
    """
    return _date_locale(contract.effective_locale, language)


@lru_cache(maxsize=256)
def _date_locale(contract_locale: str, language: str) -> str:
    """``date_locale`` by its two inputs, parsed by Babel once per pair."""
    base, cyrillic = split_tag(language)
    if base == "sr":
        base = "sr_Cyrl" if cyrillic else "sr_Latn"
    territory = Locale.parse(contract_locale).territory
    try:
        return str(Locale.parse(f"{base}_{territory}")) if territory else base
    except UnknownLocaleError:
        return base


def _money(contract: ContractTerms, amount: Decimal, locale: str) -> str:
    """An amount in the contract's currency, written for the reply's locale."""
    context = getcontext()
    return _currency_text(str(amount), contract.currency, locale, context.prec, context.rounding)


@lru_cache(maxsize=4096)
def _currency_text(amount: str, currency: str, locale: str, precision: int, rounding: str) -> str:
    """Babel's currency text, remembered: the same few amounts recur in every reply.

    Keyed like ``engine.terms.clauses.money`` (the amount's exact text and the decimal
    context Babel rounds in), so a hit is exactly what Babel would return now.
    """
    return format_currency(Decimal(amount), currency, locale=locale)


@lru_cache(maxsize=1024)
def share_text(share: Decimal, other: Decimal | None, locale: str) -> str:
    """A share as a percentage; one decimal when rounding would hide a difference.

    Remembered: the same few shares (limits, deposits, kill fees) recur in every reply.

    The percent sign sits where the locale puts it ("30%", Slovenian "30 %").
    """
    whole = (share * 100).quantize(Decimal(1))
    if other is not None and share != other and whole == (other * 100).quantize(Decimal(1)):
        return _percent_pattern(locale).format(format_decimal(share * 100, "0.#", locale=locale))
    return _percent_pattern(locale).format(format_decimal(whole, format="0", locale=locale))


@lru_cache(maxsize=64)
def _percent_pattern(locale: str) -> str:
    """The locale's percent pattern as a template for a number: "{}%" or "{}\xa0%"."""
    pattern = str(Locale.parse(locale).percent_formats[None].pattern).split(";")[0]
    start = min(pattern.index(c) for c in "#0" if c in pattern)
    end = max(pattern.rindex(c) for c in "#0" if c in pattern) + 1
    return pattern[:start] + "{}" + pattern[end:]


def _number(book: Mapping[str, Any], n: int) -> str:
    return str(book["numbers"].get(n, n))


def deliverable_title(contract: ContractTerms, deliverable_id: str) -> str:
    """The work's title as the contract writes it (its id when the contract has no such work)."""
    found = contract.deliverable(deliverable_id)
    return found.title if found is not None else deliverable_id


def _deliverable(
    book: Mapping[str, Any], contract: ContractTerms, deliverable_id: str
) -> dict[str, str]:
    title = deliverable_title(contract, deliverable_id)
    quoted = book.get("deliverable_quoted")
    if quoted is not None:
        # Languages without an article name the work by its title in quotes, as written
        # (the sentence around it supplies a noun in the right case).
        text = str(quoted).format(title=title)
        return {"deliverable": text, "the_deliverable": text, "The_deliverable": text}
    lowered = title[:1].lower() + title[1:] if title[1:2].islower() else title
    the = f"the {lowered}"
    return {"deliverable": lowered, "the_deliverable": the, "The_deliverable": the.capitalize()}


def _prices(
    book: Mapping[str, Any], contract: ContractTerms, policy: RevisionPolicy, locale: str
) -> str:
    price = policy.extra_round
    if isinstance(price, FlatRoundPrice):
        return str(book["prices"]["flat"]).format(amount=_money(contract, price.amount, locale))
    if isinstance(price, PerWordRoundPrice):
        rate = _money(contract, price.rate, locale)
        minimum = _money(contract, price.minimum, locale)
        return str(book["prices"]["per_word"]).format(rate=rate, minimum=minimum)
    assert isinstance(price, HourlyRoundPrice)
    hours = format_decimal(price.estimated_hours, locale=locale)
    rate = _money(contract, price.rate, locale)
    return str(book["prices"]["hourly"]).format(rate=rate, hours=hours)


# A cited clause's key by its number (numbers are fixed by key; see engine.terms.clauses).
_KEY_OF_NUMBER = {clause_heading(key)[0]: key for key in ClauseKey}


def _clause_title(book: Mapping[str, Any], number: str, title: str) -> str:
    """The clause's title in the reply's language (the contract's own when not listed)."""
    key = _KEY_OF_NUMBER.get(number)
    titles = book.get("clause_titles", {})
    return str(titles[key.value]) if key is not None and key.value in titles else title


def _cite(book: Mapping[str, Any], key: ClauseKey) -> str:
    number, title = clause_heading(key)
    title = _clause_title(book, number, title)
    return str(book["clause_citation"]).format(number=number, title=title)


def _minimum(
    book: Mapping[str, Any], contract: ContractTerms, policy: RevisionPolicy, locale: str
) -> str:
    pricing = policy.out_of_scope
    if pricing.minimum_hours <= 1:
        return ""
    amount = _money(contract, pricing.hourly_rate * pricing.minimum_hours, locale)
    return str(book["minimum_charge"]).format(amount=amount)


def _policy_facts(
    book: Mapping[str, Any], contract: ContractTerms, policy: RevisionPolicy, locale: str
) -> dict[str, str]:
    pricing = policy.out_of_scope
    facts = {
        "extra_round_price": _prices(book, contract, policy, locale),
        "hourly_rate": _money(contract, pricing.hourly_rate, locale),
        "minimum": _minimum(book, contract, policy, locale),
        "extra_clause": _cite(book, ClauseKey.EXTRA_ROUNDS),
        "scope_clause": _cite(book, ClauseKey.OUT_OF_SCOPE),
        "last_round_clause": _cite(book, ClauseKey.LAST_ROUND),
    }
    if policy.approval_after_last_round:
        facts["approval_after_last_round"] = ""
    if policy.silence_means_approval:
        facts["silence_approves"] = ""
    # The phrase blocks say "N days"; a window of business days is left unsaid rather
    # than told wrong (the agreement's review clause states it).
    if policy.review_window_days > 0 and policy.review_days == "calendar":
        facts["review_days"] = _number(book, policy.review_window_days)
        facts["review_days_count"] = str(policy.review_window_days)
        facts["review_clause"] = _cite(book, ClauseKey.REVIEW)
    return facts


def _payment_facts(book: Mapping[str, Any], contract: ContractTerms, locale: str) -> dict[str, str]:
    """The money terms a payment demand, cancellation or legal threat is answered with."""
    pay = contract.payment
    facts = {
        "due_days": _number(book, pay.due_days),
        "due_days_count": str(pay.due_days),
        "fees_clause": _cite(book, ClauseKey.FEES),
        "cancellation_clause": _cite(book, ClauseKey.CANCELLATION),
        "general_clause": _cite(book, ClauseKey.GENERAL),
        "own_errors_clause": _cite(book, ClauseKey.OWN_ERRORS),
        "approval_clause": _cite(book, ClauseKey.REVIEW),
    }
    # A kill fee by stage depends on how far the work got; the phrase states one share of
    # the undelivered work, so it is said only when the contract names one share.
    if pay.kill_fee_by_stage is None:
        facts["kill_fee"] = share_text(pay.kill_fee_share, None, locale)
    if pay.deposit_share:
        facts["deposit"] = share_text(pay.deposit_share, None, locale)
    return facts


def _flags(facts: ReplyFacts, settings: ReplySettings) -> dict[str, str]:
    flags = {
        "explosion": facts.stage == "explosion",
        # Thanks for "feedback" only for a message about the work, never for a money
        # demand, a threat, a cancellation or a rejection of the whole work.
        "feedback": any(g.verdict != "out_of_scope" for g in facts.groups)
        and not answers_intent(facts),
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
        values["rounds_left_count"] = str(facts.rounds_left)
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
    book: Mapping[str, Any],
    contract: ContractTerms,
    facts: ReplyFacts,
    settings: ReplySettings,
    language: str = "en",
) -> dict[str, str]:
    """The placeholders shared by the whole reply (``language``: the reply's tag)."""
    locale = date_locale(contract, language)
    name = contract.client.name
    values = {
        "first_name": name.split()[0],
        "full_name": name,
        **name_forms(str(book["language"]), name),
        "sender": settings.sign_off_name or contract.freelancer.name,
        **_deliverable(book, contract, facts.deliverable_id),
        **_policy_facts(book, contract, contract.policy_for(facts.deliverable_id), locale),
        **_flags(facts, settings),
        **_rounds(book, facts),
        "parts": _number(book, len(facts.groups)),
        "parts_count": str(len(facts.groups)),
        **_measures(book, facts, locale),
    }
    if answers_intent(facts):  # only the intent answers name the money terms
        values.update(_payment_facts(book, contract, locale))
    if split_tag(language)[1] and contract.language == "sr":
        values.update(_in_cyrillic(values))
    if settings.greeting:
        values["own_greeting"] = settings.greeting.strip().rstrip(",")
    if settings.referral:
        values["referral"] = settings.referral
    if facts.approved_on is not None:
        values["approved_on"] = _long_date(facts.approved_on, locale)
    return values


# Names and titles a Serbian contract spells in Latin, shown in Cyrillic in a Cyrillic reply.
_CONTRACT_TEXT = (
    "first_name",
    "full_name",
    "first_vocative",
    "surname",
    "surname_vocative",
    "sender",
    "deliverable",
    "the_deliverable",
    "The_deliverable",
)
# Letters of the Serbian Latin alphabet: a text with others (q, w, x, y) is not Serbian.
_SERBIAN_LATIN = frozenset("abcčćdđefghijklmnoprsštuvzž")


def _in_cyrillic(values: dict[str, str]) -> dict[str, str]:
    """The contract's own names and titles in Cyrillic, where they are Serbian Latin.

    Only for a Serbian contract, and only texts whose letters are all Serbian Latin ones:
    a foreign name ("Wendy") keeps its spelling. The client's quoted words stay as written.
    """
    out: dict[str, str] = {}
    for key in _CONTRACT_TEXT:
        text = values.get(key)
        letters = {c.lower() for c in text or "" if c.isalpha()}
        if text is not None and letters and letters <= _SERBIAN_LATIN:
            out[key] = to_cyrillic(text)
    return out


@lru_cache(maxsize=1024)
def _long_date(day: date, locale: str) -> str:
    """Babel's long date, remembered: a deliverable's approval date recurs in its replies."""
    return format_date(day, "long", locale=locale)


def _quotable(text: str, drop: frozenset[str], language: str) -> str | None:
    parts = text.split()
    while parts and parts[0].lower().strip(",") in drop:
        parts = parts[1:]
    words = " ".join(parts).rstrip(" .?!…:;,")
    if not words or len(words) > _MAX_QUOTED or "\n" in words:
        return None
    # Checked by the reply language's own rules (Serbian read in Latin, either script).
    screened = to_latin(words) if language == "sr" else words
    return None if finds_any(screened, language, skip=_STRUCTURAL) else words


_SHOUTED = re.compile(r"\b[^\W\d_]{4,}\b")
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\n+")


_REPEATED = re.compile(r"([!?])[!?]+|\.{2,}")
_MAX_EXCERPT_WORDS = 14


def _softened(text: str) -> str:
    """The client's words quoted back calmly: shouted (all-capital) words in lower case,
    "!!!" as "!", and trailing dots as a sentence end."""
    text = _REPEATED.sub(lambda m: m.group(1) or ". ", text)
    return _SHOUTED.sub(lambda m: m.group().lower() if m.group().isupper() else m.group(), text)


def _excerpt(item: str, drop: frozenset[str], language: str) -> str | None:
    """The item's words to quote back: all of them, else a sentence of it fit to quote.

    A change item is restated in the client's own words (issue 17: never "what you'd
    like changed"). A long or partly hurtful item is quoted by its last clean sentence —
    where a request usually ends — or, when every sentence is too long, by the first
    words of its first clean one; either is marked as an excerpt with "…".
    """
    softened = _softened(item)
    whole = _quotable(softened, drop, language)
    if whole is not None:
        return whole
    parts = [p for p in _SENTENCE_END.split(softened.strip()) if len(p.split()) >= 2]
    for sentence in reversed(parts):
        found = _quotable(sentence, drop, language)
        if found is not None:
            return f"…{found}"
    for sentence in parts:
        words = sentence.split()
        found = _quotable(" ".join(words[:_MAX_EXCERPT_WORDS]), drop, language)
        if found is not None:
            return f"{found}…"
    return None


def _quotes(book: Mapping[str, Any], items: tuple[str, ...]) -> list[str] | None:
    """Every item's words to quote back, or None as soon as one has none fit to quote.

    All or nothing: a part quotes the client's words only when it can quote each of them,
    so the first item that fails settles it and the rest are not linted.
    """
    drop = frozenset(str(w) for w in book["quote_drop_leading"])
    language = str(book["language"])
    quoted: list[str] = []
    for item in items:
        found = _excerpt(item, drop, language)
        if found is None:
            return None
        quoted.append(found)
    return quoted


def group_facts(
    book: Mapping[str, Any],
    contract: ContractTerms,
    group: GroupFacts,
    stage: str,
    language: str = "en",
) -> dict[str, str]:
    """The placeholders of one part of the reply: its items, its clause and its price.

    The client's words are quoted back in every reply, angry or calm, shouting softened
    and hurtful sentences left out (``_excerpt``).
    """
    cited = group.clause
    title = _clause_title(book, cited.number, cited.title)
    values = {"clause": str(book["clause_citation"]).format(number=cited.number, title=title)}
    quoted = _quotes(book, group.items) if group.items else None
    if quoted:
        marks = [f"{book['quote_open']}{q}{book['quote_close']}" for q in quoted]
        values["items"] = str(book["list_and"]).join(marks)
    if group.price is not None and not _only_the_rate(contract, group):
        values["quote_price"] = _quote(book, contract, group, date_locale(contract, language))
    return values


def _only_the_rate(contract: ContractTerms, group: GroupFacts) -> bool:
    """A change-order estimate no higher than one hour says nothing the rate doesn't."""
    rate = contract.policy_for(group.deliverable_id).out_of_scope.hourly_rate
    return group.verdict == "out_of_scope" and group.price is not None and group.price <= rate


def _quote(book: Mapping[str, Any], contract: ContractTerms, group: GroupFacts, locale: str) -> str:
    """The price of a part, with the arithmetic a client can check for paid rounds."""
    assert group.price is not None
    amount = _money(contract, group.price, locale)
    if group.verdict not in _ROUND_PRICED:
        return amount
    policy = contract.policy_for(group.deliverable_id)
    price = policy.extra_round
    if not isinstance(price, FlatRoundPrice):
        rate = _prices(book, contract, policy, locale)
        return str(book["quote_rated"]).format(amount=amount, rate=rate)
    count = group.price / price.amount if price.amount else Decimal(1)
    if count == 1 or count != count.to_integral_value():
        return amount
    each = _money(contract, price.amount, locale)
    return str(book["quote_rounds"]).format(amount=amount, count=int(count), each=each)
