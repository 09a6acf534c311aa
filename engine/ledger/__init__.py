"""The ledger: an append-only sequence of typed events and the pure fold to state.

Public surface: the event models (past tense, tagged by ``type``), `parse_event` and the
JSON-lines text functions, and `fold(events, now, terms) -> ContractState` built from the
step function `apply` (so folding a prefix and then the rest equals folding the whole);
`Folding` is a fold in progress, for looking at the state between events in linear time;
`money_summary` adds up the money events (invoices, payments, cancellation and kill fee).
"""

from roundwise.engine.ledger.events import (
    EVENT_TYPES,
    ApprovedExplicitly,
    CancelledBy,
    ChangeOrderAccepted,
    ChangeOrderIssued,
    ContractCompleted,
    ContractSigned,
    DecisionMade,
    Event,
    InvoiceIssued,
    InvoiceKind,
    ItemVerdict,
    PaymentReceived,
    ProjectCancelled,
    Quote,
    QuoteKind,
    QuotePart,
    RequestScope,
    RevisionDelivered,
    RevisionRequested,
    Scope,
    Verdict,
    VersionSubmitted,
    parse_event,
)
from roundwise.engine.ledger.fold import (
    Folding,
    apply,
    fold,
    initial_state,
    review_deadline,
    settle,
    settles_something,
)
from roundwise.engine.ledger.jsonl import dump_event, dump_events, load_events
from roundwise.engine.ledger.money import MoneySummary, money_summary
from roundwise.engine.ledger.money_state import Cancellation, Invoice, KillFeeLine, MoneyState
from roundwise.engine.ledger.reminders import REMINDER_KINDS, Reminder, ReminderKind, reminders
from roundwise.engine.ledger.state import (
    APPROVAL_KINDS,
    Approval,
    ApprovalKind,
    ChangeOrder,
    ContractState,
    DeliverableState,
    RequestRecord,
    Version,
)

__all__ = [
    "APPROVAL_KINDS",
    "EVENT_TYPES",
    "REMINDER_KINDS",
    "Approval",
    "ApprovalKind",
    "ApprovedExplicitly",
    "Cancellation",
    "CancelledBy",
    "ChangeOrder",
    "ChangeOrderAccepted",
    "ChangeOrderIssued",
    "ContractCompleted",
    "ContractSigned",
    "ContractState",
    "DecisionMade",
    "DeliverableState",
    "Event",
    "Folding",
    "Invoice",
    "InvoiceIssued",
    "InvoiceKind",
    "ItemVerdict",
    "KillFeeLine",
    "MoneyState",
    "MoneySummary",
    "PaymentReceived",
    "ProjectCancelled",
    "Quote",
    "QuoteKind",
    "QuotePart",
    "Reminder",
    "ReminderKind",
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
    "money_summary",
    "parse_event",
    "reminders",
    "review_deadline",
    "settle",
    "settles_something",
]
