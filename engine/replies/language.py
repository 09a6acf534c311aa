"""Which language a reply is written in, which rule chose it, and the reply as JSON.

Rule: a language asked for explicitly (``override``) if Roundwise has phrase blocks for
it; else the language the client wrote in, when it has phrase blocks; else the
contract's client language, else the contract's language, else English. The client is
answered in a language the freelancer's contract uses, never in one we cannot phrase
politely. The rule that chose is recorded on the reply (``Reply.language_rule``), so a
freelancer who wonders why a Polish client got an English reply can see it was the
contract's language that decided, not the message's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

from roundwise.engine.decide import Decision
from roundwise.engine.ledger import ContractState
from roundwise.engine.replies.adapt import reply_facts_of
from roundwise.engine.replies.compose import compose_facts
from roundwise.engine.replies.phrasebook import reply_languages
from roundwise.engine.terms import ContractTerms

# Why a reply is in its language, in the order the rules are tried.
LanguageRule = Literal["override", "client_message", "client_spec", "contract", "default"]
LANGUAGE_RULES: tuple[LanguageRule, ...] = get_args(LanguageRule)


@dataclass(frozen=True, slots=True)
class LanguageChoice:
    """The reply's language and the rule that chose it (``LANGUAGE_RULES``)."""

    language: str
    rule: LanguageRule


def choose_language(
    decision: Decision, terms: ContractTerms, override: str | None = None
) -> LanguageChoice:
    """The language to reply in and why (see the module docstring)."""
    supported = reply_languages()
    candidates: tuple[tuple[str | None, LanguageRule], ...] = (
        (override, "override"),
        (decision.language, "client_message"),
        (terms.client.language, "client_spec"),
        (terms.language, "contract"),
    )
    for candidate, rule in candidates:
        if candidate and candidate in supported:
            return LanguageChoice(candidate, rule)
    return LanguageChoice("en", "default")


def reply_language(decision: Decision, terms: ContractTerms, override: str | None = None) -> str:
    """The language to reply in (``choose_language`` without the rule)."""
    return choose_language(decision, terms, override).language


def reply_document(
    decision: Decision,
    terms: ContractTerms,
    state: ContractState,
    override: str | None = None,
) -> dict[str, Any]:
    """The reply to ``decision`` in the chosen language, as its JSON wire shape."""
    choice = choose_language(decision, terms, override)
    facts = reply_facts_of(decision, terms, None, state)
    reply = compose_facts(facts, terms, choice.language, None)
    chosen = replace(reply, needs_review=decision.needs_review, language_rule=choice.rule)
    return dict(chosen.as_dict())
