"""One page request: its session, language, form and the way pages are answered.

``VisitDep`` is every page's dependency. It reads the session cookie (a new anonymous
session if there is none or it expired), picks the language, and for a POST reads the
form (``application/x-www-form-urlencoded``, parsed here: no multipart parser is needed
for these forms) and refuses it with 403 unless its CSRF token is the session's. A JSON
POST (the reply box's lint call from script) sends the token as ``X-CSRF-Token``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl

from anyio import to_thread
from babel.numbers import format_currency
from fastapi import Depends, Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from roundwise.api.settings import Settings
from roundwise.api.web.i18n import LANGUAGES, babel_locale, pick_language, translations
from roundwise.api.web.session import (
    COOKIE_NAME,
    CSRF_FIELD,
    CSRF_HEADER,
    SessionCodec,
    WebSession,
    mount_path,
)
from roundwise.store.db import Database
from roundwise.store.web_sessions import cookie_secret, key_still_live

TEMPLATES = Path(__file__).parent / "templates"
environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
FORM_TYPE = "application/x-www-form-urlencoded"
# Every page: not cached (it shows an account's data), scripts and styles only from the
# pages' own static files, never framed (clickjacking), and no Referer to other sites
# (a one-time sign-in link's token is in its URL).
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def money(amount: object, currency: str, language: str) -> str:
    """An amount in the page's language (``€45.00``, ``45,00 €``)."""
    try:
        return format_currency(Decimal(str(amount)), currency, locale=babel_locale(language))
    except (InvalidOperation, ValueError):
        return f"{amount} {currency}"


environment.filters["money"] = money


class SignInRequiredError(Exception):
    """The page needs a signed-in session (answered with a redirect to the sign-in page)."""


class CsrfRefusedError(Exception):
    """A POST without this session's CSRF token (answered with 403)."""


class FormRefusedError(Exception):
    """A POST body these pages do not read (not a URL-encoded form; answered with 400)."""


@dataclass(frozen=True, slots=True)
class Services:
    """What the pages use of the API app that mounts them."""

    db: Database
    settings: Settings
    parent: Any  # the API app's state: render pool, async pool, auth limiter


class _CodecHolder:
    """The cookie codec, made on first use (its key may be read from the database)."""

    def __init__(self) -> None:
        self._codec: SessionCodec | None = None
        self._lock = threading.Lock()

    def get(self, services: Services) -> SessionCodec:
        with self._lock:
            if self._codec is None:
                secret = services.settings.web_secret or cookie_secret(services.db.writes)
                self._codec = SessionCodec(secret, services.settings.web_session_max_age_seconds)
            return self._codec

    @property
    def ready(self) -> SessionCodec | None:
        return self._codec


def services_of(request: Request) -> Services:
    """The services the mounting app handed to the pages (``api.web.install``)."""
    services = request.app.state.services
    assert isinstance(services, Services)
    return services


def holder_of(request: Request) -> _CodecHolder:
    holder = request.app.state.codec
    assert isinstance(holder, _CodecHolder)
    return holder


@dataclass(slots=True)
class Visit:
    """A page request: the session, the language, the form (POST) and how to answer."""

    request: Request
    codec: SessionCodec
    session: WebSession
    language: str
    send_cookie: bool
    form: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        """The pages' root path (``/app``), for links."""
        return mount_path(self.request)

    @property
    def account(self) -> str:
        """The signed-in account's id; a page that needs one redirects to the sign-in."""
        if self.session.account_id is None:
            raise SignInRequiredError
        return self.session.account_id

    @property
    def services(self) -> Services:
        return services_of(self.request)

    def prefer(self, contract_language: str | None) -> None:
        """Let a contract's language decide when neither a choice nor the browser does."""
        header = self.request.headers.get("accept-language")
        self.language = pick_language(self.session.language, header, contract_language)

    def gettext(self) -> Callable[[str], str]:
        return translations(self.language).gettext

    def finish(self, response: Response) -> Response:
        """Send the session cookie when it is new or changed."""
        if self.send_cookie:
            self.codec.set_cookie(response, self.request, self.session)
        return response

    def replace_session(self, session: WebSession) -> None:
        """A new session (signed in, language chosen), sent with the response."""
        self.session, self.send_cookie = session, True
        self.prefer(None)

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        """The page ``template`` in the visit's language."""
        page = environment.get_template(template).render(
            _=self.gettext(),
            ngettext=translations(self.language).ngettext,
            language=self.language,
            languages=LANGUAGES,
            csrf=self.session.csrf,
            csrf_field=CSRF_FIELD,
            base=self.base,
            signed_in=self.session.account_id is not None,
            path=self.request.url.path,
            **context,
        )
        headers = {**PAGE_HEADERS, "Content-Language": self.language}
        return self.finish(HTMLResponse(page, status, headers=headers))

    def redirect(self, path: str) -> Response:
        """303 to a page (after a POST), keeping the session."""
        return self.finish(RedirectResponse(self.base + path, status_code=303))


async def _form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise FormRefusedError
    try:
        text = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise FormRefusedError from None
    return dict(parse_qsl(text, keep_blank_values=True, max_num_fields=200))


async def codec_for(request: Request) -> SessionCodec:
    """The cookie codec (the first call per process may read its key from the database)."""
    holder = holder_of(request)
    ready = holder.ready
    if ready is not None:
        return ready
    return await to_thread.run_sync(holder.get, services_of(request))


async def visit(request: Request) -> Visit:
    """The page request's visit (see the module docstring)."""
    codec = await codec_for(request)
    loaded = codec.load(request.cookies.get(COOKIE_NAME))
    session, send_cookie = loaded or WebSession.anonymous(), loaded is None
    if session.key_prefix is not None and session.account_id is not None:
        live = await to_thread.run_sync(_key_live, services_of(request).db, session)
        if not live:  # the key signed in with was revoked: signed out from here on
            session, send_cookie = WebSession.anonymous(session.language), True
    language = pick_language(session.language, request.headers.get("accept-language"), None)
    current = Visit(request, codec, session, language, send_cookie)
    if request.method == "POST":
        if request.headers.get("content-type", "").startswith("application/json"):
            presented = request.headers.get(CSRF_HEADER)  # the reply box's lint call
        else:
            current.form = await _form(request)
            presented = current.form.get(CSRF_FIELD)
        if send_cookie or not session.csrf_matches(presented):
            raise CsrfRefusedError
    return current


def _key_live(db: Database, session: WebSession) -> bool:
    assert session.key_prefix is not None
    assert session.account_id is not None
    with db.reads() as reads:
        return key_still_live(reads, session.key_prefix, session.account_id)


VisitDep = Annotated[Visit, Depends(visit)]

__all__ = [
    "CsrfRefusedError",
    "FormRefusedError",
    "Services",
    "SignInRequiredError",
    "Visit",
    "VisitDep",
    "codec_for",
    "environment",
    "services_of",
    "visit",
]
