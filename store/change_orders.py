"""Change orders in the database: drafts, sending with a client link, answers to the ledger.

Lifecycle: ``draft`` (a row; its quote may be edited) → ``sent`` (the ledger gets
``change_order_issued`` and ``change_order_sent``; the client gets a link) → ``accepted``
or ``declined`` (the ledger gets the answer; an accepted one adds its rounds through the
fold). Every write locks the contract first, so numbers and ledger positions never race,
and every event is checked by folding the ledger before it is appended.

The client's link carries a random token (``secrets.token_urlsafe``, 256 bits); only its
SHA-256 is stored, so the table alone cannot answer a change order. A token answers one
change order once, until the end of its validity date in the contract's time zone.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundwise.engine.changeorders import (
    ChangeOrderDraft,
    FreeItem,
    draft_of,
    issue_events,
    line_for_item,
    lines_for_requests,
    rounded,
)
from roundwise.engine.errors import FieldProblem, RequestError
from roundwise.engine.ledger import (
    ChangeOrderAccepted,
    ChangeOrderDeclined,
    ChangeOrderIssued,
    ChangeOrderLine,
    ContractState,
    Event,
    fold,
)
from roundwise.engine.terms import ContractTerms, Money
from roundwise.store import outbox
from roundwise.store.contracts import get_contract, lock_contract
from roundwise.store.errors import (
    ChangeOrderExpiredError,
    ChangeOrderStateError,
    ConflictError,
    NotFoundError,
)
from roundwise.store.ids import new_id
from roundwise.store.ledger import Clock, append_checked, ledger_time, load_events
from roundwise.store.models import ChangeOrderRecord, Contract

ANSWERABLE_CONTRACT_STATUSES = frozenset({"signed", "completed"})
OPEN_STATUSES = frozenset({"draft", "sent", "accepted"})  # a request priced here is taken
TOKEN_BYTES = 32
Answerer = Literal["client", "freelancer"]


@dataclass(frozen=True, slots=True)
class Pricing:
    """What a change order prices: judged requests and/or free items, and its terms."""

    request_ids: tuple[str, ...] = ()
    items: tuple[FreeItem, ...] = ()
    valid_until: date | None = None
    amends: str | None = None


@dataclass(frozen=True, slots=True)
class LineEdit:
    """A change to one line of a draft's quote (``index`` counts from 0)."""

    index: int
    description: str | None = None
    price: Decimal | None = None


def token_hash(token: str) -> str:
    """The stored form of an acceptance token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def draft_of_record(record: ChangeOrderRecord) -> ChangeOrderDraft:
    """The draft (or, once sent, what was sent) stored in a row."""
    return ChangeOrderDraft.model_validate(record.document)


def local_today(terms: ContractTerms, now: datetime) -> date:
    """The contract's local date at ``now``."""
    return now.astimezone(terms.zone).date()


def expired(terms: ContractTerms, record: ChangeOrderRecord, now: datetime) -> bool:
    """Whether the validity date has ended (local midnight in the contract's time zone)."""
    return local_today(terms, now) > record.valid_until


def create(
    session: Session,
    contract: Contract,
    terms: ContractTerms,
    pricing: Pricing,
    valid_days: int,
    clock: Clock,
) -> ChangeOrderRecord:
    """A new draft change order of the (locked) contract, numbered after the last one."""
    _require_live(contract)
    now = ledger_time(session, contract.id, clock)
    state = fold(load_events(session, contract.id), now, terms)
    draft = _draft(session, contract, terms, state, pricing, valid_days, now, exclude=None)
    number = _next_number(session, contract.id, state)
    record = ChangeOrderRecord(
        id=new_id("cor"),
        account_id=contract.account_id,
        contract_id=contract.id,
        number=number,
        status="draft",
        document=draft.model_dump(mode="json"),
        valid_until=draft.valid_until,
        created_at=now,
        updated_at=now,
    )
    session.add(record)
    session.flush()
    return record


def replace_draft(
    session: Session,
    contract: Contract,
    terms: ContractTerms,
    record: ChangeOrderRecord,
    pricing: Pricing,
    valid_days: int,
    clock: Clock,
) -> ChangeOrderRecord:
    """PUT: price the draft again from scratch (requests and/or items)."""
    _require_draft(record, "replaced")
    now = ledger_time(session, contract.id, clock)
    state = fold(load_events(session, contract.id), now, terms)
    draft = _draft(session, contract, terms, state, pricing, valid_days, now, exclude=record.id)
    return _store_draft(record, draft, now)


def edit_draft(
    session: Session,
    contract: Contract,
    terms: ContractTerms,
    record: ChangeOrderRecord,
    edits: Sequence[LineEdit],
    valid_until: date | None,
    amends: str | None,
    clock: Clock,
) -> ChangeOrderRecord:
    """PATCH: change line descriptions or prices, the validity date or the clause amended."""
    _require_draft(record, "edited")
    now = ledger_time(session, contract.id, clock)
    draft = draft_of_record(record)
    lines = list(draft.lines)
    for position, edit in enumerate(edits):
        if not 0 <= edit.index < len(lines):
            path = f"lines[{position}].index"
            raise RequestError(
                f"{path}: the draft has lines 0 to {len(lines) - 1}",
                (FieldProblem(path, f"no line {edit.index}"),),
            )
        lines[edit.index] = _edited_line(terms, lines[edit.index], edit)
    until = draft.valid_until if valid_until is None else _validity(terms, now, valid_until, 0)
    changed = draft.model_copy(
        update={"lines": tuple(lines), "valid_until": until, "amends": amends or draft.amends}
    )
    return _store_draft(record, ChangeOrderDraft.model_validate(changed.model_dump()), now)


def send(
    session: Session,
    contract: Contract,
    terms: ContractTerms,
    record: ChangeOrderRecord,
    clock: Clock,
) -> str:
    """Send the change order: its two ledger events (the first time) and a new client link.

    Sending a change order that was sent and is still unanswered gives a new link (the
    old one stops working) and appends nothing. Returns the token, shown only now.
    """
    if record.status not in {"draft", "sent"}:
        raise ChangeOrderStateError(f"change order {record.number} is {record.status}")
    now = ledger_time(session, contract.id, clock)
    if expired(terms, record, now):
        raise ChangeOrderExpiredError(
            f"change order {record.number} was valid until {record.valid_until.isoformat()}",
            (FieldProblem("valid_until", "set a later date (PATCH) before sending"),),
        )
    if record.status == "draft":
        _require_live(contract)
        events: list[Event] = list(issue_events(draft_of_record(record), record.number, now))
        append_checked(session, contract, terms, events, now)
        record.status, record.sent_at = "sent", now
        _announce(session, contract, record, outbox.CHANGE_ORDER_SENT, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    record.token_hash, record.updated_at = token_hash(token), now
    session.flush()
    return token


def answer(
    session: Session,
    contract: Contract,
    terms: ContractTerms,
    record: ChangeOrderRecord,
    accept: bool,
    by: Answerer,
    note: str | None,
    clock: Clock,
) -> ChangeOrderRecord:
    """Record the client's answer (``by`` "client" through the link, or "freelancer")."""
    if record.status != "sent":
        verb = "not sent yet" if record.status == "draft" else f"already {record.status}"
        raise ChangeOrderStateError(f"change order {record.number} is {verb}")
    now = ledger_time(session, contract.id, clock)
    if accept and expired(terms, record, now):
        raise ChangeOrderExpiredError(
            f"change order {record.number} expired on {record.valid_until.isoformat()}"
        )
    event: Event
    if accept:
        answered_by = None if by == "client" and note is None else by
        event = ChangeOrderAccepted(at=now, number=record.number, by=answered_by, note=note)
    else:
        event = ChangeOrderDeclined(at=now, number=record.number, by=by, note=note)
    append_checked(session, contract, terms, [event], now)
    record.status = "accepted" if accept else "declined"
    record.answered_at, record.answered_by, record.answer_note = now, by, note
    record.updated_at = now
    kind = outbox.CHANGE_ORDER_ACCEPTED if accept else outbox.CHANGE_ORDER_DECLINED
    _announce(session, contract, record, kind, now)
    session.flush()
    return record


def _announce(
    session: Session, contract: Contract, record: ChangeOrderRecord, kind: str, now: datetime
) -> None:
    """Queue the webhook event in the same transaction as the ledger event.

    The client's link is left out: the outbox keeps payloads as they are, and the token
    is stored nowhere but as its hash.
    """

    def payload() -> dict[str, object]:
        draft = draft_of_record(record)
        return {
            "contract_id": contract.id,
            "number": record.number,
            "status": record.status,
            "total": draft.total.model_dump(mode="json"),
            "lines": [line.model_dump(mode="json") for line in draft.lines],
            "amends": draft.amends,
            "valid_until": record.valid_until.isoformat(),
            "answered_by": record.answered_by,
            "answer_note": record.answer_note,
            "pdf_url": f"/v1/contracts/{contract.id}/change-orders/{record.number}.pdf",
        }

    outbox.enqueue(session, contract.account_id, kind, payload, at=now)


def get(session: Session, account_id: str, contract_id: str, number: int) -> ChangeOrderRecord:
    """The account's change order ``number`` of the contract; others are "not found"."""
    contract = get_contract(session, account_id, contract_id)
    return _get_of(session, contract, number)


def locked(
    session: Session, account_id: str, contract_id: str, number: int
) -> tuple[Contract, ChangeOrderRecord]:
    """The locked contract and its change order ``number`` (for a write)."""
    contract = lock_contract(session, account_id, contract_id)
    return contract, _get_of(session, contract, number)


def list_of(session: Session, account_id: str, contract_id: str) -> list[ChangeOrderRecord]:
    """The contract's change orders by number."""
    contract = get_contract(session, account_id, contract_id)
    query = (
        select(ChangeOrderRecord)
        .where(
            ChangeOrderRecord.account_id == contract.account_id,
            ChangeOrderRecord.contract_id == contract.id,
        )
        .order_by(ChangeOrderRecord.number)
    )
    return list(session.scalars(query))


def preview_events(
    session: Session, contract: Contract, events: Sequence[Event], number: int, now: datetime
) -> tuple[Event, ...]:
    """What sending draft ``number`` would append (for its PDF before it is sent), or
    nothing when the ledger holds that change order already or no draft has the number."""
    if any(isinstance(e, ChangeOrderIssued) and e.number == number for e in events):
        return ()
    query = select(ChangeOrderRecord).where(
        ChangeOrderRecord.account_id == contract.account_id,
        ChangeOrderRecord.contract_id == contract.id,
        ChangeOrderRecord.number == number,
        ChangeOrderRecord.status == "draft",
    )
    record = session.scalars(query).one_or_none()
    if record is None:
        return ()
    return tuple(issue_events(draft_of_record(record), number, now))


def by_token(session: Session, token: str) -> ChangeOrderRecord | None:
    """The change order a link's token answers (the token is its only credential)."""
    if not token or len(token) > 200:
        return None
    query = select(ChangeOrderRecord).where(ChangeOrderRecord.token_hash == token_hash(token))
    return session.scalars(query).one_or_none()


def _get_of(session: Session, contract: Contract, number: int) -> ChangeOrderRecord:
    query = select(ChangeOrderRecord).where(
        ChangeOrderRecord.account_id == contract.account_id,
        ChangeOrderRecord.contract_id == contract.id,
        ChangeOrderRecord.number == number,
    )
    record = session.scalars(query).one_or_none()
    if record is None:
        raise NotFoundError(f"no change order {number} of contract {contract.id}")
    return record


def _require_live(contract: Contract) -> None:
    if contract.status not in ANSWERABLE_CONTRACT_STATUSES:
        raise ConflictError(f"contract {contract.id} is {contract.status}, not signed")


def _require_draft(record: ChangeOrderRecord, verb: str) -> None:
    if record.status != "draft":
        raise ChangeOrderStateError(
            f"change order {record.number} is {record.status}; only a draft can be {verb}"
        )


def _draft(
    session: Session,
    contract: Contract,
    terms: ContractTerms,
    state: ContractState,
    pricing: Pricing,
    valid_days: int,
    now: datetime,
    exclude: str | None,
) -> ChangeOrderDraft:
    _require_unpriced(session, contract, pricing.request_ids, exclude)
    lines: list[ChangeOrderLine] = list(lines_for_requests(terms, state, pricing.request_ids))
    lines += [line_for_item(terms, item, i) for i, item in enumerate(pricing.items)]
    valid_until = _validity(terms, now, pricing.valid_until, valid_days)
    return draft_of(terms, lines, valid_until, pricing.amends)


def _validity(terms: ContractTerms, now: datetime, stated: date | None, valid_days: int) -> date:
    today = local_today(terms, now)
    if stated is None:
        return today + timedelta(days=valid_days)
    if stated < today:
        raise RequestError(
            f"valid_until: {stated.isoformat()} is before today ({today.isoformat()})",
            (FieldProblem("valid_until", "must be today or later in the contract's time zone"),),
        )
    return stated


def _require_unpriced(
    session: Session, contract: Contract, request_ids: Sequence[str], exclude: str | None
) -> None:
    """A request is priced by one live change order at most (a declined one frees it)."""
    if not request_ids:
        return
    query = select(ChangeOrderRecord).where(
        ChangeOrderRecord.contract_id == contract.id,
        ChangeOrderRecord.status.in_(OPEN_STATUSES),
    )
    for other in session.scalars(query):
        if other.id == exclude:
            continue
        taken = set(draft_of_record(other).request_ids) & set(request_ids)
        if taken:
            raise ConflictError(
                f"request {sorted(taken)[0]!r} is already priced by change order {other.number}",
                (FieldProblem("request_ids", f"see change order {other.number}"),),
            )


def _next_number(session: Session, contract_id: str, state: ContractState) -> int:
    query = select(ChangeOrderRecord.number).where(ChangeOrderRecord.contract_id == contract_id)
    numbers = [*session.scalars(query), *(co.issued.number for co in state.change_orders)]
    return max(numbers, default=0) + 1


def _edited_line(terms: ContractTerms, line: ChangeOrderLine, edit: LineEdit) -> ChangeOrderLine:
    update: dict[str, object] = {}
    if edit.description is not None:
        update["description"] = edit.description
    if edit.price is not None:
        amount = rounded(edit.price, terms.currency)
        update["price"] = Money(amount=amount, currency=line.price.currency)
        how = f"price set by the freelancer (the estimate was: {line.computation})"
        update["computation"] = how[:5000]
    return line.model_copy(update=update)


def _store_draft(
    record: ChangeOrderRecord, draft: ChangeOrderDraft, now: datetime
) -> ChangeOrderRecord:
    record.document = draft.model_dump(mode="json")
    record.valid_until, record.updated_at = draft.valid_until, now
    return record


__all__ = [
    "ANSWERABLE_CONTRACT_STATUSES",
    "LineEdit",
    "Pricing",
    "answer",
    "by_token",
    "create",
    "draft_of_record",
    "edit_draft",
    "expired",
    "get",
    "list_of",
    "local_today",
    "locked",
    "preview_events",
    "replace_draft",
    "send",
    "token_hash",
]
