"""The ledger's events: everything that happened on a contract, in the past tense.

Rule: the ledger is append-only. An event is a frozen value with a ``type`` tag and a
timezone-aware ``at`` (when it was recorded); state is a fold over events (see
`engine.ledger.fold`) and a correction is a new event, never an edit. Events carry only
the ids they need (request id, deliverable id, version number, change order number), so
a ledger stays readable as JSON lines and round-trips exactly through
``event.model_dump(mode="json")`` and `parse_event`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    ValidationError,
    model_serializer,
    model_validator,
)

from roundwise.engine.errors import FieldProblem, LedgerError
from roundwise.engine.terms import Money, format_path
from roundwise.engine.terms.money import ExactDecimal
from roundwise.engine.understand.intent import Intent
from roundwise.engine.understand.model import Stage

Verdict = Literal[
    "included",
    "free_fix",
    "extra_round",
    "too_large",
    "out_of_scope",
    "after_approval",
    "needs_clarification",
]
Scope = Literal["in_scope", "out_of_scope", "free_fix", "vague"]
QuoteKind = Literal["extra_round", "too_large", "after_approval", "out_of_scope"]
RequestScope = Literal["in_scope", "out_of_scope", "free_fix", "vague", "mixed"]

Id = Annotated[str, Field(min_length=1, max_length=200)]
DeliverableId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
VersionNumber = Annotated[int, Field(ge=1)]
Body = Annotated[str, Field(max_length=2_000_000)]


def _fixed_offset(moment: datetime) -> datetime:
    # An instant keeps the offset it was given but not its zone rules: a zone-aware time
    # in a DST gap or fold compares unequal to every other datetime (PEP 495), so the same
    # event read back from JSON would not equal itself. A fixed offset is one instant.
    offset = moment.utcoffset()
    if offset is None or isinstance(moment.tzinfo, timezone):
        return moment
    return moment.replace(tzinfo=timezone(offset))


Instant = Annotated[AwareDatetime, AfterValidator(_fixed_offset)]


class _Event(BaseModel):
    """Common shape: a type tag and the recording time (timezone-aware)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: Instant


class ContractSigned(_Event):
    """Both parties signed; ``terms_sha256`` pins the terms every later event refers to."""

    type: Literal["contract_signed"] = "contract_signed"
    contract_id: Id
    terms_sha256: Sha256


class _Content(_Event):
    """A delivered version: the text itself, or for visual work a file hash and a note."""

    deliverable: DeliverableId
    version: VersionNumber
    text: Body | None = None
    file_sha256: Sha256 | None = None
    note: Annotated[str, Field(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _has_content(self) -> _Content:
        if self.text is None and self.file_sha256 is None:
            raise ValueError("a version needs its text or the SHA-256 of its file")
        return self


class VersionSubmitted(_Content):
    """The freelancer delivered a version on their own schedule (the first draft, say)."""

    type: Literal["version_submitted"] = "version_submitted"


class RevisionDelivered(_Content):
    """The freelancer delivered a version answering a request; it closes that request."""

    type: Literal["revision_delivered"] = "revision_delivered"
    request_id: Id


class RevisionRequested(_Event):
    """The client asked for changes; ``received_at`` is when they sent it (may precede ``at``)."""

    type: Literal["revision_requested"] = "revision_requested"
    request_id: Id
    deliverable: DeliverableId
    message: Body
    received_at: Instant
    revised_text: Body | None = None
    items: tuple[Annotated[str, Field(min_length=1, max_length=5000)], ...] = ()
    channel: Annotated[str, Field(max_length=40)] = "api"
    external_id: Annotated[str, Field(max_length=200)] | None = None

    @model_validator(mode="after")
    def _received_before_recorded(self) -> RevisionRequested:
        if self.received_at > self.at:
            raise ValueError("received_at is later than the time the request was recorded")
        return self


class QuotePart(BaseModel):
    """One priced part of a quote, with the arithmetic that produced it.

    ``kind`` is the verdict the part prices: ``extra_round``, ``too_large`` or
    ``after_approval`` for the in-scope work, ``out_of_scope`` for each new-work item.
    Code that needs the verdict reads ``kind``; ``label`` is wording for people
    (explanations, documents) and may change without notice, so nothing parses it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: QuoteKind
    label: Annotated[str, Field(max_length=200)]
    price: Money
    computation: Annotated[str, Field(max_length=5000)]


class Quote(BaseModel):
    """What billable work would cost: the total and how it was computed, part by part."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    total: Money
    computation: Annotated[str, Field(max_length=1_000_000)]
    parts: tuple[QuotePart, ...] = ()

    @property
    def amount(self) -> Decimal:
        """The total as a Decimal in the contract's currency."""
        return self.total.amount


class ItemVerdict(BaseModel):
    """The recorded verdict on one change item of a request."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: Body
    scope: Scope
    verdict: Verdict


class DecisionMade(_Event):
    """The engine judged a request; the summary needed to fold, report and replay it."""

    type: Literal["decision_made"] = "decision_made"
    request_id: Id
    deliverable: DeliverableId
    verdict: Verdict
    scope: RequestScope
    items: tuple[ItemVerdict, ...] = ()
    consumed_round: bool
    rounds_left: Annotated[int, Field(ge=0)]
    changed_share: ExactDecimal | None = None
    quote: Quote | None = None
    terms_sha256: Sha256
    engine_version: Annotated[str, Field(min_length=1, max_length=40)]
    # The reading was too unsure to act on (issue 16.5): the decision is shown, but the
    # fold counts its round only once the freelancer confirms it (`DecisionConfirmed`)
    # or corrects the assessment (`AssessmentCorrected`, then a new decision). Left out of
    # the JSON when false, so the ledgers written before it existed dump unchanged.
    needs_review: bool = False

    @model_serializer(mode="wrap")
    def _without_default_review(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if not data.get("needs_review", True):
            del data["needs_review"]
        return data


class ApprovedExplicitly(_Event):
    """The client approved the deliverable (optionally naming the version they approved)."""

    type: Literal["approved_explicitly"] = "approved_explicitly"
    deliverable: DeliverableId
    version: VersionNumber | None = None


Answerer = Literal["client", "freelancer"]
AnswerNote = Annotated[str, Field(min_length=1, max_length=2000)]


def _drop_none(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """``data`` without the optional ``keys`` that are None (absent in older ledgers)."""
    return {k: v for k, v in data.items() if not (k in keys and v is None)}


class ChangeOrderIssued(_Event):
    """The freelancer offered priced extra work; ``extra_rounds`` adds revision rounds."""

    type: Literal["change_order_issued"] = "change_order_issued"
    number: Annotated[int, Field(ge=1)]
    description: Annotated[str, Field(min_length=1, max_length=5000)]
    price: Money
    deliverable: DeliverableId | None = None
    request_id: Id | None = None
    extra_rounds: Annotated[int, Field(ge=0, le=100)] = 0

    @model_validator(mode="after")
    def _rounds_need_a_deliverable(self) -> ChangeOrderIssued:
        if self.extra_rounds and self.deliverable is None:
            raise ValueError("extra_rounds needs the deliverable they are added to")
        return self


class ChangeOrderAccepted(_Event):
    """The client accepted a change order; its extra rounds become available.

    ``by`` and ``note`` say who answered when it was not the client through the link (the
    freelancer on the client's behalf, with a note of how the client agreed). They are left
    out of the JSON when unset, so the ledgers written before they existed dump unchanged.
    """

    type: Literal["change_order_accepted"] = "change_order_accepted"
    number: Annotated[int, Field(ge=1)]
    by: Answerer | None = None
    note: AnswerNote | None = None

    @model_serializer(mode="wrap")
    def _without_unset_answer(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _drop_none(handler(self), ("by", "note"))


class ContractCompleted(_Event):
    """The contract is done; any later request is new work."""

    type: Literal["contract_completed"] = "contract_completed"


InvoiceKind = Literal["deposit", "work", "change_order", "kill_fee", "other"]
CancelledBy = Literal["client", "freelancer"]
InvoiceNumber = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^\S(.*\S)?$")]


def _positive(money: Money) -> Money:
    if money.amount <= 0:
        raise ValueError("the amount must be more than 0")
    return money


PositiveMoney = Annotated[Money, AfterValidator(_positive)]


class InvoiceIssued(_Event):
    """The freelancer invoiced the client; ``due_on`` defaults to the contract's payment
    term (``payment.due_days`` after the local date of issue)."""

    type: Literal["invoice_issued"] = "invoice_issued"
    number: InvoiceNumber
    amount: PositiveMoney
    kind: InvoiceKind = "work"
    due_on: date | None = None
    note: Annotated[str, Field(max_length=2000)] | None = None


class PaymentReceived(_Event):
    """Money arrived from the client, for a named invoice or on account."""

    type: Literal["payment_received"] = "payment_received"
    amount: PositiveMoney
    invoice: InvoiceNumber | None = None
    reference: Annotated[str, Field(max_length=200)] | None = None


class ProjectCancelled(_Event):
    """The project was cancelled; by the client, the kill fee of the stage reached is owed."""

    type: Literal["project_cancelled"] = "project_cancelled"
    by: CancelledBy = "client"
    reason: Annotated[str, Field(max_length=2000)] | None = None


LineKind = Literal["extra_round", "too_large", "after_approval", "out_of_scope", "custom"]


class ChangeOrderLine(BaseModel):
    """One priced line of a change order as sent: what, how much, and the arithmetic.

    ``kind`` is the verdict the line bills (``custom`` for a line the freelancer wrote);
    ``request_id`` the judged request it prices, if any; ``extra_rounds`` the revision
    rounds it adds to ``deliverable`` once the change order is accepted.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: LineKind
    description: Annotated[str, Field(min_length=1, max_length=5000)]
    price: Money
    computation: Annotated[str, Field(max_length=5000)]
    deliverable: DeliverableId | None = None
    request_id: Id | None = None
    extra_rounds: Annotated[int, Field(ge=0, le=100)] = 0


class ChangeOrderSent(_Event):
    """A change order went to the client for acceptance, open until ``valid_until``.

    Follows its `ChangeOrderIssued` and carries what the client was shown: the priced
    lines with their arithmetic, the clause of the agreement it amends, and the last
    local day (in the contract's time zone) on which it can be accepted. Accepting it
    later is refused by the fold: an expired change order changes nothing.
    """

    type: Literal["change_order_sent"] = "change_order_sent"
    number: Annotated[int, Field(ge=1)]
    valid_until: date
    amends: Annotated[str, Field(min_length=1, max_length=300)]
    lines: tuple[ChangeOrderLine, ...] = ()


class ChangeOrderDeclined(_Event):
    """The client declined a change order (through the link, or told the freelancer)."""

    type: Literal["change_order_declined"] = "change_order_declined"
    number: Annotated[int, Field(ge=1)]
    by: Answerer = "client"
    note: AnswerNote | None = None


class DecisionConfirmed(_Event):
    """The freelancer confirmed a decision that needed review, as the engine made it.

    Only now does the fold treat it as final: a round it uses is counted at this point
    (and must still be left; if another request took it meanwhile, the freelancer
    corrects the assessment instead, which re-judges).
    """

    type: Literal["decision_confirmed"] = "decision_confirmed"
    request_id: Id


class CorrectedItem(BaseModel):
    """One change item of a request with the scope the freelancer says it has."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=5000)]
    scope: Scope


class AssessmentCorrected(_Event):
    """The freelancer corrected how a request was read: its intent, the scope of each
    item, and the client's stage. Nothing earlier is changed: the request's next
    `DecisionMade` (judged on this reading, confident) supersedes the one before it."""

    type: Literal["assessment_corrected"] = "assessment_corrected"
    request_id: Id
    intent: Intent
    items: tuple[CorrectedItem, ...] = ()
    stage: Stage


Event = Annotated[
    ContractSigned
    | VersionSubmitted
    | RevisionRequested
    | DecisionMade
    | RevisionDelivered
    | ApprovedExplicitly
    | ChangeOrderIssued
    | ChangeOrderAccepted
    | ContractCompleted
    | InvoiceIssued
    | PaymentReceived
    | ProjectCancelled
    | ChangeOrderSent
    | ChangeOrderDeclined
    | DecisionConfirmed
    | AssessmentCorrected,
    Field(discriminator="type"),
]

EVENT_TYPES: tuple[str, ...] = (
    "contract_signed",
    "version_submitted",
    "revision_requested",
    "decision_made",
    "revision_delivered",
    "approved_explicitly",
    "change_order_issued",
    "change_order_accepted",
    "contract_completed",
    "invoice_issued",
    "payment_received",
    "project_cancelled",
    "change_order_sent",
    "change_order_declined",
    "decision_confirmed",
    "assessment_corrected",
)

_EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
_UNION_TAGS = frozenset(EVENT_TYPES)


def parse_event(data: Mapping[str, Any]) -> Event:
    """Validate one event from its JSON mapping; raises `LedgerError` naming the fields."""
    try:
        return _EVENT_ADAPTER.validate_python(dict(data))
    except ValidationError as exc:
        problems = tuple(
            FieldProblem(
                path=format_path(tuple(p for p in err["loc"] if p not in _UNION_TAGS)),
                reason=err["msg"],
            )
            for err in exc.errors(include_url=False)
        )
        summary = "; ".join(f"{p.path or '(event)'}: {p.reason}" for p in problems[:3])
        raise LedgerError(f"invalid event: {summary}", problems) from None
