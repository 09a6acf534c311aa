"""`evaluate(contract, state, request, now) -> Decision`: judge one request, explain it.

Rule: gather the facts once (policy, the deliverable's state settled to ``now``, the
analysed items, the measured change), run every rule, give each item the verdict of the
first fired rule that covers it (after_approval, too_large, extra_round, included,
out_of_scope, free_fix, vague — in that order), derive the overall verdict by the
documented precedence (`engine.decide.decision`), price the billable parts and write
the explanation from the rules' own sentences. Nothing here reads a clock or a file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from roundwise.engine import ENGINE_VERSION
from roundwise.engine.decide.context import request_context
from roundwise.engine.decide.decision import Decision, ItemDecision, overall_verdict
from roundwise.engine.decide.explain import explanation, quote_parts
from roundwise.engine.decide.intent_route import intent_route
from roundwise.engine.decide.request import RevisionRequest
from roundwise.engine.errors import RequestError
from roundwise.engine.ledger import ContractState, DeliverableState, settle, settles_something
from roundwise.engine.rules import Change, Facts, RuleResult, check_unknown_deliverable, run_rules
from roundwise.engine.rules.pricing import quote_of
from roundwise.engine.terms import ContractTerms, Deliverable, terms_sha256
from roundwise.engine.understand import (
    ChangeItem,
    Cue,
    RequestAnalysis,
    analyse_request,
    overall_scope,
)
from roundwise.engine.understand.reader import Assessment

_ITEM_ORDER = (
    "after_approval",
    "too_large",
    "extra_round",
    "included",
    "out_of_scope",
    "free_fix",
    "vague",
)


def evaluate(
    contract: ContractTerms,
    state: ContractState,
    request: RevisionRequest,
    now: datetime,
    analysis: RequestAnalysis | None = None,
) -> Decision:
    """The decision on ``request`` given the contract's ``state``, judged at ``now``.

    ``analysis`` may be passed when the caller already ran `understand` on this request
    (the replies need it too); otherwise it is computed here.
    """
    deliverable = check_unknown_deliverable(contract, request.deliverable)
    state = _settled(contract, state, now)
    received = request.received(now)
    if received > now:
        raise RequestError("the request's received_at is later than the evaluation time")
    if analysis is None:
        analysis = _understand(contract, deliverable, request)
    facts = gather(contract, state, deliverable, request, analysis, received)
    return decide(facts, analysis, request.key(now), now)


def understand(contract: ContractTerms, request: RevisionRequest) -> RequestAnalysis:
    """Request understanding with the contract's context (explicit items if given)."""
    deliverable = check_unknown_deliverable(contract, request.deliverable)
    return _understand(contract, deliverable, request)


def _understand(
    contract: ContractTerms, deliverable: Deliverable, request: RevisionRequest
) -> RequestAnalysis:
    """`understand` for a deliverable already looked up (`evaluate` has checked it)."""
    context = request_context(contract, deliverable)
    return analyse_request(request.message, context, items=list(request.items) or None)


def gather(
    contract: ContractTerms,
    state: ContractState,
    deliverable: Deliverable,
    request: RevisionRequest,
    analysis: RequestAnalysis,
    received: datetime,
) -> Facts:
    """The facts the rules read for this request."""
    item_state = state.deliverable(deliverable.id)
    change = _measured(item_state, request)
    return Facts(
        terms=contract,
        deliverable=deliverable,
        policy=contract.policy_for(deliverable.id),
        state=item_state,
        completed_at=state.completed_at,
        received_at=received,
        items=_with_revision(analysis.items, change),
        change=change,
        revised_text_given=request.revised_text is not None,
    )


def _with_revision(items: tuple[ChangeItem, ...], change: Change | None) -> tuple[ChangeItem, ...]:
    """A supplied revised text is itself a concrete change.

    When the message names nothing concrete (only vague items, or none) but the client
    supplied a revised text that differs from the current version, that text is the
    change they ask for: it replaces the vague items as one in-scope item, so the round
    and size rules judge it instead of asking a question the text already answers.
    """
    if change is None or change.changed_words == 0 or any(i.scope != "vague" for i in items):
        return items
    text = f"the supplied revised text ({change.changed_words} of {change.words_old} words changed)"
    cue = Cue(
        rule="revision.supplied_text",
        text=text,
        start=0,
        end=0,
        explanation="a revised text was supplied; it differs from the current version",
    )
    return (ChangeItem(text=text, scope="in_scope", reasons=(cue,)),)


def decide(facts: Facts, analysis: RequestAnalysis, request_id: str, now: datetime) -> Decision:
    """Turn the rules' results into the decision value."""
    results = run_rules(facts)
    items = tuple(_item(i, item, results) for i, item in enumerate(facts.items))
    verdict, verdicts = overall_verdict(tuple(item.verdict for item in items))
    consumes = "included" in verdicts
    quote = quote_of(facts, quote_parts(facts, items))
    state = facts.state
    assessment = analysis.assessment
    # A decision that needs review uses no round until the freelancer confirms it.
    takes = consumes and not (assessment is not None and assessment.needs_review)
    return Decision(
        request_id=request_id,
        deliverable=facts.deliverable.id,
        received_at=facts.received_at,
        decided_at=now,
        verdict=verdict,
        verdicts=verdicts,
        scope=overall_scope(facts.items) if facts.items else analysis.scope,
        stage=analysis.stage,
        language=analysis.language,
        items=items,
        rules=results,
        consumes_round=consumes,
        rounds_included=state.rounds_included,
        rounds_used=state.rounds_used,
        rounds_left=state.rounds_left - int(takes),
        changed_share=facts.change.share if facts.change else None,
        changed_words=facts.change.changed_words if facts.change else None,
        quote=quote,
        explanation=explanation(facts, verdicts, items, results, quote),
        terms_sha256=terms_sha256(facts.terms),
        engine_version=ENGINE_VERSION,
        **_assessed(assessment, facts),
    )


def _assessed(assessment: Assessment | None, facts: Facts) -> dict[str, Any]:
    """The decision's intent, review and route fields from the reader's assessment."""
    if assessment is None:
        return {}
    route = intent_route(
        assessment.intent, facts.terms, facts.deliverable.id, assessment.needs_review
    )
    return {
        "route": route,
        "intent": assessment.intent,
        "assessed_scope": assessment.scope,
        "intent_confidence": assessment.intent_confidence,
        "scope_confidence": assessment.scope_confidence,
        "needs_review": assessment.needs_review,
        "review_reasons": assessment.review_reasons,
    }


def _settled(contract: ContractTerms, state: ContractState, now: datetime) -> ContractState:
    if now.tzinfo is None:
        raise RequestError("the evaluation time must be timezone-aware")
    if state.as_of is not None and state.as_of > now:
        raise RequestError("the contract state is later than the evaluation time")
    # The caller has usually settled the state to ``now`` already (the API does). Settling
    # then changes only ``as_of``, which nothing below reads: skip the copy it makes.
    if not settles_something(state, now):
        return state
    return settle(contract, state, now)


def _measured(item_state: DeliverableState, request: RevisionRequest) -> Change | None:
    current = item_state.current_version
    if request.revised_text is None or current is None or current.text is None:
        return None
    from roundwise.engine.measure import measure  # only a request with a new text needs it

    result = measure(current.text, request.revised_text)
    return Change(changed_words=result.changed_words, words_old=result.words_old)


def _item(index: int, item: ChangeItem, results: tuple[RuleResult, ...]) -> ItemDecision:
    fired = {r.name: r for r in results if r.fired and index in r.items}
    rule = next((fired[name] for name in _ITEM_ORDER if name in fired), None)
    cues = tuple(f"{c.rule}: “{c.text}” ({c.explanation})" for c in item.reasons)
    if rule is None or rule.verdict is None:
        return ItemDecision(
            text=item.text, scope=item.scope, verdict="needs_clarification", reasons=cues
        )
    because = f"{rule.name}: {rule.clause.citation}"
    return ItemDecision(
        text=item.text, scope=item.scope, verdict=rule.verdict, reasons=(*cues, because)
    )
