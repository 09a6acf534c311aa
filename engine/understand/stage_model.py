"""The stage combiner: is the client exploding? The rules, the anger signals and the n-grams.

One logistic regression (``models/stage.json``, built by ``make train`` with
``bench/train_stage.py``) over three kinds of evidence about a message:

- the dense anger signals of ``engine.understand.anger`` (capitals, marks, profanity,
  blame, sarcasm, ...);
- the cue rules' stage cues by kind (``rules.<kind>``: their summed weights, at most 2),
  so a refund asked politely can weigh less than an insult;
- ``ngram``: the raw score of the statistical reader's stage head (word and letter-run
  features, ``engine.understand.statistical``).

Quoted passages are blanked out before any of them is measured (``anger.mask_quoted``),
and the rules' cues inside quotes are dropped by the rules themselves. The message is an
explosion when the probability reaches the model's ``threshold``, chosen on the
cross-validated ``train`` split so that recall is as high as it can be with precision at
least 0.8 there. Two checks stand beside it, each measured on ``train`` and ``dev``
before being adopted: warm words with no angry word or rule cue are never an explosion
("Thank you so much!! Lovely text.": 67 such messages in train, dev and the written
batches, none an explosion), and the rules alone decide when two or more of their cues
agree (a stage score of 3 or more) or they found a run of words in capitals. The
verdict keeps the signals that pushed towards an explosion, so the explanation can quote
them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from roundwise.engine.understand.anger import SIGNALS, anger_signals, mask_quoted
from roundwise.engine.understand.cuebook import cuebook
from roundwise.engine.understand.model import Cue, RequestAnalysis
from roundwise.engine.understand.statistical import HeadReading, read_statistically, reader_model

RULE_KINDS = ("caps", "caps_word", "punctuation", "threat", "insult", "outrage", "upset")
FEATURES = (*SIGNALS, *(f"rules.{kind}" for kind in RULE_KINDS), "ngram")
RULE_CAP = 2.0
# The rules decide alone when two or more of their cues agree (score 3 or more: on train
# and dev, 2 of 2 such messages were explosions; none of the written batches' calm ones),
# or when they found a run of shouted words (not warm: 9 of 9 explosions in train, dev
# and the written batches once letters touching digits, "C02NK2DQWUX", stopped counting).
RULES_ALONE_AT = 3
# Any of these means the message is not just warm (see ``warm_only``).
ANGRY_WORDS = (
    "insult",
    "profanity",
    "outrage",
    "blame",
    "sarcasm",
    "menace",
    "rules.threat",
    "rules.insult",
    "rules.outrage",
    "rules.upset",
)


@dataclass(frozen=True, slots=True)
class StageModel:
    """The exported combiner: one weight per feature of ``FEATURES``, and the threshold."""

    coef: tuple[float, ...]
    intercept: float
    threshold: float


@dataclass(frozen=True, slots=True)
class StageVerdict:
    """The combiner's reading: explosion or not, its probability, and the anger signals
    that fired (cues, with what each one weighed towards an explosion)."""

    explosion: bool
    probability: float
    cues: tuple[Cue, ...]
    weights: tuple[tuple[str, float], ...]


def parse_stage_model(data: dict[str, Any]) -> StageModel:
    """A ``StageModel`` from the JSON of ``models/stage.json`` (features in its order)."""
    if tuple(data["features"]) != FEATURES:
        raise ValueError("models/stage.json was built for other features: run make train")
    return StageModel(
        tuple(float(v) for v in data["coef"]), float(data["intercept"]), float(data["threshold"])
    )


@lru_cache(maxsize=1)
def stage_model() -> StageModel:
    """The packaged combiner, read once per process."""
    text = (
        resources.files("roundwise.engine.understand.models")
        .joinpath("stage.json")
        .read_text("utf-8")
    )
    return parse_stage_model(json.loads(text))


def rule_values(rule_cues: Iterable[Cue], weights: Mapping[str, int]) -> list[float]:
    """The rules' stage cues summed by kind (``stage.<kind>``), each capped at ``RULE_CAP``."""
    sums = dict.fromkeys(RULE_KINDS, 0.0)
    for cue in rule_cues:
        kind = cue.rule.split(".", 1)[1]
        if kind in sums:
            sums[kind] += weights.get(kind, 1)
    return [min(RULE_CAP, sums[kind]) for kind in RULE_KINDS]


def ngram_score(p_explosion: float, temperature: float) -> float:
    """The stage head's raw score back from its calibrated probability."""
    p = min(max(p_explosion, 1e-9), 1 - 1e-9)
    return temperature * math.log(p / (1 - p))


def stage_values(
    text: str,
    rule_cues: Iterable[Cue],
    weights: Mapping[str, int],
    ngram: float,
    acronyms: frozenset[str],
) -> tuple[list[float], tuple[Cue, ...]]:
    """Every feature of ``FEATURES`` for one message, and the anger cues behind them."""
    signals = anger_signals(text, acronyms)
    return [*signals.values, *rule_values(rule_cues, weights), ngram], signals.cues


def warm_only(values: Sequence[float]) -> bool:
    """Warm words and no angry word or rule cue: enthusiasm ("Thank you!! LOVE IT!")."""
    named = dict(zip(FEATURES, values, strict=True))
    return named["warmth"] > 0 and not any(named[k] for k in ANGRY_WORDS)


def effective_probability(p: float, values: Sequence[float], rules_score: int) -> float:
    """The probability the decision uses: 0 for a warm-only message, 1 when the rules'
    cues agree (``RULES_ALONE_AT``) or they found a run of shouted words, the combiner's
    otherwise."""
    if warm_only(values):
        return 0.0
    shouted = dict(zip(FEATURES, values, strict=True))["rules.caps"] > 0
    return 1.0 if rules_score >= RULES_ALONE_AT or shouted else p


def judge_stage(
    values: list[float], cues: tuple[Cue, ...], model: StageModel, rules_score: int = 0
) -> StageVerdict:
    """The verdict on one message's feature values (``rules_score``: the rules' stage score)."""
    parts = [w * v for w, v in zip(model.coef, values, strict=True)]
    z = model.intercept + sum(parts)
    p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    p = effective_probability(p, values, rules_score)
    pushed = sorted(
        ((name, round(part, 3)) for name, part in zip(FEATURES, parts, strict=True) if part > 0),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return StageVerdict(p >= model.threshold, p, cues, tuple(pushed))


def combine_stage(message: str, analysis: RequestAnalysis, ngram: HeadReading) -> StageVerdict:
    """The combiner's verdict on ``message``, given the rules' ``analysis`` of it and the
    reader's stage head on it (read again on the text without quotes when it quotes)."""
    masked = mask_quoted(message)
    if masked != message:
        ngram = read_statistically(masked)["stage"]
    book = cuebook()
    temperature = reader_model().heads["stage"].temperature
    p = dict(ngram.probabilities).get("explosion", 0.0)
    values, cues = stage_values(
        message, analysis.stage_cues, book.stage_weights, ngram_score(p, temperature), book.acronyms
    )
    return judge_stage(values, cues, stage_model(), analysis.stage_score)
