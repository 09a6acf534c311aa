"""The freelancer's say on how a request was read: confirm an unsure decision as it
stands, or correct its reading (intent, stage, the scope of each change) in one form.

Both call the same store functions as the API (``POST …/confirmation`` and
``PUT …/assessment`` in ``api/routes/assessments.py``), so a correction made on the page
appends the same ledger events, re-judges and re-drafts the same way, and becomes an
example for the account's later messages. The request is looked up through its contract
first, so another account's request, or one reached through another contract's URL, is
a 404 like every other page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from starlette.responses import Response

from roundwise.api.routes.assessments import AssessmentIn
from roundwise.api.web.visit import Visit, VisitDep
from roundwise.engine.errors import RoundwiseError
from roundwise.store import corrections, judgements, review
from roundwise.store.base import utcnow
from roundwise.store.errors import NotFoundError

router = APIRouter()


def _request_path(contract_id: str, request_id: str) -> str:
    return f"/contracts/{contract_id}/requests/{request_id}"


def _items(form: dict[str, str], count: int) -> list[dict[str, str]]:
    """The form's items: ``item-N-text`` (hidden, the decision's words) and ``item-N-scope``."""
    return [
        {"text": form.get(f"item-{n}-text", ""), "scope": form.get(f"item-{n}-scope", "")}
        for n in range(count)
    ]


def _refused(visit: Visit, contract_id: str, request_id: str, why: str) -> Response:
    from roundwise.api.web.contract_pages import request_page_with

    return request_page_with(visit, contract_id, request_id, 422, review_error=why)


@router.post("/contracts/{contract_id}/requests/{request_id}/confirm")
def confirm(visit: VisitDep, contract_id: str, request_id: str) -> Response:
    """Confirm the unsure decision as the engine made it (its round counts from now)."""
    try:
        with visit.services.db.writes() as session:
            judgements.get_judged(session, visit.account, contract_id, request_id)
            review.confirm_decision(session, visit.account, request_id, utcnow)
            session.commit()
    except RoundwiseError as exc:
        if isinstance(exc, NotFoundError):
            raise
        return _refused(visit, contract_id, request_id, exc.message)
    return visit.redirect(_request_path(contract_id, request_id))


@router.post("/contracts/{contract_id}/requests/{request_id}/assessment")
def correct(visit: VisitDep, contract_id: str, request_id: str) -> Response:
    """Correct the reading and judge the request again on it."""
    form = visit.form
    with visit.services.db.reads() as session:
        judged = judgements.get_judged(session, visit.account, contract_id, request_id)
    count = len(judged.decision.document.get("items") or ())
    values: dict[str, Any] = {
        "intent": form.get("intent") or None,
        "stage": form.get("stage") or None,
        "items": _items(form, count) if count else None,
    }
    try:
        body = AssessmentIn.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return _refused(visit, contract_id, request_id, f"{where}: {first['msg']}")
    try:
        with visit.services.db.writes() as session:
            fields = body.model_dump(exclude_none=True)
            corrections.correct_assessment(session, visit.account, request_id, fields, utcnow)
            session.commit()
    except RoundwiseError as exc:
        if isinstance(exc, NotFoundError):
            raise
        return _refused(visit, contract_id, request_id, exc.message)
    corrections.forget_examples(visit.account)
    return visit.redirect(_request_path(contract_id, request_id))
