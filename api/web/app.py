"""The pages' sub-application: routes, static files, error pages, and how it is mounted."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

from roundwise.api.web import (
    auth_pages,
    change_order_pages,
    contract_pages,
    integration_pages,
    review_pages,
    webhook_pages,
)
from roundwise.api.web.i18n import pick_language, translations
from roundwise.api.web.session import COOKIE_NAME, WebSession, mount_path
from roundwise.api.web.visit import (
    CsrfRefusedError,
    FormRefusedError,
    Services,
    SignInRequiredError,
    Visit,
    _CodecHolder,
    environment,
    holder_of,
)
from roundwise.engine.errors import RoundwiseError
from roundwise.store.errors import ConflictError, NotFoundError

MOUNT = "/app"
STATIC = Path(__file__).parent / "static"


def _error(request: Request, status: int, title: str, detail: str) -> Response:
    """An error page in the visitor's language (no new cookie is set on an error)."""
    codec = holder_of(request).ready
    session = codec.load(request.cookies.get(COOKIE_NAME)) if codec else None
    language = pick_language(
        session.language if session else None, request.headers.get("accept-language"), None
    )
    if codec is not None:
        current = Visit(request, codec, session or WebSession.anonymous(), language, False)
        return current.render("error.html", status, title=title, detail=detail)
    _ = translations(language).gettext
    page = environment.get_template("error.html").render(
        _=_,
        language=language,
        languages={},
        csrf="",
        csrf_field="",
        base=mount_path(request),
        signed_in=False,
        path=request.url.path,
        title=title,
        detail=detail,
    )
    return HTMLResponse(page, status)


async def _sign_in(request: Request, _exc: Exception) -> Response:
    return RedirectResponse(mount_path(request) + "/sign-in", status_code=303)


async def _csrf(request: Request, _exc: Exception) -> Response:
    _ = translations(pick_language(None, request.headers.get("accept-language"), None)).gettext
    detail = _(
        "The form was not accepted: it was sent without this session's security token, "
        "or the session has expired. Reload the page and try again."
    )
    return _error(request, 403, _("Forbidden"), detail)


async def _bad_form(request: Request, _exc: Exception) -> Response:
    _ = translations(pick_language(None, request.headers.get("accept-language"), None)).gettext
    return _error(request, 400, _("Bad request"), _("The form could not be read."))


async def _not_found(request: Request, _exc: Exception) -> Response:
    _ = translations(pick_language(None, request.headers.get("accept-language"), None)).gettext
    return _error(request, 404, _("Not found"), _("There is no such page, or it is not yours."))


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return await _not_found(request, exc)
    return _error(request, exc.status_code, str(exc.status_code), str(exc.detail))


async def _domain(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RoundwiseError)
    if isinstance(exc, NotFoundError):
        return await _not_found(request, exc)
    _ = translations(pick_language(None, request.headers.get("accept-language"), None)).gettext
    status = 409 if isinstance(exc, ConflictError) else 422
    return _error(request, status, _("That did not work"), exc.message)


def build(services: Services) -> FastAPI:
    """The pages as an app of their own (no OpenAPI: they are not part of the API)."""
    web = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    web.state.services, web.state.codec = services, _CodecHolder()
    web.include_router(auth_pages.router)
    web.include_router(contract_pages.router)
    web.include_router(integration_pages.router)
    web.include_router(change_order_pages.router)
    web.include_router(review_pages.router)
    web.include_router(webhook_pages.router)
    web.mount("/static", StaticFiles(directory=STATIC), name="static")
    web.add_exception_handler(SignInRequiredError, _sign_in)
    web.add_exception_handler(CsrfRefusedError, _csrf)
    web.add_exception_handler(FormRefusedError, _bad_form)
    web.add_exception_handler(HTTPException, _http)
    web.add_exception_handler(RoundwiseError, _domain)
    return web


def install(app: FastAPI) -> None:
    """Mount the pages at ``/app`` of the API's app and send ``/`` there."""
    services = Services(app.state.db, app.state.settings, app.state)
    app.mount(MOUNT, build(services))

    async def home() -> RedirectResponse:
        return RedirectResponse(MOUNT + "/", status_code=307)

    app.add_api_route("/", home, methods=["GET"], include_in_schema=False)


__all__ = ["MOUNT", "build", "install"]
