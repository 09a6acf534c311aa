"""The freelancer's pages: contracts, a contract's story, its requests, versions, scope
report and documents, and the forms that act on them.

Every page reads through the store with the signed-in account, as the API routes do, so
another account's contract is "not found" (404) here too. The forms call the same store
functions as the API (a version, a status step, a revision request judged by
``store.judging``), so a page and the API cannot disagree.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from roundwise.api.deps import long_judging, open_async_pool
from roundwise.api.routes.documents import get_change_order, get_document
from roundwise.api.schemas import judged_off_loop
from roundwise.api.web.change_order_pages import offers_change_order, order_rows, priced_by
from roundwise.api.web.chart import points, scope_chart
from roundwise.api.web.creep_chart import creep_chart, creep_points
from roundwise.api.web.cues import highlighted
from roundwise.api.web.redline import redline
from roundwise.api.web.spec_form import DELIVERABLE_ROWS, read_form
from roundwise.api.web.timeline import change_orders, story
from roundwise.api.web.visit import Visit, VisitDep
from roundwise.engine.decide import RevisionRequest
from roundwise.engine.errors import FieldProblem, RoundwiseError
from roundwise.engine.lint import UnsupportedLanguageError, lint_reply
from roundwise.engine.scope import ScopeReport, scope_report
from roundwise.engine.terms import ContractTerms
from roundwise.engine.understand import ITEM_SCOPES, STAGES
from roundwise.engine.understand.intent import INTENTS
from roundwise.store import change_orders as co_store
from roundwise.store import contracts, judgements, ledger, versions
from roundwise.store.base import utcnow
from roundwise.store.contract_status import change_status as change_status_announced
from roundwise.store.errors import NotFoundError, StoredSpecInvalidError
from roundwise.store.judging import Judging, OffLoop, gateway_for, judge
from roundwise.store.models import Contract
from roundwise.store.web_reads import request_summaries

router = APIRouter()
CONTRACTS_SHOWN = 100
VERSIONS_SHOWN = 1000
MESSAGE_LIMIT = 20_000
TEXT_LIMIT = 200_000


def _report(session: Any, contract: Contract) -> tuple[ContractTerms, ScopeReport] | None:
    """The contract's terms and scope report (None for terms outside today's bounds)."""
    try:
        terms = contracts.terms_of(contract)
    except StoredSpecInvalidError:
        return None
    events = ledger.load_events(session, contract.id)
    return terms, scope_report(terms, events, ledger.ledger_time(session, contract.id, utcnow))


@router.get("/")
def contracts_page(visit: VisitDep) -> Response:
    """The account's contracts: status, rounds left per deliverable, alerts."""
    account = visit.account
    with visit.services.db.reads() as session:
        page = contracts.list_contracts(session, account, CONTRACTS_SHOWN, None, None)
        rows = [(c, _report(session, c)) for c in page.items]
    return visit.render("contracts.html", rows=rows, more=page.next_cursor is not None)


def _contract_context(session: Any, account: str, contract_id: str) -> dict[str, Any]:
    contract = contracts.get_contract(session, account, contract_id)
    judged = request_summaries(session, contract.id)
    events = ledger.load_events(session, contract.id)
    terms = contracts.terms_of(contract)
    report = scope_report(terms, events, ledger.ledger_time(session, contract.id, utcnow))
    entries = story(events, {j.id: j.decision for j in judged})
    return {
        "contract": contract,
        "terms": terms,
        "report": report,
        "entries": entries,
        "change_orders": order_rows(
            change_orders(entries), co_store.list_of(session, account, contract.id)
        ),
        "judged": judged,
        "next_status": contracts.NEXT_STATUS.get(contract.status),
    }


def _contract_page(visit: Visit, contract_id: str, status: int = 200, **extra: Any) -> Response:
    with visit.services.db.reads() as session:
        context = _contract_context(session, visit.account, contract_id)
    visit.prefer(context["terms"].language)
    return visit.render("contract.html", status, **context, **extra)


def contract_page_with(visit: Visit, contract_id: str, status: int, **extra: Any) -> Response:
    """The contract page with a form's errors (for the change-order forms)."""
    return _contract_page(visit, contract_id, status, **extra)


@router.get("/contracts/new")
def new_contract_page(visit: VisitDep) -> Response:
    """The form that writes a contract spec."""
    visit.account  # noqa: B018 (signed in, or off to the sign-in page)
    return visit.render("new_contract.html", form={}, errors={}, rows=DELIVERABLE_ROWS)


@router.post("/contracts/new")
def create_contract(visit: VisitDep) -> Response:
    """Validate the form as a spec (errors next to their fields, 422) and store a draft."""
    account = visit.account
    result = read_form(visit.form)
    if result.terms is None:
        return visit.render(
            "new_contract.html", 422, form=visit.form, errors=result.errors, rows=DELIVERABLE_ROWS
        )
    with visit.services.db.writes() as session:
        contract = contracts.create_contract(session, account, result.terms, None)
        session.commit()
    return visit.redirect(f"/contracts/{contract.id}")


@router.get("/contracts/{contract_id}")
def contract_page(visit: VisitDep, contract_id: str) -> Response:
    """A contract: deliverables, actions, and its ledger told as a story."""
    return _contract_page(visit, contract_id)


@router.post("/contracts/{contract_id}/status")
def change_status(visit: VisitDep, contract_id: str) -> Response:
    """Move the contract one step on (draft → sent → signed → completed)."""
    account, target = visit.account, visit.form.get("status", "")
    with visit.services.db.writes() as session:
        contract = contracts.lock_contract(session, account, contract_id)
        change_status_announced(session, account, contract, target, utcnow)
        session.commit()
    return visit.redirect(f"/contracts/{contract_id}")


class _VersionForm(BaseModel):
    """The deliver-a-version form, validated like the API's ``VersionIn``."""

    model_config = ConfigDict(extra="ignore")

    deliverable: str = Field(min_length=1, max_length=64)
    text: str = Field(min_length=1, max_length=TEXT_LIMIT)
    note: str | None = Field(default=None, max_length=2000)


def _problems(error: ValidationError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or ""
        found.setdefault(name, []).append(item["msg"])
    return found


def _errors_of(exc: RoundwiseError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in getattr(exc, "problems", ()) or ():
        found.setdefault(problem.path, []).append(problem.reason)
    return found or {"": [exc.message]}


@router.post("/contracts/{contract_id}/versions")
def deliver_version(visit: VisitDep, contract_id: str) -> Response:
    """Deliver the next version of a deliverable (errors shown on the contract page)."""
    account = visit.account
    try:
        form = _VersionForm.model_validate({**visit.form, "note": visit.form.get("note") or None})
    except ValidationError as exc:
        return _contract_page(
            visit, contract_id, 422, version_errors=_problems(exc), posted=visit.form
        )
    try:
        with visit.services.db.writes() as session:
            contract = contracts.lock_contract(session, account, contract_id)
            terms = contracts.terms_of(contract)
            content = (form.deliverable, form.text, None, form.note)
            versions.submit_version(session, contract, terms, content, None, utcnow)
            session.commit()
    except RoundwiseError as exc:
        if isinstance(exc, NotFoundError):
            raise
        errors = _errors_of(exc)
        return _contract_page(visit, contract_id, 409, version_errors=errors, posted=visit.form)
    return visit.redirect(f"/contracts/{contract_id}/deliverables/{form.deliverable}")


class _RequestForm(BaseModel):
    """The record-a-request form, validated like the API's ``RevisionRequestIn``."""

    model_config = ConfigDict(extra="ignore")

    deliverable: str = Field(min_length=1, max_length=64)
    message: str = Field(min_length=1, max_length=MESSAGE_LIMIT)


@router.post("/contracts/{contract_id}/requests")
async def send_request(visit: VisitDep, contract_id: str, request: Request) -> Response:
    """Record the client's message, judge it (as ``POST /v1/…/revision-requests``) and
    open its page."""
    account = visit.account
    try:
        form = _RequestForm.model_validate(visit.form)
    except ValidationError as exc:
        return await _async_contract_page(visit, contract_id, 422, request_errors=_problems(exc))
    engine_request = RevisionRequest(
        deliverable=form.deliverable, message=form.message, channel="web"
    )
    off_loop = OffLoop(long_judging(request)) if judged_off_loop(form.message, [], None) else None
    gateway = gateway_for(visit.services.db, open_async_pool(request))
    try:
        judged = await judge(
            gateway, Judging(account, contract_id, engine_request, utcnow, off_loop=off_loop)
        )
    except RoundwiseError as exc:
        if isinstance(exc, NotFoundError):
            raise
        return await _async_contract_page(visit, contract_id, 409, request_errors=_errors_of(exc))
    return visit.redirect(f"/contracts/{contract_id}/requests/{judged.request.id}")


async def _async_contract_page(
    visit: Visit, contract_id: str, status: int, **extra: Any
) -> Response:
    """The contract page again with the form's errors, read in the thread pool."""
    extra["posted"] = visit.form
    return await run_in_threadpool(partial(_contract_page, visit, contract_id, status, **extra))


@router.get("/contracts/{contract_id}/requests/{request_id}")
def request_page(visit: VisitDep, contract_id: str, request_id: str) -> Response:
    """A request: the message with its cues, the verdict, and the reply to edit and copy."""
    return request_page_with(visit, contract_id, request_id, 200)


def request_page_with(
    visit: Visit, contract_id: str, request_id: str, status: int, **extra: Any
) -> Response:
    """The request page, answering with ``status`` and any form error in ``extra``."""
    with visit.services.db.reads() as session:
        judged = judgements.get_judged(session, visit.account, contract_id, request_id)
        contract = contracts.get_contract(session, visit.account, contract_id)
        terms = contracts.terms_of(contract)
        priced = priced_by(co_store.list_of(session, visit.account, contract_id), request_id)
    visit.prefer(terms.language)
    message = judged.request.document["message"]
    return visit.render(
        "request.html",
        status,
        contract=contract,
        terms=terms,
        judged=judged,
        decision=judged.decision.document,
        reply=judged.reply.document,
        pieces=highlighted(message, terms, judged.request.deliverable_key),
        priced=priced,
        billable=offers_change_order(judged.decision.document.get("verdict", "")),
        intents=INTENTS,
        item_scopes=ITEM_SCOPES,
        stages=STAGES,
        **extra,
    )


def _number(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() and len(value) < 9 else None


@router.get("/contracts/{contract_id}/deliverables/{key}")
def deliverable_page(visit: VisitDep, contract_id: str, key: str, request: Request) -> Response:
    """A deliverable's versions and the redline between two of them (default: the last two)."""
    with visit.services.db.reads() as session:
        contract = contracts.get_contract(session, visit.account, contract_id)
        terms = contracts.terms_of(contract)
        versions.require_deliverable(terms, key)
        rows = list(versions.list_versions(session, contract.id, key, VERSIONS_SHOWN, None).items)
    visit.prefer(terms.language)
    numbers = [v.number for v in rows]
    new = _number(request.query_params.get("to")) or (numbers[-1] if numbers else None)
    old = _number(request.query_params.get("from")) or (new - 1 if new else None)
    by_number = {v.number: v for v in rows}
    comparison = None
    if (
        old in by_number
        and new in by_number
        and by_number[old].text is not None
        and by_number[new].text is not None
    ):
        measured, runs = redline(by_number[old].text or "", by_number[new].text or "")
        comparison = {"old": old, "new": new, "measured": measured, "runs": runs}
    deliverable = next(d for d in terms.deliverables if d.id == key)
    return visit.render(
        "deliverable.html",
        contract=contract,
        deliverable=deliverable,
        versions=rows,
        comparison=comparison,
        old=old,
        new=new,
    )


@router.get("/contracts/{contract_id}/scope")
def scope_page(visit: VisitDep, contract_id: str) -> Response:
    """The scope report with its charts: changed share and out-of-scope asks per request,
    and the creep score over time (each with its figures as a table)."""
    with visit.services.db.reads() as session:
        contract = contracts.get_contract(session, visit.account, contract_id)
        terms = contracts.terms_of(contract)
        events = ledger.load_events(session, contract.id)
        report = scope_report(terms, events, ledger.ledger_time(session, contract.id, utcnow))
    visit.prefer(terms.language)
    _ = visit.gettext()
    data = points(events)
    limit: Decimal | None = terms.revision_policy.max_change_share
    chart = scope_chart(
        data,
        limit,
        _("Changed share and out-of-scope asks per request"),
        (_("Changed share of the text"), _("Out-of-scope asks")),
    )
    creep = creep_points(terms, events)
    creep_svg = creep_chart(
        creep,
        _("Scope creep score over time"),
        _(
            "The scope creep score (0 to 100) after each judged request and delivered "
            "version; below 30 is low, from 30 elevated, from 60 high. The table below "
            "gives the same figures."
        ),
        (_("low"), _("elevated"), _("high")),
    )
    return visit.render(
        "scope.html",
        contract=contract,
        terms=terms,
        report=report,
        chart=chart,
        points=data,
        creep=creep,
        creep_chart=creep_svg,
    )


@router.get("/contracts/{contract_id}/documents/{document}.pdf")
async def document(
    visit: VisitDep, contract_id: str, document: Literal["agreement", "statement"]
) -> Response:
    """The agreement or revision statement, as the API renders it, as a download."""
    services = visit.services
    pool = services.parent.render_pool
    response = await get_document(contract_id, document, visit.account, services.db, pool)
    return _as_download(response)


@router.get("/contracts/{contract_id}/change-orders/{number}.pdf")
async def change_order_document(visit: VisitDep, contract_id: str, number: int) -> Response:
    """A change order as the API renders it, as a download."""
    services = visit.services
    pool = services.parent.render_pool
    response = await get_change_order(contract_id, number, visit.account, services.db, pool)
    return _as_download(response)


def _as_download(response: Response) -> Response:
    """The PDF response saved by the browser rather than shown (``attachment``)."""
    disposition = response.headers.get("content-disposition", "")
    response.headers["content-disposition"] = disposition.replace("inline", "attachment", 1)
    return response


class LintIn(BaseModel):
    """The reply box's text to check (the page's twin of ``POST /v1/replies/lint``)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=50_000)
    language: str = Field(default="en", max_length=10)
    client_name: str | None = Field(default=None, max_length=200)


@router.post("/lint")
async def lint(visit: VisitDep, request: Request) -> Response:
    """Lint findings for the reply box, as JSON (session and CSRF header, no API key)."""
    visit.account  # noqa: B018 (signed in)
    try:
        body = LintIn.model_validate_json(await request.body())
        findings = lint_reply(body.text, body.language, body.client_name)
    except ValidationError as exc:
        return JSONResponse({"errors": _problems(exc)}, 422)
    except UnsupportedLanguageError:
        problem = FieldProblem("language", "no lint rules for this language")
        return JSONResponse({"errors": {problem.path: [problem.reason]}}, 422)
    return JSONResponse({"findings": [f.as_dict() for f in findings]})


__all__ = ["router"]
