"""The engine's public surface is pinned (issue 21): the packages' ``__all__`` equal these
literal sets, every exported name exists, and no internal module declares ``__all__``
(only a package's ``__init__`` and ``engine.errors``, the one error tree, are public).
Additions are deliberate: change a set here in the same commit.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from roundwise import engine

PUBLIC: dict[str, frozenset[str]] = {
    "engine": frozenset(
        {
            "ENGINE_VERSION",
            "RoundwiseError",
        }
    ),
    "roundwise.engine.errors": frozenset(
        {
            "FieldProblem",
            "LedgerError",
            "RequestError",
            "RoundwiseError",
            "SpecError",
            "UnsupportedLanguageError",
            "UnsupportedReplyLanguageError",
        }
    ),
    "roundwise.engine.decide": frozenset(
        {
            "BILLABLE_VERDICTS",
            "ClauseRef",
            "Decision",
            "Difference",
            "ItemDecision",
            "ReplayReport",
            "ReplayedDecision",
            "RevisionRequest",
            "RuleResult",
            "VERDICT_PRECEDENCE",
            "decision_events",
            "decision_json",
            "evaluate",
            "overall_verdict",
            "replay",
            "request_context",
            "understand",
        }
    ),
    "roundwise.engine.changeorders": frozenset(
        {
            "BILLABLE_VERDICTS",
            "AskSize",
            "ChangeOrderDraft",
            "Estimate",
            "FreeItem",
            "amended_clauses",
            "draft_of",
            "estimate_new_work",
            "issue_events",
            "line_for_item",
            "lines_for_requests",
            "minor_unit",
            "rounded",
            "size_of_ask",
        }
    ),
    "roundwise.engine.ledger": frozenset(
        {
            "APPROVAL_KINDS",
            "Approval",
            "Cancellation",
            "CancelledBy",
            "Invoice",
            "InvoiceKind",
            "InvoiceIssued",
            "KillFeeLine",
            "MoneyState",
            "MoneySummary",
            "PaymentReceived",
            "ProjectCancelled",
            "REMINDER_KINDS",
            "Reminder",
            "ReminderKind",
            "money_summary",
            "reminders",
            "ApprovalKind",
            "ApprovedExplicitly",
            "AssessmentCorrected",
            "ChangeOrder",
            "ChangeOrderAccepted",
            "ChangeOrderDeclined",
            "ChangeOrderIssued",
            "ChangeOrderLine",
            "ChangeOrderSent",
            "ContractCompleted",
            "ContractSigned",
            "ContractState",
            "CorrectedItem",
            "DecisionConfirmed",
            "DecisionMade",
            "DeliverableState",
            "EVENT_TYPES",
            "Event",
            "Folding",
            "ItemVerdict",
            "Quote",
            "QuoteKind",
            "QuotePart",
            "RequestRecord",
            "RequestScope",
            "RevisionDelivered",
            "RevisionRequested",
            "Scope",
            "Verdict",
            "Version",
            "VersionSubmitted",
            "apply",
            "dump_event",
            "dump_events",
            "fold",
            "initial_state",
            "load_events",
            "parse_event",
            "review_deadline",
            "settle",
            "settles_something",
        }
    ),
    "roundwise.engine.literal_screen": frozenset(
        {
            "DIGIT",
            "EVERYTHING",
            "SPACE",
            "Conditions",
            "Prefilter",
            "Screen",
            "UnreadableError",
            "canonical",
            "canonical_char",
            "parse",
            "read_phrase",
            "required_conditions",
        }
    ),
    "roundwise.engine.lint": frozenset(
        {
            "Finding",
            "LintRule",
            "UnsupportedLanguageError",
            "broken_rules",
            "lint_reply",
            "supported_languages",
        }
    ),
    "roundwise.engine.measure": frozenset(
        {
            "EditBlock",
            "MIN_MOVE_WORDS",
            "MOVE_COST",
            "MeasureOptions",
            "Measurement",
            "MovedBlock",
            "Token",
            "measure",
            "tokenize",
        }
    ),
    "roundwise.engine.replies": frozenset(
        {
            "CitedClause",
            "Notice",
            "deemed_approval_notice",
            "GroupFacts",
            "LANGUAGE_RULES",
            "LanguageChoice",
            "LanguageRule",
            "Reply",
            "ReplyFacts",
            "ReplySettings",
            "STAGES",
            "Source",
            "TONES",
            "Technique",
            "TechniqueUse",
            "Tone",
            "UnsupportedReplyLanguageError",
            "VERDICTS",
            "choose_language",
            "compose_facts",
            "compose_reply",
            "reply_document",
            "reply_facts_of",
            "reply_language",
            "reply_languages",
            "technique",
            "techniques",
        }
    ),
    "roundwise.engine.rules": frozenset(
        {
            "Change",
            "ClauseRef",
            "Facts",
            "RULES",
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
        }
    ),
    "roundwise.engine.scope": frozenset(
        {
            "ALERT_WINDOW",
            "Alert",
            "Ask",
            "CREEP_FORMULA",
            "DeliverableScope",
            "ScopeReport",
            "report_dict",
            "scope_report",
        }
    ),
    "roundwise.engine.terms": frozenset(
        {
            "Clause",
            "ClauseKey",
            "ContractTerms",
            "Deliverable",
            "DeliverableKind",
            "ExtraRoundPrice",
            "FlatRoundPrice",
            "HourlyRoundPrice",
            "KillFeeByStage",
            "KillFeeStage",
            "Money",
            "ReviewDays",
            "WorkingCalendar",
            "add_business_days",
            "working_calendar",
            "OutOfScopePricing",
            "Party",
            "PaymentTerms",
            "PerWordRoundPrice",
            "PolicyOverride",
            "RevisionPolicy",
            "SpecFormat",
            "Unit",
            "canonical_terms_json",
            "clause",
            "clauses",
            "effective_policy",
            "format_path",
            "load_spec",
            "money",
            "parse_spec",
            "percent",
            "reload_spec",
            "terms_sha256",
        }
    ),
    "roundwise.engine.understand": frozenset(
        {
            "ChangeItem",
            "Cue",
            "DeliverableInfo",
            "ITEM_SCOPES",
            "ItemScope",
            "LANGUAGES",
            "LanguageMethod",
            "RequestAnalysis",
            "RequestContext",
            "SCOPES",
            "STAGES",
            "Scope",
            "Stage",
            "analyse_request",
            "overall_scope",
        }
    ),
}


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_a_public_package_exports_exactly_its_pinned_names_and_each_exists(name: str) -> None:
    module = importlib.import_module(name)
    assert set(module.__all__) == PUBLIC[name]
    assert len(module.__all__) == len(set(module.__all__))
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert missing == []


def test_no_internal_engine_module_declares_all() -> None:
    declaring = []
    for info in pkgutil.walk_packages(engine.__path__, "roundwise.engine."):
        module = importlib.import_module(info.name)
        if hasattr(module, "__all__") and not info.ispkg and info.name not in PUBLIC:
            declaring.append(info.name)
    assert declaring == []


def test_every_engine_package_is_pinned() -> None:
    packages = {
        info.name
        for info in pkgutil.iter_modules(engine.__path__, "roundwise.engine.")
        if info.ispkg
    }
    assert packages <= set(PUBLIC)
