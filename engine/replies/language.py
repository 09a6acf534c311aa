"""Which language a reply is written in, and the reply as its JSON wire shape.

Rule: a language asked for explicitly (``override``) if Roundwise has phrase blocks for
it; else the language the client wrote in, when it has phrase blocks; else the
contract's client language, else the contract's language, else English. The client is
answered in a language the freelancer's contract uses, never in one we cannot phrase
politely.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from roundwise.engine.decide import Decision
from roundwise.engine.ledger import ContractState
from roundwise.engine.replies.adapt import reply_facts_of
from roundwise.engine.replies.compose import compose_facts
from roundwise.engine.replies.phrasebook import reply_languages
from roundwise.engine.terms import ContractTerms


def reply_language(decision: Decision, terms: ContractTerms, override: str | None = None) -> str:
    """The language to reply in (see the module docstring)."""
    supported = reply_languages()
    for candidate in (override, decision.language, terms.client.language, terms.language):
        if candidate and candidate in supported:
            return candidate
    return "en"


def reply_document(
    decision: Decision,
    terms: ContractTerms,
    state: ContractState,
    override: str | None = None,
) -> dict[str, Any]:
    """The reply to ``decision`` in ``reply_language``, as its JSON wire shape."""
    language = reply_language(decision, terms, override)
    facts = reply_facts_of(decision, terms, None, state)
    reply = compose_facts(facts, terms, language, None)
    return dict(replace(reply, needs_review=decision.needs_review).as_dict())
