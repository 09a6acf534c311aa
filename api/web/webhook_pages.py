"""The account's outbound webhook endpoints: the list with the form that adds one, and one
endpoint's page with its actions (enable or disable, rotate the secret, delete) and its
delivery log, each delivery with its attempts and a Redeliver button.

The form is validated as the API validates it (``EndpointIn``, then ``check_url`` with the
service's ``webhooks_allow_private``) and every action calls the same
``store.webhooks.endpoints`` functions as ``api/routes/webhooks.py``, so a page and
``/v1/webhook-endpoints`` cannot disagree (redelivering is refused, 409, while the
endpoint is disabled or an attempt is running, by the store, for both). The secret is
shown once, on the page answering the form that made or rotated it (no redirect: it is
never kept in the session or anywhere but its column).
"""

from __future__ import annotations

from typing import Any, get_args

from fastapi import APIRouter
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from roundwise.api.routes.webhooks import EndpointIn, EventType
from roundwise.api.web.contract_pages import _problems
from roundwise.api.web.visit import Visit, VisitDep
from roundwise.store.base import utcnow
from roundwise.store.errors import ConflictError, NotFoundError
from roundwise.store.webhooks import endpoints as repo
from roundwise.store.webhooks.addresses import DestinationRefusedError, check_url

router = APIRouter()
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
# One checkbox per type, named ``event:<type>`` (the parsed form keeps one value a name).
EVENT_FIELD = "event:"
ENDPOINTS_SHOWN = 100
DELIVERIES_SHOWN = 20
USER_DISABLED = "disabled by the user"  # store.webhooks.endpoints.update_endpoint's reason


def _endpoint_rows(session: Session, account: str) -> tuple[list[dict[str, Any]], bool]:
    """The account's endpoints with their event types (as the API lists them)."""
    page = repo.list_endpoints(session, account, ENDPOINTS_SHOWN, None)
    rows = [{"endpoint": e, "event_types": repo.event_types_of(session, e.id)} for e in page.items]
    return rows, page.next_cursor is not None


def _list_page(visit: Visit, status: int = 200, **extra: Any) -> Response:
    """The account's endpoints and the form that adds one."""
    with visit.services.db.reads() as session:
        rows, more = _endpoint_rows(session, visit.account)
    extra.setdefault("form", {})
    extra.setdefault("errors", {})
    extra.setdefault("chosen", set())
    return visit.render(
        "webhooks.html",
        status,
        endpoints=rows,
        more=more,
        event_types=EVENT_TYPES,
        user_disabled=USER_DISABLED,
        **extra,
    )


@router.get("/webhooks")
def webhooks_page(visit: VisitDep) -> Response:
    """The account's webhook endpoints: URL, events, enabled or why not."""
    return _list_page(visit)


def _chosen(form: dict[str, str]) -> list[str]:
    """The event types whose checkbox is ticked, in the API's order."""
    return [t for t in EVENT_TYPES if form.get(EVENT_FIELD + t)]


def _form_errors(visit: Visit, error: ValidationError) -> dict[str, list[str]]:
    """The API's validation problems by field; the event types' one said plainly."""
    _ = visit.gettext()
    errors: dict[str, list[str]] = {}
    for name, messages in _problems(error).items():
        if name.startswith("event_types"):
            errors["event_types"] = [_("Choose at least one event.")]
        else:
            errors.setdefault(name, []).extend(messages)
    return errors


@router.post("/webhooks")
def create_endpoint(visit: VisitDep) -> Response:
    """Add an endpoint; the answer shows its signing secret, this once."""
    account, form, chosen = visit.account, visit.form, _chosen(visit.form)
    body = {
        "url": form.get("url", "").strip(),
        "event_types": chosen,
        "description": form.get("description", ""),
    }
    again = {"form": form, "chosen": set(chosen)}
    try:
        endpoint_in = EndpointIn.model_validate(body)
        check_url(endpoint_in.url, allow_private=visit.services.settings.webhooks_allow_private)
    except ValidationError as exc:
        return _list_page(visit, 422, errors=_form_errors(visit, exc), **again)
    except DestinationRefusedError as exc:
        errors = {p.path: [p.reason] for p in exc.problems}
        return _list_page(visit, 422, errors=errors, **again)
    with visit.services.db.writes() as session:
        endpoint = repo.create_endpoint(
            session,
            account,
            endpoint_in.url,
            endpoint_in.event_types,
            endpoint_in.description,
            utcnow(),
        )
        session.commit()
        endpoint_id, secret = endpoint.id, endpoint.secret
    return _secret_page(visit, endpoint_id, secret, rotated=False)


def _secret_page(visit: Visit, endpoint_id: str, secret: str, rotated: bool) -> Response:
    with visit.services.db.reads() as session:
        endpoint = repo.get_endpoint(session, visit.account, endpoint_id)
    return visit.render("webhook_secret.html", endpoint=endpoint, secret=secret, rotated=rotated)


def _page(visit: Visit, endpoint_id: str, status: int = 200, **extra: Any) -> Response:
    """One endpoint, its actions and its newest deliveries with every attempt."""
    account = visit.account
    with visit.services.db.reads() as session:
        endpoint = repo.get_endpoint(session, account, endpoint_id)
        event_types = repo.event_types_of(session, endpoint.id)
        log = repo.list_deliveries(session, account, endpoint.id, DELIVERIES_SHOWN, None)
        deliveries = [repo.get_delivery(session, account, v.delivery.id) for v in log.items]
    return visit.render(
        "webhook.html",
        status,
        endpoint=endpoint,
        event_types=event_types,
        deliveries=deliveries,
        more=log.next_cursor is not None,
        user_disabled=USER_DISABLED,
        **extra,
    )


@router.get("/webhooks/{endpoint_id}")
def endpoint_page(visit: VisitDep, endpoint_id: str) -> Response:
    """One endpoint with its delivery log."""
    return _page(visit, endpoint_id)


@router.post("/webhooks/{endpoint_id}/enabled")
def set_enabled(visit: VisitDep, endpoint_id: str) -> Response:
    """Disable (deliveries wait) or enable (the pending ones resume), as PATCH does."""
    change = repo.EndpointChange(enabled=visit.form.get("enabled") == "true")
    with visit.services.db.writes() as session:
        repo.update_endpoint(session, visit.account, endpoint_id, change, utcnow())
        session.commit()
    return visit.redirect(f"/webhooks/{endpoint_id}")


@router.post("/webhooks/{endpoint_id}/rotate-secret")
def rotate_secret(visit: VisitDep, endpoint_id: str) -> Response:
    """A new signing secret, shown once; the old one stops signing at once."""
    with visit.services.db.writes() as session:
        secret = repo.rotate_secret(session, visit.account, endpoint_id, utcnow())
        session.commit()
    return _secret_page(visit, endpoint_id, secret, rotated=True)


@router.post("/webhooks/{endpoint_id}/delete")
def delete_endpoint(visit: VisitDep, endpoint_id: str) -> Response:
    """Delete the endpoint with its deliveries and their attempts."""
    with visit.services.db.writes() as session:
        repo.delete_endpoint(session, visit.account, endpoint_id)
        session.commit()
    return visit.redirect("/webhooks")


@router.post("/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver")
def redeliver(visit: VisitDep, endpoint_id: str, delivery_id: str) -> Response:
    """Send the event again (same ``webhook-id``); refused (409, said on the endpoint's
    page) while the endpoint is disabled or an attempt of the delivery is running."""
    account = visit.account
    _ = visit.gettext()
    try:
        with visit.services.db.writes() as session:
            if repo.get_delivery(session, account, delivery_id).delivery.endpoint_id != endpoint_id:
                raise NotFoundError(f"no delivery {delivery_id!r} to endpoint {endpoint_id!r}")
            repo.redeliver(session, account, delivery_id, utcnow())
            session.commit()
    except ConflictError:
        with visit.services.db.reads() as session:
            enabled = repo.get_endpoint(session, account, endpoint_id).enabled
        refusal = (
            _("An attempt of this delivery is running; try again shortly.")
            if enabled
            else _("The endpoint is disabled: enable it first, then redeliver.")
        )
        return _page(visit, endpoint_id, 409, refusal=refusal)
    return visit.redirect(f"/webhooks/{endpoint_id}")


__all__ = ["router"]
