"""Contract terms: typed models of a contract spec, its numbered clauses and its hash.

Public surface: parse a new spec (`parse_spec`, `load_spec`; bounds in `engine.terms.bounds`
and `engine.terms.intake`), read a stored one (`reload_spec`), the models (`ContractTerms`,
`Deliverable`, `RevisionPolicy`, `Money`, ...), the clauses that decisions cite
(`clauses`, `clause`, `ClauseKey`), and the fingerprint every decision records
(`terms_sha256`).
"""

from roundwise.engine.terms.business_days import ReviewDays, WorkingCalendar, add_business_days
from roundwise.engine.terms.clauses import Clause, ClauseKey, clause, clauses, money, percent
from roundwise.engine.terms.contract import (
    ContractTerms,
    Deliverable,
    DeliverableKind,
    Party,
    PaymentTerms,
    Unit,
)
from roundwise.engine.terms.digest import canonical_terms_json, terms_sha256
from roundwise.engine.terms.holiday_calendar import working_calendar
from roundwise.engine.terms.kill_fee import KillFeeByStage, KillFeeStage
from roundwise.engine.terms.money import Money
from roundwise.engine.terms.policy import (
    ExtraRoundPrice,
    FlatRoundPrice,
    HourlyRoundPrice,
    OutOfScopePricing,
    PerWordRoundPrice,
    PolicyOverride,
    RevisionPolicy,
    effective_policy,
)
from roundwise.engine.terms.reading import SpecFormat
from roundwise.engine.terms.spec import format_path, load_spec, parse_spec, reload_spec

__all__ = [
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
    "OutOfScopePricing",
    "Party",
    "PaymentTerms",
    "PerWordRoundPrice",
    "PolicyOverride",
    "ReviewDays",
    "RevisionPolicy",
    "SpecFormat",
    "Unit",
    "WorkingCalendar",
    "add_business_days",
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
    "working_calendar",
]
