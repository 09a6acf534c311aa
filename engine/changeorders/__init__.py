"""Change orders: priced lines from judged requests or free items, sized estimates, events.

Public surface: `lines_for_requests` and `line_for_item` price the work, `draft_of` makes
the editable draft, `issue_events` turns a draft into the two ledger events of sending it,
and `estimate_new_work` / `size_of_ask` price out-of-scope work from its size, with the
arithmetic written out. Pure: terms and folded state in, values out.
"""

from roundwise.engine.changeorders.compose import (
    BILLABLE_VERDICTS,
    ChangeOrderDraft,
    FreeItem,
    amended_clauses,
    draft_of,
    issue_events,
    line_for_item,
    lines_for_requests,
)
from roundwise.engine.changeorders.estimate import (
    AskSize,
    Estimate,
    estimate_new_work,
    minor_unit,
    rounded,
    size_of_ask,
)

__all__ = [
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
]
