"""Estimates that fit the ask: out-of-scope work priced from its size, with the arithmetic.

Rule: a change order prices new work from what the client asked for, in the contract's
own rates, and writes down the arithmetic a person can check. The first basis that
applies is used:

1. **words**: the ask states a length ("a 300-word blog post") → words × the per-word
   rate of the contract's written work (a matching deliverable's fee ÷ its size, else
   all priced written deliverables' fees ÷ their sizes);
2. **like a deliverable**: the ask counts things the contract already prices ("three more
   product descriptions", "2 logos") → count × that deliverable's price per piece (its fee
   ÷ its size in items, or ÷ the count in its title, "Three product descriptions");
3. **pieces by the hour**: the ask counts other things ("five Instagram posts") → count ×
   the minimum hours × the hourly rate of clause 6.7;
4. **minimum**: nothing to measure → the minimum hours × the hourly rate, as the decision's
   own estimate does.

Money is Decimal from end to end; a rate derived by division is never rounded before it
is multiplied: the total is computed exactly (fee × words ÷ size) and rounded once, half
up, to the currency's minor unit. Counting reads digits in any language and English
number words; a price the freelancer states on the change order always wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

from roundwise.engine.terms import ContractTerms, Deliverable, RevisionPolicy, money

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
    "couple": 2,
}
_COUNT = r"(?P<count>\d{1,4}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_WORDS = re.compile(r"(?P<words>\d{1,3}(?:[,.\s]\d{3})*|\d+)\s*(?:-\s*)?words?\b", re.IGNORECASE)
# A count, then up to three words (adjectives, "more", a brand) ending in a plural noun.
_PIECES = re.compile(
    rf"\b{_COUNT}\s+(?:of\s+)?(?P<noun>(?:[^\W\d_]+[\s-]+){{0,3}}?[^\W\d_]{{3,}}s)\b",
    re.IGNORECASE,
)
_FILLER = frozenset({"more", "new", "additional", "extra", "other", "further", "short", "few"})
_MAX_COUNT = 1000
_MAX_WORDS = 1_000_000


@dataclass(frozen=True, slots=True)
class AskSize:
    """What the ask says about its size: a word count, or a count of pieces (and what)."""

    words: int | None = None
    count: int | None = None
    noun: str | None = None


@dataclass(frozen=True, slots=True)
class Estimate:
    """A priced estimate for one piece of new work: the total and how it was computed."""

    amount: Decimal
    computation: str
    basis: str  # "words" | "like_deliverable" | "pieces_hourly" | "minimum" | "stated"


def size_of_ask(text: str) -> AskSize:
    """Read a length in words, or a count of pieces, from the client's words."""
    words_match = _WORDS.search(text)
    if words_match is not None:
        words = int(re.sub(r"\D", "", words_match.group("words")))
        if 0 < words <= _MAX_WORDS:
            return AskSize(words=words)
    for match in _PIECES.finditer(text):
        count = _count_value(match.group("count"))
        noun = _noun(match.group("noun"))
        if count is not None and noun:
            return AskSize(count=count, noun=noun)
    return AskSize()


def _count_value(token: str) -> int | None:
    value = int(token) if token.isdigit() else _NUMBER_WORDS.get(token.lower())
    return value if value is not None and 0 < value <= _MAX_COUNT else None


def _noun(phrase: str) -> str:
    words = [w for w in re.split(r"[\s-]+", phrase.lower()) if w and w not in _FILLER]
    return " ".join(words)


def minor_unit(currency: str) -> Decimal:
    """The currency's smallest unit as a quantum: EUR → 0.01, JPY → 1."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def rounded(amount: Decimal, currency: str) -> Decimal:
    """An exact amount rounded once, half up, to the currency's minor unit."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def estimate_new_work(
    terms: ContractTerms,
    policy: RevisionPolicy,
    text: str,
    near: str | None = None,
    size: AskSize | None = None,
) -> Estimate:
    """The estimate for one out-of-scope ask (``near``: the deliverable it was raised on;
    ``size``: a size the freelancer stated, else read from ``text``)."""
    size = size if size is not None else size_of_ask(text)
    if size.words is not None:
        found = _per_word_estimate(terms, size.words, near)
        if found is not None:
            return found
    if size.count is not None:
        noun = size.noun or "pieces"
        like = _matching_deliverable(terms, noun) if size.noun else None
        if like is not None:
            return _like_deliverable(terms, like, size.count, noun)
        return _pieces_by_the_hour(terms, policy, size.count, noun)
    return _minimum(terms, policy)


def _priced_by_words(terms: ContractTerms) -> tuple[Deliverable, ...]:
    return tuple(
        d
        for d in terms.deliverables
        if d.measure_unit == "words" and d.fee is not None and d.size is not None and d.size > 0
    )


def _per_word_estimate(terms: ContractTerms, words: int, near: str | None) -> Estimate | None:
    """words × (fee ÷ size) of the deliverable it was raised on, or of all written work."""
    priced = _priced_by_words(terms)
    own = tuple(d for d in priced if d.id == near)
    basis = own or priced
    if not basis:
        return None
    fee = sum((d.fee or Decimal(0) for d in basis), Decimal(0))
    size = sum((d.size or 0 for d in basis), 0)
    amount = rounded(fee * words / size, terms.currency)
    source = (
        f"{basis[0].title}: {money(terms, fee)} for {size} words"
        if len(basis) == 1
        else f"the written work's {money(terms, fee)} for {size} words"
    )
    rate = (fee / size).quantize(Decimal("0.0001")).normalize()
    how = (
        f"{words} words × {money(terms, fee)} ÷ {size} words ({source}; "
        f"≈ {rate:f} per word) = {money(terms, amount)}"
    )
    return Estimate(amount, how, "words")


def _stems(text: str) -> set[str]:
    """Lower-case words of at least 4 letters, without a plural s: "Logos" → "logo"."""
    words = re.findall(r"[^\W\d_]{4,}", text.lower())
    return {w[:-1] if w.endswith("s") else w for w in words}


def _matching_deliverable(terms: ContractTerms, noun: str) -> Deliverable | None:
    """The priced deliverable whose title or id shares the ask's main noun."""
    head = _stems(noun.split()[-1])
    if not head:
        return None
    for deliverable in terms.deliverables:
        if deliverable.fee is None:
            continue
        if head & _stems(f"{deliverable.title} {deliverable.id.replace('-', ' ')}"):
            return deliverable
    return None


def _pieces_in(deliverable: Deliverable) -> int:
    """How many pieces a deliverable's fee pays for: its size in items, or its title's count."""
    if deliverable.measure_unit == "items" and deliverable.size:
        return int(deliverable.size)
    size = size_of_ask(deliverable.title)
    return size.count if size.count is not None else 1


def _like_deliverable(terms: ContractTerms, like: Deliverable, count: int, noun: str) -> Estimate:
    """count × (fee ÷ pieces) of the (priced) deliverable the ask is like."""
    if like.fee is None:  # pragma: no cover - only priced deliverables are matched
        raise ValueError(f"{like.id} has no fee")
    pieces = _pieces_in(like)
    amount = rounded(like.fee * count / pieces, terms.currency)
    per = f"{money(terms, like.fee)} ÷ {pieces}" if pieces > 1 else money(terms, like.fee)
    how = f"{count} × {noun} at {per} each (priced like {like.title}) = {money(terms, amount)}"
    return Estimate(amount, how, "like_deliverable")


def _pieces_by_the_hour(
    terms: ContractTerms, policy: RevisionPolicy, count: int, noun: str
) -> Estimate:
    """count × minimum hours × hourly rate (clause 6.7)."""
    pricing = policy.out_of_scope
    hours = pricing.minimum_hours * count
    amount = rounded(pricing.hourly_rate * hours, terms.currency)
    how = (
        f"{count} × {noun} × {pricing.minimum_hours.normalize():f} h (minimum per piece) = "
        f"{hours.normalize():f} h × {money(terms, pricing.hourly_rate)} per hour = "
        f"{money(terms, amount)}"
    )
    return Estimate(amount, how, "pieces_hourly")


def _minimum(terms: ContractTerms, policy: RevisionPolicy) -> Estimate:
    """The minimum hours × the hourly rate: the ask names no size to price."""
    pricing = policy.out_of_scope
    amount = rounded(pricing.hourly_rate * pricing.minimum_hours, terms.currency)
    how = (
        f"{pricing.minimum_hours.normalize():f} h (minimum) × "
        f"{money(terms, pricing.hourly_rate)} per hour = {money(terms, amount)}; "
        "the ask states no size, so the minimum applies"
    )
    return Estimate(amount, how, "minimum")
