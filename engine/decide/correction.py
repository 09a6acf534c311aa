"""Judging a request again on the freelancer's corrected reading (issue 16.6).

A correction (`AssessmentCorrected`) says what the message is for, the scope of each
change item and the client's stage. ``rejudge`` runs the same rules on that reading —
the items and their scopes the freelancer gave, their intent and stage — against the
ledger as it stands after the correction (which gave the old decision's round back), so
the new decision is what the engine would have said had it read the message right. The
new decision is confident (the freelancer has reviewed it): ``needs_review`` is false.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from roundwise.engine.decide.decision import Decision
from roundwise.engine.decide.evaluate import evaluate, understand
from roundwise.engine.decide.events import request_of
from roundwise.engine.ledger import AssessmentCorrected, ContractState, RevisionRequested
from roundwise.engine.terms import ContractTerms
from roundwise.engine.understand import ChangeItem, Cue, RequestAnalysis, overall_scope
from roundwise.engine.understand.intent import NO_CHANGE
from roundwise.engine.understand.reader import Assessment

_CUE = Cue(
    rule="correction.freelancer",
    text="",
    start=0,
    end=0,
    explanation="the freelancer corrected how this message was read",
)


def corrected_scope(correction: AssessmentCorrected) -> str:
    """The message's scope as corrected: ``none`` for an intent asking no change, else
    the items' scope (``vague`` when there are none)."""
    if correction.intent in NO_CHANGE:
        return "none"
    items = tuple(ChangeItem(text=i.text, scope=i.scope, reasons=(_CUE,)) for i in correction.items)
    return overall_scope(items) if items else "vague"


def corrected_analysis(
    analysis: RequestAnalysis, correction: AssessmentCorrected
) -> RequestAnalysis:
    """``analysis`` with the freelancer's reading in place of the engine's."""
    items = tuple(ChangeItem(text=i.text, scope=i.scope, reasons=(_CUE,)) for i in correction.items)
    before = analysis.assessment
    assessment = Assessment(
        intent=correction.intent,
        intent_confidence=1.0,
        intent_by="freelancer",
        scope=corrected_scope(correction),
        scope_confidence=1.0,
        scope_by="freelancer",
        stage=correction.stage,
        stage_confidence=1.0,
        needs_review=False,
        review_reasons=(),
        intent_cues=(_CUE,),
        evidence=before.evidence if before is not None else (),
    )
    scope = overall_scope(items) if items else analysis.scope
    return replace(
        analysis, items=items, scope=scope, stage=correction.stage, assessment=assessment
    )


def rejudge(
    contract: ContractTerms,
    state: ContractState,
    requested: RevisionRequested,
    correction: AssessmentCorrected,
    now: datetime,
) -> Decision:
    """The decision on the recorded request, read as ``correction`` says, at ``now``.

    ``state`` is the ledger folded through the correction (the superseded decision's
    round given back).
    """
    request = request_of(requested)
    analysis = corrected_analysis(understand(contract, request), correction)
    return evaluate(contract, state, request, now, analysis=analysis)
