"""What the rules found, as features of the statistical reader (stacking) — an experiment.

Measured in ``bench/reader_eval.py`` and not shipped: with these features the model lost
intent accuracy on train cross-validation (see ``docs/understanding.md``, "Tuning the
reader's combination"). Kept so the experiment can be re-run.

The intent phrases that fired, the intent the rules would decide, the change items the
cue rules found and their scopes, whether the message asks something: a short dense
vector per message, concatenated to the TF-IDF features (``engine.understand.features``).
The model would then weigh the rules against the words instead of a fixed precedence
deciding between them.

A dense block is concatenated after the TF-IDF vocabulary the way
``engine.understand.statistical.message_vector`` scores it (``dense`` and
``dense_scale`` in the model file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roundwise.engine.understand.intent import INTENTS, rule_intent
from roundwise.engine.understand.model import RequestAnalysis

ITEM_SCOPES = ("in_scope", "out_of_scope", "free_fix", "vague")
_INTENT_RULES = (
    "lawyer",
    "refund",
    "cancel",
    "start_over",
    "deadline",
    "approved",
    "thanks",
)
_ASKS = re.compile(
    r"\?|(?<![\w])(please|pls|can you|could you|would you|can we|could we|i need|we need"
    r"|i want|we want|пожалуйста|сделайте|нужно|prosz\w*)(?![\w])",
    re.IGNORECASE,
)

# The dense features, in order (the model's rows after the TF-IDF vocabulary).
RULE_FEATURES: tuple[str, ...] = (
    *(f"r:cue.{rule}" for rule in _INTENT_RULES),
    *(f"r:ruling.{intent}" for intent in INTENTS),
    "r:ruling.none",
    *(f"r:item.{scope}" for scope in ITEM_SCOPES),
    "r:items.none",
    "r:items.several",
    "r:concrete",
    "r:asks",
    "r:stage_cue",
    "r:short",
)
_INDEX = {name: i for i, name in enumerate(RULE_FEATURES)}
SHORT_WORDS = 6


@dataclass(frozen=True, slots=True)
class DenseBlock:
    """A message's dense features: values in the order of ``RULE_FEATURES``."""

    values: tuple[float, ...]


def rule_block(message: str, analysis: RequestAnalysis) -> DenseBlock:
    """The rules' findings on ``message`` as 0/1 features (``RULE_FEATURES``)."""
    values = [0.0] * len(RULE_FEATURES)
    concrete = any(item.scope != "vague" for item in analysis.items)
    ruling = rule_intent(message, concrete)
    for cue in ruling.cues:
        values[_INDEX[f"r:cue.{cue.rule.removeprefix('intent.')}"]] = 1.0
    values[_INDEX[f"r:ruling.{ruling.intent or 'none'}"]] = 1.0
    for item in analysis.items:
        values[_INDEX[f"r:item.{item.scope}"]] = 1.0
    values[_INDEX["r:items.none"]] = float(not analysis.items)
    values[_INDEX["r:items.several"]] = float(len(analysis.items) > 1)
    values[_INDEX["r:concrete"]] = float(concrete)
    values[_INDEX["r:asks"]] = float(_ASKS.search(message) is not None)
    values[_INDEX["r:stage_cue"]] = float(analysis.stage_score > 0)
    values[_INDEX["r:short"]] = float(len(message.split()) <= SHORT_WORDS)
    return DenseBlock(tuple(values))
