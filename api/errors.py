"""The one place that turns errors into RFC 9457 ``application/problem+json`` responses.

``STATUS_BY_ERROR`` is the table from error class to HTTP status; the problem ``type`` is
``/problems/<code>`` built from the error's stable ``code``. Routes never build error
bodies: they raise, and declare ``problem_responses(...)`` so OpenAPI documents them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from roundwise.contracts.errors import (
    DocumentError,
    DocumentNotFoundError,
    UnsafeResourceError,
    UnsignedLedgerError,
)
from roundwise.engine.errors import (
    FieldProblem,
    LedgerError,
    RequestError,
    RoundwiseError,
    SpecError,
    UnsupportedLanguageError,
)
from roundwise.store.errors import (
    ConflictError,
    IdempotencyKeyReusedError,
    NotFoundError,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class AuthenticationError(RoundwiseError):
    """No, a malformed, an unknown or a revoked API key (drawn in ``engine/errors.py``)."""

    code = "unauthorized"


class TooManyFailedAttemptsError(RoundwiseError):
    """Too many failed authentications from this address or for this key prefix
    (``api.auth_limit``); ``retry_after`` seconds until the next attempt is counted."""

    code = "too-many-failed-attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed authentications; retry after {retry_after} s")
        self.retry_after = retry_after


class ContentTooLarge(HTTPException):
    """The request body is over the configured limit (raised while the body streams in)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit} bytes")


STATUS_BY_ERROR: dict[type[RoundwiseError], int] = {
    AuthenticationError: 401,
    TooManyFailedAttemptsError: 429,
    NotFoundError: 404,
    ConflictError: 409,
    IdempotencyKeyReusedError: 422,
    SpecError: 422,
    RequestError: 422,
    LedgerError: 422,
    UnsupportedLanguageError: 422,
    DocumentError: 422,
    DocumentNotFoundError: 404,
    UnsafeResourceError: 500,
    UnsignedLedgerError: 409,
    RoundwiseError: 400,
}

CODE_BY_STATUS = {
    400: "bad-request",
    401: "unauthorized",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation-error",
    429: "too-many-requests",
    500: "internal-error",
}

TITLE_BY_STATUS = {
    400: "Bad request",
    401: "Authentication required",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal error",
}


class FieldError(BaseModel):
    """One failing field: a path such as ``spec.deliverables[1].unit`` and the reason."""

    path: str
    reason: str


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(description="Stable problem type, `/problems/<code>`.")
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] = Field(default_factory=list)


def status_of(error: RoundwiseError) -> int:
    """The status for an error: the table entry of its nearest class."""
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


def problem_response(
    status: int,
    code: str,
    detail: str,
    instance: str | None = None,
    problems: tuple[FieldProblem, ...] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """Render one problem+json response."""
    body = Problem(
        type=f"/problems/{code}",
        title=TITLE_BY_STATUS.get(status, "Error"),
        status=status,
        detail=detail,
        instance=instance,
        errors=[FieldError(path=p.path, reason=p.reason) for p in problems],
    )
    return JSONResponse(
        body.model_dump(mode="json"),
        status,
        headers=dict(headers) if headers else None,
        media_type=PROBLEM_MEDIA_TYPE,
    )


def error_response(error: RoundwiseError, instance: str | None = None) -> JSONResponse:
    """The problem response for a Roundwise error (also used by the middlewares)."""
    status = status_of(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(error, TooManyFailedAttemptsError):
        headers = {"Retry-After": str(error.retry_after)}
    return problem_response(status, error.code, error.message, instance, error.problems, headers)


def http_error_response(error: HTTPException, instance: str | None = None) -> JSONResponse:
    """The problem response for a framework HTTP error (unknown route, wrong method, 413)."""
    code = CODE_BY_STATUS.get(error.status_code, "http-error")
    return problem_response(
        error.status_code, code, str(error.detail), instance, headers=error.headers
    )


def unreadable_body(error: HTTPException) -> FieldProblem | None:
    """Why FastAPI could not decode a JSON body it answers with a bare 400, as a problem of
    the field ``body``: the decoder gives up on nesting (RecursionError) or on a number of
    more digits than Python converts (ValueError), before any field can be named."""
    if error.status_code != 400:
        return None
    cause = error.__cause__
    if isinstance(cause, RecursionError):
        return FieldProblem("body", "the JSON is nested too deeply to read")
    if isinstance(cause, ValueError) and "digits" in str(cause):
        return FieldProblem("body", "a number in the JSON has too many digits")
    return None


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "spec", "deliverables", 1, "unit")`` → ``spec.deliverables[1].unit``."""
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"} and len(parts) > 1:
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def validation_problems(error: RequestValidationError) -> tuple[FieldProblem, ...]:
    """Each pydantic error as a field problem."""
    return tuple(FieldProblem(field_path(e["loc"]), e["msg"]) for e in error.errors())


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""

    async def on_roundwise(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RoundwiseError)
        return error_response(exc, request.url.path)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = validation_problems(exc)
        detail = "; ".join(f"{p.path}: {p.reason}" for p in problems)
        return problem_response(422, "validation-error", detail, request.url.path, problems)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        unreadable = unreadable_body(exc)
        if unreadable is not None:
            detail = f"body: {unreadable.reason}"
            return problem_response(
                422, "validation-error", detail, request.url.path, (unreadable,)
            )
        return http_error_response(exc, request.url.path)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette's ServerErrorMiddleware sends this, then re-raises so the server logs
        # the traceback; the client gets a problem like every other error, not plain text.
        detail = "An unexpected error occurred and has been logged. A retry with the same "
        detail += "Idempotency-Key is safe: the request is applied at most once."
        return problem_response(500, "internal-error", detail, request.url.path)

    app.add_exception_handler(RoundwiseError, on_roundwise)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting the problem+json bodies a route can return."""
    return {
        status: {
            "model": Problem,
            "description": TITLE_BY_STATUS.get(status, "Error"),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "STATUS_BY_ERROR",
    "AuthenticationError",
    "ContentTooLarge",
    "FieldError",
    "Problem",
    "TooManyFailedAttemptsError",
    "error_response",
    "field_path",
    "http_error_response",
    "install",
    "problem_response",
    "problem_responses",
    "status_of",
]
