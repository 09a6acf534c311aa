"""Signing in and out of the web pages, and choosing their language.

Two ways in: an API key typed into the sign-in form (checked against the stored hashes
by ``store.accounts.authenticate``; failures count towards the API's own limits per
address and key prefix), or a one-time link printed by ``roundwise account login-link``.
Opening a link shows a button; only pressing it (a POST) uses the link up, so a mail
scanner or a browser's prefetch that follows the link does not spend it.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter
from starlette.responses import Response

from roundwise.api.auth_limit import FailedAuthLimiter, client_address
from roundwise.api.web.i18n import LANGUAGES
from roundwise.api.web.session import WebSession
from roundwise.api.web.visit import Visit, VisitDep
from roundwise.store.accounts import authenticate, key_prefix
from roundwise.store.web_sessions import redeem_login_link

router = APIRouter()
KEY_FIELD_LIMIT = 300


@router.get("/sign-in")
def sign_in_page(visit: VisitDep) -> Response:
    """The sign-in form (a signed-in visitor goes to the contracts)."""
    if visit.session.account_id is not None:
        return visit.redirect("/")
    return visit.render("sign_in.html")


def _refused(visit: Visit, key: str) -> Response:
    """The form again with the reason (401), or 429 once this address or prefix failed
    too often (the API's limiter: the same counts as failed Bearer keys)."""
    _ = visit.gettext()
    limiter = getattr(visit.services.parent, "auth_limiter", None)
    wait = None
    if isinstance(limiter, FailedAuthLimiter):
        wait = limiter.failed(client_address(visit.request), key_prefix(key))
    if wait is not None:
        error = _("Too many failed attempts. Try again in %(seconds)s seconds.") % {"seconds": wait}
        response = visit.render("sign_in.html", 429, error=error)
        response.headers["Retry-After"] = str(wait)
        return response
    return visit.render("sign_in.html", 401, error=_("That API key is unknown or revoked."))


@router.post("/sign-in")
def sign_in(visit: VisitDep) -> Response:
    """Sign in with an API key."""
    key = visit.form.get("api_key", "").strip()[:KEY_FIELD_LIMIT]
    with visit.services.db.reads() as session:
        account = authenticate(session, key) if key else None
    if account is None:
        return _refused(visit, key)
    visit.replace_session(visit.session.signed_in(account, key_prefix(key)))
    return visit.redirect("/")


@router.get("/login/{token}")
def login_link_page(visit: VisitDep, token: str) -> Response:
    """The page a one-time link opens: one button that uses the link."""
    return visit.render("login_link.html", token=token)


@router.post("/login/{token}")
def use_login_link(visit: VisitDep, token: str) -> Response:
    """Sign in with a one-time link (it works once, until it expires)."""
    with visit.services.db.writes() as session:
        account = redeem_login_link(session, token)
        session.commit()
    if account is None:
        _ = visit.gettext()
        error = _("This sign-in link was used already or has expired. Ask for a new one.")
        return visit.render("sign_in.html", 400, error=error)
    visit.replace_session(visit.session.signed_in(account))
    return visit.redirect("/")


@router.post("/sign-out")
def sign_out(visit: VisitDep) -> Response:
    """Forget the signed-in account (the language choice stays)."""
    visit.replace_session(WebSession.anonymous(visit.session.language))
    return visit.redirect("/sign-in")


def _safe_next(path: str) -> str:
    """A path inside the pages to go back to (never another site: no ``//`` or scheme)."""
    if path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/"


@router.post("/language")
def choose_language(visit: VisitDep) -> Response:
    """Remember the interface language chosen on the page."""
    choice = visit.form.get("language", "")
    if choice in LANGUAGES:
        visit.replace_session(replace(visit.session, language=choice))
    back = _safe_next(visit.form.get("next", "/"))
    base = visit.base
    return visit.redirect(back.removeprefix(base) if back.startswith(base) else "/")


__all__ = ["router"]
