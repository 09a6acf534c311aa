"""Rules and model together: the assessment of a message, with calibrated confidences.

``assess(message, analysis)`` reads what the rules found (``analyse_request``: change
items, scope, stage, language; ``intent``: intent phrases) beside the statistical
reader's probabilities (``statistical``), and decides:

- **intent**: an intent rule that fired wins (a concrete change item counts as a
  revision request); otherwise the model's likeliest intent.
- **scope**: ``none`` for an intent that asks no change; otherwise the rules' scope when
  they found a concrete item, else the model's likeliest scope (``none`` included).
- **stage**: the stage combiner's verdict (``engine.understand.stage_model``: the rules'
  stage cues, the anger signals and the model's n-gram stage score in one logistic
  regression); the rules' stage alone without the model.

Each decision carries a confidence: the model's calibrated probability of the chosen
class, or, for a rule, that rule's precision on the training split (``rules`` in the
model file, Laplace-smoothed), whichever is higher when both agree. The assessment
``needs_review`` when a confidence is below ``REVIEW_BELOW`` or the language is not one
Roundwise answers in: the decision is then shown to the freelancer as a draft to check,
and nothing automatic treats it as final. Both thresholds were chosen on the ``dev``
split (``bench/understanding.py``), never on ``test``.
"""

from __future__ import annotations

from dataclasses import dataclass

from roundwise.engine.understand.intent import NO_CHANGE, Intent, rule_intent
from roundwise.engine.understand.model import LANGUAGES, Cue, RequestAnalysis
from roundwise.engine.understand.stage_model import combine_stage
from roundwise.engine.understand.statistical import HeadReading, read_statistically, reader_model

# Chosen on dev: at most a fifth of dev messages go to review (docs/understanding.md).
REVIEW_BELOW = 0.2
CHANGE_SCOPES = ("in_scope", "out_of_scope", "free_fix", "vague", "mixed")


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the message is for, what it asks, how it is said, and how sure we are.

    ``*_by`` says which reader decided (``rules`` or ``model``); ``evidence`` lists the
    model's weightiest features per head; ``review_reasons`` says why a person should
    check it (empty when ``needs_review`` is false).
    """

    intent: str
    intent_confidence: float
    intent_by: str
    scope: str
    scope_confidence: float
    scope_by: str
    stage: str
    stage_confidence: float
    needs_review: bool
    review_reasons: tuple[str, ...]
    intent_cues: tuple[Cue, ...]
    evidence: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    # The stage combiner's anger signals and what each feature weighed towards an explosion.
    stage_cues: tuple[Cue, ...] = ()
    stage_weights: tuple[tuple[str, float], ...] = ()

    def explain(self) -> tuple[str, ...]:
        """One line per finding: the decisions, the rules that fired, the weightiest n-grams."""
        lines = [
            f"intent {self.intent} ({self.intent_by}, confidence {self.intent_confidence:.2f})",
            f"scope {self.scope} ({self.scope_by}, confidence {self.scope_confidence:.2f})",
            f"stage {self.stage} (confidence {self.stage_confidence:.2f})",
        ]
        lines += [f"  {c.rule}: {c.text!r} ({c.explanation})" for c in self.intent_cues]
        lines += [f"  {c.rule}: {c.text!r} ({c.explanation})" for c in self.stage_cues]
        if self.stage_weights:
            shown = ", ".join(f"{name} {weight:+.2f}" for name, weight in self.stage_weights[:5])
            lines.append(f"  stage signals: {shown}")
        for head, features in self.evidence:
            shown = ", ".join(f"{name!r} {weight:+.3f}" for name, weight in features)
            lines.append(f"  model {head}: {shown}")
        if self.needs_review:
            lines.append("needs review: " + "; ".join(self.review_reasons))
        return tuple(lines)


def _rule_precision(key: str) -> float:
    return reader_model().rules.get(key, 0.5)


def _prob(reading: HeadReading, label: str) -> float:
    return dict(reading.probabilities).get(label, 0.0)


def _intent(
    message: str, analysis: RequestAnalysis, model: HeadReading, use_model: bool
) -> tuple[Intent | str, float, str, tuple[Cue, ...]]:
    concrete = any(item.scope != "vague" for item in analysis.items)
    ruling = rule_intent(message, concrete)
    if ruling.intent is not None:
        by_rule = _rule_precision(f"intent.{ruling.intent}")
        return ruling.intent, max(by_rule, _prob(model, ruling.intent)), "rules", ruling.cues
    if not use_model:
        return "revision_request", _rule_precision("intent.default"), "rules", ruling.cues
    return model.label, model.probability, "model", ruling.cues


def _scope(
    intent: str, analysis: RequestAnalysis, model: HeadReading, use_model: bool
) -> tuple[str, float, str]:
    if intent in NO_CHANGE:
        p_none = _prob(model, "none")
        return "none", max(p_none, _rule_precision("scope.none")) if use_model else 1.0, "rules"
    concrete = any(item.scope != "vague" for item in analysis.items)
    if concrete or not use_model:
        by_rule = _rule_precision("scope.concrete" if concrete else "scope.vague")
        return analysis.scope, max(by_rule, _prob(model, analysis.scope)), "rules"
    # Nothing concrete found: the model's scope, ``none`` included (on dev this beat
    # keeping the rules' ``vague`` or restricting the model to the change scopes).
    return model.label, model.probability, "model"


def assess(message: str, analysis: RequestAnalysis, use_model: bool = True) -> Assessment:
    """The assessment of ``message`` given the rules' ``analysis`` of it.

    ``use_model=False`` gives the rules alone (the baseline the benchmark compares with):
    no intent phrase means a revision request, the scope is the rules'.
    """
    readings = read_statistically(message)
    intent, intent_conf, intent_by, cues = _intent(message, analysis, readings["intent"], use_model)
    scope, scope_conf, scope_by = _scope(intent, analysis, readings["scope"], use_model)
    verdict = combine_stage(message, analysis, readings["stage"]) if use_model else None
    stage = analysis.stage if verdict is None else ("explosion" if verdict.explosion else "calm")
    p_explosion = 1.0 if verdict is None else verdict.probability
    stage_conf = max(p_explosion, 1 - p_explosion)
    reasons = []
    if analysis.language not in LANGUAGES:
        reasons.append(f"language {analysis.language} is not one Roundwise answers in")
    elif analysis.language_method == "all_languages" and analysis.language_candidates:
        other, conf = analysis.language_candidates[0]
        reasons.append(f"language unsure: {analysis.language}, or {other} ({conf:.2f})")
    if intent_conf < REVIEW_BELOW:
        reasons.append(f"intent confidence {intent_conf:.2f} < {REVIEW_BELOW}")
    if scope_conf < REVIEW_BELOW:
        reasons.append(f"scope confidence {scope_conf:.2f} < {REVIEW_BELOW}")
    evidence = tuple((name, r.evidence) for name, r in readings.items()) if use_model else ()
    return Assessment(
        intent=intent,
        intent_confidence=round(intent_conf, 4),
        intent_by=intent_by,
        scope=scope,
        scope_confidence=round(scope_conf, 4),
        scope_by=scope_by,
        stage=stage,
        stage_confidence=round(stage_conf, 4),
        needs_review=bool(reasons),
        review_reasons=tuple(reasons),
        intent_cues=cues,
        evidence=evidence,
        stage_cues=() if verdict is None else verdict.cues,
        stage_weights=() if verdict is None else verdict.weights,
    )
