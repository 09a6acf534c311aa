"""The freelancer's change-order pages: issue one from a judged request or as free items,
read and edit a draft, send it (the client's link shown once), record the client's answer.

Every write calls the same ``store.change_orders`` functions as the API routes
(``api/routes/change_orders.py``): lock the contract, call the store, commit once. So a
page and the API price, number and send a change order the same way. The client's link
is rendered into the response of the send form and nowhere else: its token is stored
only as a hash, and never in the session.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from starlette.responses import Response

from roundwise.api.change_order_schemas import ItemIn
from roundwise.api.web.visit import Visit, VisitDep
from roundwise.engine.changeorders import BILLABLE_VERDICTS
from roundwise.engine.errors import RoundwiseError
from roundwise.store import change_orders, contracts
from roundwise.store.base import utcnow
from roundwise.store.change_orders import LineEdit, Pricing
from roundwise.store.errors import NotFoundError
from roundwise.store.models import ChangeOrderRecord

router = APIRouter()
NOTE_LIMIT = 2000


def priced_by(records: list[ChangeOrderRecord], request_id: str) -> ChangeOrderRecord | None:
    """The live change order (draft, sent or accepted) pricing a request, if any."""
    for record in records:
        live = record.status in change_orders.OPEN_STATUSES
        if live and request_id in change_orders.draft_of_record(record).request_ids:
            return record
    return None


def offers_change_order(verdict: str) -> bool:
    """Whether a request with this verdict has billable work a change order can price."""
    return verdict in BILLABLE_VERDICTS


def order_rows(
    issued: list[dict[str, Any]], records: list[ChangeOrderRecord]
) -> list[dict[str, Any]]:
    """The contract's change orders for its page: every stored one (drafts too, with its
    status and page), and any the ledger holds without a stored row (status from the
    ledger, no page), by number."""
    rows: dict[int, dict[str, Any]] = {}
    for order in issued:
        status = "accepted" if order.get("accepted") else "sent"
        rows[int(order["number"])] = {
            "number": order["number"],
            "description": order.get("description", ""),
            "price": order.get("price"),
            "status": status,
            "page": False,
        }
    for record in records:
        draft = change_orders.draft_of_record(record)
        total = draft.total
        rows[record.number] = {
            "number": record.number,
            "description": "; ".join(line.description for line in draft.lines)[:300],
            "price": {"amount": total.amount, "currency": total.currency},
            "status": record.status,
            "page": True,
        }
    return [rows[n] for n in sorted(rows)]


def _path(contract_id: str, number: int) -> str:
    return f"/contracts/{contract_id}/change-orders/{number}"


def _errors_of(exc: RoundwiseError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in getattr(exc, "problems", ()) or ():
        found.setdefault(problem.path, []).append(problem.reason)
    found.setdefault("", []).append(exc.message)
    return found


@router.post("/contracts/{contract_id}/requests/{request_id}/change-order")
def issue_from_request(visit: VisitDep, contract_id: str, request_id: str) -> Response:
    """Draft a change order pricing one judged request, then open it."""
    return _create(visit, contract_id, Pricing(request_ids=(request_id,)))


@router.post("/contracts/{contract_id}/change-orders")
def issue_free_item(visit: VisitDep, contract_id: str) -> Response:
    """Draft a change order of one line the freelancer writes (a price, or a size)."""
    form = visit.form
    values = {
        "description": form.get("description", ""),
        "price": form.get("price") or None,
        "words": form.get("words") or None,
        "count": form.get("count") or None,
        "deliverable": form.get("deliverable") or None,
        "extra_rounds": form.get("extra_rounds") or 0,
    }
    try:
        item = ItemIn.model_validate(values)
    except ValidationError as exc:
        return _contract_with_errors(visit, contract_id, _problems(exc))
    return _create(visit, contract_id, Pricing(items=(item.free_item(),)))


def _problems(error: ValidationError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or ""
        found.setdefault(name, []).append(item["msg"])
    return found


def _contract_with_errors(visit: Visit, contract_id: str, errors: dict[str, list[str]]) -> Response:
    from roundwise.api.web.contract_pages import contract_page_with

    return contract_page_with(visit, contract_id, 422, order_errors=errors, posted=visit.form)


def _create(visit: Visit, contract_id: str, pricing: Pricing) -> Response:
    account, days = visit.account, visit.services.settings.change_order_valid_days
    try:
        with visit.services.db.writes() as session:
            contract = contracts.lock_contract(session, account, contract_id)
            terms = contracts.terms_of(contract)
            record = change_orders.create(session, contract, terms, pricing, days, utcnow)
            session.commit()
            number = record.number
    except RoundwiseError as exc:
        if isinstance(exc, NotFoundError) or pricing.request_ids:
            raise
        return _contract_with_errors(visit, contract_id, _errors_of(exc))
    return visit.redirect(_path(contract_id, number))


def _page(visit: Visit, contract_id: str, number: int, status: int = 200, **extra: Any) -> Response:
    with visit.services.db.reads() as session:
        contract = contracts.get_contract(session, visit.account, contract_id)
        terms = contracts.terms_of(contract)
        record = change_orders.get(session, visit.account, contract_id, number)
        draft = change_orders.draft_of_record(record)
        expired = change_orders.expired(terms, record, utcnow())
    visit.prefer(terms.language)
    return visit.render(
        "change_order.html",
        status,
        contract=contract,
        terms=terms,
        record=record,
        draft=draft,
        expired=expired,
        **extra,
    )


@router.get("/contracts/{contract_id}/change-orders/{number:int}")
def change_order_page(visit: VisitDep, contract_id: str, number: int) -> Response:
    """A change order: its lines with their arithmetic, total, clause, validity, status."""
    return _page(visit, contract_id, number)


def _edits(
    form: dict[str, str], lines: int, _: Callable[[str], str]
) -> tuple[list[LineEdit], dict[str, list[str]]]:
    """The lines whose description or price the form changes (unchanged ones are left
    alone: a price set again would replace the line's arithmetic)."""
    edits: list[LineEdit] = []
    errors: dict[str, list[str]] = {}
    for index in range(lines):
        description = form.get(f"lines[{index}].description")
        raw_price = (form.get(f"lines[{index}].price") or "").strip()
        price: Decimal | None = None
        if raw_price:
            try:
                price = Decimal(raw_price.replace(",", "."))
            except InvalidOperation:
                price = None
            if price is None or not price.is_finite() or not 0 <= price <= Decimal("1e9"):
                errors[f"lines[{index}].price"] = [_("a price from 0, like 80 or 80.50")]
                continue
        if description is not None and not 1 <= len(description.strip()) <= 5000:
            errors[f"lines[{index}].description"] = [_("write what the work is")]
            continue
        edits.append(LineEdit(index, description.strip() if description else None, price))
    return edits, errors


@router.post("/contracts/{contract_id}/change-orders/{number:int}/edit")
def edit_change_order(visit: VisitDep, contract_id: str, number: int) -> Response:
    """Change a draft's line descriptions and prices and its validity date."""
    account = visit.account
    with visit.services.db.reads() as session:
        current = change_orders.draft_of_record(
            change_orders.get(session, account, contract_id, number)
        )
    edits, errors = _edits(visit.form, len(current.lines), visit.gettext())
    edits = [e for e in edits if _changes(current.lines[e.index], e)]
    edits = [_only_changed(current.lines[e.index], e) for e in edits]
    valid_until = None
    raw_date = visit.form.get("valid_until", "")
    if raw_date and raw_date != current.valid_until.isoformat():
        try:
            valid_until = date.fromisoformat(raw_date)
        except ValueError:
            errors["valid_until"] = [visit.gettext()("a date like 2026-12-31")]
    if errors:
        return _page(visit, contract_id, number, 422, errors=errors, posted=visit.form)
    try:
        with visit.services.db.writes() as session:
            contract, record = change_orders.locked(session, account, contract_id, number)
            terms = contracts.terms_of(contract)
            change_orders.edit_draft(
                session, contract, terms, record, edits, valid_until, None, utcnow
            )
            session.commit()
    except RoundwiseError as exc:
        if isinstance(exc, NotFoundError):
            raise
        return _page(visit, contract_id, number, 422, errors=_errors_of(exc), posted=visit.form)
    return visit.redirect(_path(contract_id, number))


def _changes(line: Any, edit: LineEdit) -> bool:
    new_price = edit.price is not None and edit.price != line.price.amount
    return new_price or (edit.description is not None and edit.description != line.description)


def _only_changed(line: Any, edit: LineEdit) -> LineEdit:
    price = edit.price if edit.price is not None and edit.price != line.price.amount else None
    same = edit.description == line.description
    return LineEdit(edit.index, None if same else edit.description, price)


@router.post("/contracts/{contract_id}/change-orders/{number:int}/send")
def send_change_order(visit: VisitDep, contract_id: str, number: int) -> Response:
    """Send it: the ledger records it; the client's link is shown in this response only."""
    account = visit.account
    try:
        with visit.services.db.writes() as session:
            contract, record = change_orders.locked(session, account, contract_id, number)
            terms = contracts.terms_of(contract)
            token = change_orders.send(session, contract, terms, record, utcnow)
            session.commit()
    except RoundwiseError as exc:
        if isinstance(exc, NotFoundError):
            raise
        return _page(visit, contract_id, number, 409, errors=_errors_of(exc))
    url = str(visit.request.url_for("change_order_link", token=token))
    return _page(visit, contract_id, number, accept_url=url)


@router.post("/contracts/{contract_id}/change-orders/{number:int}/answer")
def record_answer(visit: VisitDep, contract_id: str, number: int) -> Response:
    """Record the client's answer given another way (e-mail, a call), with a note."""
    account, form, _ = visit.account, visit.form, visit.gettext()
    choice, note = form.get("answer"), (form.get("note") or "").strip()
    errors: dict[str, list[str]] = {}
    if choice not in {"accept", "decline"}:
        errors["answer"] = [_("choose accepted or declined")]
    if len(note) > NOTE_LIMIT:
        errors["note"] = [_("at most %(n)s characters") % {"n": NOTE_LIMIT}]
    if errors:
        return _page(visit, contract_id, number, 422, errors=errors, posted=form)
    try:
        with visit.services.db.writes() as session:
            contract, record = change_orders.locked(session, account, contract_id, number)
            terms = contracts.terms_of(contract)
            accept = choice == "accept"
            change_orders.answer(
                session, contract, terms, record, accept, "freelancer", note or None, utcnow
            )
            session.commit()
    except RoundwiseError as exc:
        if isinstance(exc, NotFoundError):
            raise
        return _page(visit, contract_id, number, 409, errors=_errors_of(exc))
    return visit.redirect(_path(contract_id, number))


__all__ = ["offers_change_order", "order_rows", "priced_by", "router"]
