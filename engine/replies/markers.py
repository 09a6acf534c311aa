"""Technique checkers: a reply may list a technique only when its marker is in the text.

Rule: the "techniques used" a reply lists for the freelancer are claims about the text,
so each is checked against the text itself, never taken from the blocks' labels alone.
Each technique has one checker. Most are language-independent facts of the reply — the
client's name (T05, by the linter's exact name check), a cited clause (T11), a question
(T01), a list of options (T06), a price (T22) — and the rest are words the language's
phrase file lists under ``markers`` (an apology for T26, "if anything unexpected comes
up" for T16…). A technique without a checker in a language is never claimed there.
Serbian markers are written in Latin and matched on the reply read in Latin.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from babel.numbers import get_currency_symbol

from roundwise.engine.lint import broken_rules, lint_reply
from roundwise.engine.lint.script import split_tag, to_latin
from roundwise.engine.replies.phrasebook import phrasebook
from roundwise.engine.terms import ClauseKey
from roundwise.engine.terms.clauses import clause_heading


@dataclass(frozen=True, slots=True)
class ReplyText:
    """A reply's text with what the checkers need to read it.

    ``language`` is the reply's tag; ``client_name`` and ``deliverable`` are the
    contract's; ``currency`` the contract's currency code and ``locale`` the reply's
    Babel locale (for the currency symbol).
    """

    text: str
    language: str
    client_name: str
    deliverable: str
    currency: str
    locale: str

    @property
    def latin(self) -> str:
        """The text as the markers read it (Serbian Cyrillic in Latin letters)."""
        return to_latin(self.text) if split_tag(self.language)[0] == "sr" else self.text

    def lint_rules(self) -> frozenset[str]:
        """The linter rules the technique checkers ask about that the text breaks."""
        return _lint_rules(self.text, self.language, self.client_name, _TECHNIQUE_RULES)

    def all_lint_rules(self) -> frozenset[str]:
        """Every linter rule the text breaks in its language (with the client's name)."""
        return frozenset(f.rule for f in lint_reply(self.text, self.language, self.client_name))


# The linter rules the technique checkers ask about (only these are run per reply).
_TECHNIQUE_RULES = frozenset(
    {"missing-name", "missing-thanks", "bare-no", "hiding-behind-others", "belittling"}
)


@lru_cache(maxsize=256)
def _lint_rules(
    text: str, language: str, client_name: str, asked: frozenset[str]
) -> frozenset[str]:
    """Linted once per reply text: several checkers ask (bounded: texts are unique)."""
    return broken_rules(text, language, client_name, asked)


def book_markers(language: str) -> Mapping[str, Any]:
    """The ``markers`` section of a language's phrase file (untransliterated)."""
    markers: Mapping[str, Any] = phrasebook(language).get("markers", {})
    return markers


@cache
def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE)


def marker(reply: ReplyText, name: str) -> bool:
    """Whether the language's marker ``name`` (a regex in ``markers``) is in the text."""
    regex = book_markers(reply.language).get(name)
    return isinstance(regex, str) and bool(_pattern(regex).search(reply.latin))


def _technique_marker(reply: ReplyText, tid: str) -> bool:
    regex = book_markers(reply.language).get("techniques", {}).get(tid)
    return isinstance(regex, str) and bool(_pattern(regex).search(reply.latin))


_CLAUSE_NUMBER = re.compile(r"(\d{1,2}(?:\.\d{1,2})?)(?!\d|[.,]\d)")


def cited_numbers(reply: ReplyText) -> frozenset[str]:
    """The clause numbers the text cites (as the phrase file's citation writes them)."""
    return _cited(reply.latin, reply.language)


@lru_cache(maxsize=256)
def _cited(latin: str, language: str) -> frozenset[str]:
    return frozenset(m.group(1) for m in _citation(language).finditer(latin))


@cache
def _citation(language: str) -> re.Pattern[str]:
    """A citation in the language's form ("clause 6.2", "tačka 6.2"), read in Latin."""
    template = str(phrasebook(language)["clause_citation"])
    before = template.split("{number}")[0].strip()
    regex = re.escape(to_latin(before) if split_tag(language)[0] == "sr" else before)
    return re.compile(regex + r"\s*" + _CLAUSE_NUMBER.pattern, re.IGNORECASE)


def cites(reply: ReplyText, key: ClauseKey) -> bool:
    """Whether the text cites the contract clause ``key`` by its number."""
    return clause_heading(key)[0] in cited_numbers(reply)


def has_money(reply: ReplyText) -> bool:
    """Whether the text states an amount in the contract's currency."""
    return bool(_amount(reply.currency, reply.locale).search(reply.text))


@cache
def _amount(currency: str, locale: str) -> re.Pattern[str]:
    """An amount with the currency's symbol or code, either side, as Babel writes it."""
    symbol = get_currency_symbol(currency, locale=locale)
    signs = sorted({re.escape(symbol), re.escape(currency)})
    amount = r"\d[\d\s.,\u00a0\u202f]*"
    sign = "(?:" + "|".join(signs) + ")"
    return re.compile(rf"{sign}\s?{amount}|{amount}\s?{sign}")


def _has_options(reply: ReplyText) -> bool:
    return any(line.startswith("- ") for line in reply.text.splitlines())


def _asks(reply: ReplyText) -> bool:
    return "?" in reply.text or "\u037e" in reply.text or ";" in _greek_sentences(reply)


def _greek_sentences(reply: ReplyText) -> str:
    """Greek asks with ';' (or U+037E): only Greek replies are read for it."""
    return reply.text if split_tag(reply.language)[0] == "el" else ""


def _rounds_clause(reply: ReplyText) -> bool:
    section = clause_heading(ClauseKey.REVISIONS)[0]
    return any(n == section or n.startswith(section + ".") for n in cited_numbers(reply))


def _names_the_work(reply: ReplyText) -> bool:
    """The work is named by its title (in either Serbian script)."""
    title = to_latin(reply.deliverable).lower()
    return title in reply.latin.lower()


_Check = Callable[[ReplyText], bool]
# One checker per technique (TECHNIQUES.md); a technique absent here needs a language marker.
_CHECKS: dict[str, _Check] = {
    "T01": _asks,
    "T03": lambda r: has_money(r) or bool(cited_numbers(r)),
    "T04": lambda r: bool(cited_numbers(r)) and "bare-no" not in r.lint_rules(),
    "T05": lambda r: "missing-name" not in r.lint_rules(),
    "T06": lambda r: _has_options(r) or _technique_marker(r, "T06"),
    "T07": lambda r: marker(r, "acknowledge"),
    "T08": lambda r: bool(cited_numbers(r)) and "hiding-behind-others" not in r.lint_rules(),
    "T11": lambda r: bool(cited_numbers(r)),
    "T12": _rounds_clause,
    "T14": lambda r: "missing-thanks" not in r.lint_rules(),
    "T15": lambda r: marker(r, "acknowledge"),
    "T19": lambda r: _names_the_work(r) and "belittling" not in r.lint_rules(),
    "T20": lambda r: marker(r, "acknowledge"),
    "T22": has_money,
    "T25": lambda r: marker(r, "acknowledge"),
}


def technique_evident(reply: ReplyText, tid: str) -> bool:
    """Whether the text shows technique ``tid`` (its checker, else its language marker)."""
    check = _CHECKS.get(tid)
    return check(reply) if check is not None else _technique_marker(reply, tid)
