"""Replies to clients: polite, honest, expert-backed, composed from reviewed phrase blocks.

``compose_reply(decision, contract, analysis, language="en", settings=None)`` drafts the
reply for a decision: the client's name and thanks, listening first when the message is
angry, the position with the contract clause, concrete options with prices, and the
freelancer's sign-off. The techniques each reply applies (with their seed sources) come
back beside the text for the freelancer. Phrase blocks live in ``phrases/<language>.yaml``
and the technique catalogue in ``techniques.yaml``. ``reply_language`` chooses the language
of a reply (an explicit choice, else the client's, else the contract's); ``reply_document``
composes the reply to a decision in it, as JSON.
"""

from __future__ import annotations

from dataclasses import replace

from roundwise.engine.decide import Decision
from roundwise.engine.errors import UnsupportedReplyLanguageError
from roundwise.engine.ledger import ContractState
from roundwise.engine.replies.adapt import reply_facts_of
from roundwise.engine.replies.catalogue import (
    STAGES,
    VERDICTS,
    Source,
    Technique,
    technique,
    techniques,
)
from roundwise.engine.replies.compose import Reply, TechniqueUse, compose_facts
from roundwise.engine.replies.inputs import (
    TONES,
    CitedClause,
    GroupFacts,
    ReplyFacts,
    ReplySettings,
    Tone,
)
from roundwise.engine.replies.language import (
    LANGUAGE_RULES,
    LanguageChoice,
    LanguageRule,
    choose_language,
    reply_document,
    reply_language,
)
from roundwise.engine.replies.notices import Notice, deemed_approval_notice
from roundwise.engine.replies.phrasebook import reply_languages
from roundwise.engine.terms import ContractTerms
from roundwise.engine.understand import RequestAnalysis


def compose_reply(
    decision: Decision,
    contract: ContractTerms,
    analysis: RequestAnalysis | None = None,
    language: str = "en",
    settings: ReplySettings | None = None,
    *,
    state: ContractState | None = None,
) -> Reply:
    """The reply to send for ``decision`` (deterministic: same inputs, same text).

    ``analysis`` supplies the client's stage (else the decision's); ``state``, when
    given, lets an after-approval reply name the approval date.
    """
    facts = reply_facts_of(decision, contract, analysis, state)
    reply = compose_facts(facts, contract, language, settings)
    return replace(reply, needs_review=decision.needs_review)


__all__ = [
    "LANGUAGE_RULES",
    "STAGES",
    "TONES",
    "VERDICTS",
    "CitedClause",
    "GroupFacts",
    "LanguageChoice",
    "LanguageRule",
    "Notice",
    "Reply",
    "ReplyFacts",
    "ReplySettings",
    "Source",
    "Technique",
    "TechniqueUse",
    "Tone",
    "UnsupportedReplyLanguageError",
    "choose_language",
    "compose_facts",
    "compose_reply",
    "deemed_approval_notice",
    "reply_document",
    "reply_facts_of",
    "reply_language",
    "reply_languages",
    "technique",
    "techniques",
]
