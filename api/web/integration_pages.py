"""A contract's integrations: the list, the form that links a client's tool, and one
integration's page with its actions (pause or resume, rotate the secret, delete) and its
inbound delivery log.

The forms are validated as the API validates them (``IntegrationIn``, the provider's
``external_ref`` pattern, the provider's secret form) and act through the same
``store.integrations`` functions, so a page and ``/v1/integrations`` cannot disagree.
A secret is shown once, on the page that answers the form which made or rotated it
(no redirect: the secret is never kept in the session or anywhere but its column).
"""

from __future__ import annotations

import re
from typing import Any, get_args

from fastapi import APIRouter
from pydantic import ValidationError
from starlette.responses import Response

from roundwise.api.routes.integrations import (
    SECRET_REQUIRED,
    IntegrationIn,
    Provider,
    check_external_ref,
    checked_secret,
)
from roundwise.api.web.contract_pages import _problems
from roundwise.api.web.visit import Visit, VisitDep
from roundwise.engine.errors import RequestError
from roundwise.store import contracts
from roundwise.store import integrations as repo
from roundwise.store.errors import NotFoundError
from roundwise.store.models import Integration

router = APIRouter()
PROVIDERS: tuple[str, ...] = get_args(Provider)
INTEGRATIONS_SHOWN = 100
DELIVERIES_SHOWN = 50
_SEPARATORS = re.compile(r"[,\n]")


def _ids(text: str) -> list[str]:
    """People's ids typed one a line or separated by commas."""
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def _hook_base(visit: Visit) -> str:
    """Where the API is served: the public URL if set, else this request's origin and
    the API's root (the pages' mount path taken off)."""
    public = visit.services.settings.public_url
    if public:
        return public
    base = str(visit.request.base_url).rstrip("/")
    mount = visit.base.rstrip("/")
    return (base.removesuffix(mount) if mount else base) + "/"


def _owned(session: Any, account: str, contract_id: str, integration_id: str) -> Integration:
    """The account's integration on this contract (one on another contract: not found)."""
    row = repo.get_integration(session, account, integration_id)
    if row.contract_id != contract_id:
        raise NotFoundError(f"no integration {integration_id!r} on contract {contract_id!r}")
    return row


def _list_page(visit: Visit, contract_id: str, status: int = 200, **extra: Any) -> Response:
    """The contract's integrations and the form that adds one."""
    account = visit.account
    with visit.services.db.reads() as session:
        contract = contracts.get_contract(session, account, contract_id)
        terms = contracts.terms_of(contract)
        page = repo.list_integrations(
            session, account, INTEGRATIONS_SHOWN, None, contract_id=contract.id
        )
        rows = list(page.items)
    visit.prefer(terms.language)
    extra.setdefault("form", {})
    extra.setdefault("errors", {})
    return visit.render(
        "integrations.html",
        status,
        contract=contract,
        terms=terms,
        integrations=rows,
        more=page.next_cursor is not None,
        providers=PROVIDERS,
        secret_required=SECRET_REQUIRED,
        **extra,
    )


@router.get("/contracts/{contract_id}/integrations")
def integrations_page(visit: VisitDep, contract_id: str) -> Response:
    """The contract's integrations: provider, what they watch, hook URL, paused."""
    return _list_page(visit, contract_id)


def _validated(contract_id: str, form: dict[str, str]) -> IntegrationIn:
    """The form as the API's request body (raises ``ValidationError`` or ``RequestError``)."""
    body = IntegrationIn.model_validate(
        {
            "provider": form.get("provider", ""),
            "contract_id": contract_id,
            "deliverable": form.get("deliverable", ""),
            "external_ref": form.get("external_ref", "").strip(),
            "client_ids": _ids(form.get("client_ids", "")),
            "freelancer_ids": _ids(form.get("freelancer_ids", "")),
            "secret": form.get("secret", "").strip() or None,
        }
    )
    check_external_ref(body.provider, body.external_ref)
    return body


@router.post("/contracts/{contract_id}/integrations")
def create_integration(visit: VisitDep, contract_id: str) -> Response:
    """Link a tool; the answer shows the hook URL and the secret, this once."""
    account = visit.account
    try:
        body = _validated(contract_id, visit.form)
        secret = checked_secret(body.provider, body.secret)
    except ValidationError as exc:
        return _list_page(visit, contract_id, 422, form=visit.form, errors=_problems(exc))
    except RequestError as exc:
        errors = {p.path: [p.reason] for p in exc.problems} or {"": [exc.message]}
        return _list_page(visit, contract_id, 422, form=visit.form, errors=errors)
    new = repo.NewIntegration(
        body.provider,
        contract_id,
        body.deliverable,
        body.external_ref,
        tuple(body.client_ids),
        tuple(body.freelancer_ids),
    )
    with visit.services.db.writes() as session:
        row = repo.create_integration(
            session, account, new, secret, repo.HookUrl(_hook_base(visit))
        )
        session.commit()
    return _secret_page(visit, contract_id, row.id, secret, rotated=False)


def _secret_page(
    visit: Visit, contract_id: str, integration_id: str, secret: str, rotated: bool
) -> Response:
    with visit.services.db.reads() as session:
        contract = contracts.get_contract(session, visit.account, contract_id)
        row = _owned(session, visit.account, contract_id, integration_id)
    visit.prefer(contracts.terms_of(contract).language)
    return visit.render(
        "integration_secret.html",
        contract=contract,
        integration=row,
        secret=secret,
        rotated=rotated,
    )


@router.get("/contracts/{contract_id}/integrations/{integration_id}")
def integration_page(visit: VisitDep, contract_id: str, integration_id: str) -> Response:
    """One integration: its settings, its actions and its inbound delivery log."""
    account = visit.account
    with visit.services.db.reads() as session:
        contract = contracts.get_contract(session, account, contract_id)
        row = _owned(session, account, contract_id, integration_id)
        log = repo.list_deliveries(session, account, row.id, DELIVERIES_SHOWN, None)
    visit.prefer(contracts.terms_of(contract).language)
    return visit.render(
        "integration.html",
        contract=contract,
        integration=row,
        deliveries=list(log.items),
        more=log.next_cursor is not None,
    )


@router.post("/contracts/{contract_id}/integrations/{integration_id}/paused")
def set_paused(visit: VisitDep, contract_id: str, integration_id: str) -> Response:
    """Pause (deliveries are acknowledged and ignored) or resume."""
    paused = visit.form.get("paused") == "true"
    with visit.services.db.writes() as session:
        row = _owned(session, visit.account, contract_id, integration_id)
        repo.set_paused(row, paused)
        session.commit()
    return visit.redirect(f"/contracts/{contract_id}/integrations/{integration_id}")


@router.post("/contracts/{contract_id}/integrations/{integration_id}/rotate-secret")
def rotate_secret(visit: VisitDep, contract_id: str, integration_id: str) -> Response:
    """A new secret (made here, or the provider's own for Trello), shown once."""
    given = visit.form.get("secret", "").strip() or None
    with visit.services.db.writes() as session:
        row = _owned(session, visit.account, contract_id, integration_id)
        secret = checked_secret(row.provider, given)
        repo.rotate_secret(row, secret)
        session.commit()
    return _secret_page(visit, contract_id, integration_id, secret, rotated=True)


@router.post("/contracts/{contract_id}/integrations/{integration_id}/delete")
def delete_integration(visit: VisitDep, contract_id: str, integration_id: str) -> Response:
    """Remove the integration and its delivery log (the requests it made stay)."""
    with visit.services.db.writes() as session:
        repo.delete_integration(
            session, _owned(session, visit.account, contract_id, integration_id)
        )
        session.commit()
    return visit.redirect(f"/contracts/{contract_id}/integrations")


__all__ = ["router"]
