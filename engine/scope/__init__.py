"""Scope-creep detection: `scope_report(contract, events, now) -> ScopeReport`.

The creep score's formula and the alert thresholds are documented in
`engine.scope.report` (and printed with every report).
"""

from roundwise.engine.scope.model import Alert, Ask, DeliverableScope, ScopeReport, report_dict
from roundwise.engine.scope.report import ALERT_WINDOW, CREEP_FORMULA, scope_report

__all__ = [
    "ALERT_WINDOW",
    "CREEP_FORMULA",
    "Alert",
    "Ask",
    "DeliverableScope",
    "ScopeReport",
    "report_dict",
    "scope_report",
]
