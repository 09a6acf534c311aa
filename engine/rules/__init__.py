"""The revision rules: one named, documented ``check_<rule>`` unit per rule.

Every rule runs on the same `Facts` and returns a `RuleResult` (fired or not, the verdict
it implies, the clause it cites, the measured value and the limit). `RULES` is the order
they run and are listed in a decision; `engine.decide` turns the results into per-item
and overall verdicts. ``check_unknown_deliverable`` runs first and is the only rule that
raises (`RequestError`): without a deliverable there is nothing to judge.
"""

from collections.abc import Callable

from roundwise.engine.rules.approval import check_after_approval
from roundwise.engine.rules.deliverable import check_unknown_deliverable
from roundwise.engine.rules.facts import Change, Facts, share_text
from roundwise.engine.rules.pricing import new_work_part, quote_of, round_part
from roundwise.engine.rules.result import ClauseRef, RuleResult
from roundwise.engine.rules.rounds import check_extra_round, check_included
from roundwise.engine.rules.scope import check_free_fix, check_out_of_scope, check_vague
from roundwise.engine.rules.size import check_too_large

Rule = Callable[[Facts], RuleResult]

RULES: tuple[Rule, ...] = (
    check_after_approval,
    check_out_of_scope,
    check_free_fix,
    check_vague,
    check_too_large,
    check_extra_round,
    check_included,
)


def run_rules(facts: Facts) -> tuple[RuleResult, ...]:
    """Every rule's result, in `RULES` order."""
    return tuple(rule(facts) for rule in RULES)


__all__ = [
    "RULES",
    "Change",
    "ClauseRef",
    "Facts",
    "Rule",
    "RuleResult",
    "check_after_approval",
    "check_extra_round",
    "check_free_fix",
    "check_included",
    "check_out_of_scope",
    "check_too_large",
    "check_unknown_deliverable",
    "check_vague",
    "new_work_part",
    "quote_of",
    "round_part",
    "run_rules",
    "share_text",
]
