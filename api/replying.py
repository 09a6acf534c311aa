"""The reply step of a judgement: which language to answer in, and the composed reply.

Language: the language the client wrote in when Roundwise has phrase blocks for it,
else the contract's language, else English — the client is answered in a language the
freelancer's contract uses, never in one we cannot phrase politely.
"""

from __future__ import annotations

from typing import Any

from engine.decide import Decision
from engine.ledger import ContractState
from engine.replies import compose_reply, reply_languages
from engine.terms import ContractTerms


def reply_language(decision: Decision, terms: ContractTerms) -> str:
    """The language to reply in (see the module docstring)."""
    supported = reply_languages()
    for candidate in (decision.language, terms.client.language, terms.language):
        if candidate and candidate in supported:
            return candidate
    return "en"


def compose(decision: Decision, terms: ContractTerms, state: ContractState) -> dict[str, Any]:
    """The reply to the decision, as its JSON wire shape."""
    language = reply_language(decision, terms)
    return dict(compose_reply(decision, terms, None, language, state=state).as_dict())


__all__ = ["compose", "reply_language"]
