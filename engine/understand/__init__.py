"""Understanding a client's revision request, explainably.

``analyse_request(message, context)`` splits the message into change items and
classifies each as ``in_scope``, ``out_of_scope`` (new work, or work the contract
excludes), ``free_fix`` (the freelancer's own error) or ``vague`` (no actionable change);
reads the client's emotional stage (``calm`` or ``explosion``) and the message language.
It is rule-based: every verdict lists the cues (rule id, the client's words, a plain
explanation) that produced it. Cue lists are per-language YAML data in ``cues/``
(English, Slovenian, Polish, Serbian Latin, Greek, Georgian).
"""

from roundwise.engine.understand.analyse import analyse_request, overall_scope
from roundwise.engine.understand.model import (
    ITEM_SCOPES,
    LANGUAGES,
    SCOPES,
    STAGES,
    ChangeItem,
    Cue,
    DeliverableInfo,
    ItemScope,
    LanguageMethod,
    RequestAnalysis,
    RequestContext,
    Scope,
    Stage,
)

__all__ = [
    "ITEM_SCOPES",
    "LANGUAGES",
    "SCOPES",
    "STAGES",
    "ChangeItem",
    "Cue",
    "DeliverableInfo",
    "ItemScope",
    "LanguageMethod",
    "RequestAnalysis",
    "RequestContext",
    "Scope",
    "Stage",
    "analyse_request",
    "overall_scope",
]
