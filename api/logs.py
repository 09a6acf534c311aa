"""Structured logs (one JSON object a line) that never hold a key, a secret or client text.

Rule: a log line names things by id and by field path, never by content. An exception
is logged as its type, where it was raised (module, line, function: source positions,
no values) and, for a database error, its SQLSTATE, constraint, table and column —
never its message, which quotes the statement's parameters or the offending value (a
failed INSERT of a contract quoted the client's whole spec). Keys appear as their
public prefix only (``api.auth_limit``); bodies, messages and spec texts never appear.

``configure_logging`` installs this on the ``roundwise`` loggers and on uvicorn's error
logger (whose "Exception in ASGI application" traceback is where a 500 used to be
written out in full); ``ProblemLogMiddleware`` writes one line per refused or failed
request: method, path, status, problem type and the failing field paths.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("roundwise.http")

# LogRecord attributes that are not "extra" fields.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
FRAMES_KEPT = 8
PROBLEM_BODY_KEPT = 64 * 1024
# A part of a field path as the API's own models name them (snake case: ``items[0]``,
# ``spec_text``); anything else may be a client's own mapping key, so is not logged.
_NAME_PART = re.compile(r"[a-z_][a-z0-9_]{0,39}(\[\d{1,6}\])*")


def error_summary(exc: BaseException) -> dict[str, Any]:
    """What may be logged of an exception: types, positions, database codes; no message."""
    summary: dict[str, Any] = {"type": _qualified(exc)}
    frames = traceback.extract_tb(exc.__traceback__)
    # our own frames (the last few), then the library frame the error was raised in
    ours = [f for f in frames if "site-packages" not in f.filename][-FRAMES_KEPT:]
    kept = ours + [f for f in frames[-1:] if f not in ours]
    summary["at"] = [f"{_short(f.filename)}:{f.lineno} in {f.name}" for f in kept]
    summary |= _database_codes(exc)
    causes: list[str] = []
    cause = exc.__cause__ or exc.__context__
    while cause is not None and len(causes) < 4:
        causes.append(_qualified(cause))
        cause = cause.__cause__ or cause.__context__
    if causes:
        summary["caused_by"] = causes
    return summary


def _short(filename: str) -> str:
    """The last two parts of a source path (``routes/contracts.py``)."""
    return "/".join(filename.replace("\\", "/").rsplit("/", 2)[-2:])


def _safe_path(path: object) -> str:
    """A field path with any part that is not a short name (a client's own mapping key,
    which may be any text) replaced by ``*``."""
    parts = str(path).split(".")
    return ".".join(p if _NAME_PART.fullmatch(p) else "*" for p in parts)


def _qualified(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


def _database_codes(exc: BaseException) -> dict[str, Any]:
    """SQLSTATE and names from a (wrapped) psycopg error's diagnostics: no values."""
    original = getattr(exc, "orig", exc)
    diag = getattr(original, "diag", None)
    codes = {"sqlstate": getattr(original, "sqlstate", None)}
    for name in ("constraint_name", "table_name", "column_name"):
        codes[name] = getattr(diag, name, None) if diag is not None else None
    return {k: v for k, v in codes.items() if isinstance(v, str)}


class RedactExceptions(logging.Filter):
    """Replace a record's traceback by ``error_summary`` (an ``error`` field)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.error = error_summary(record.exc_info[1])
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message and the extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if record.exc_info and record.exc_info[1] is not None:  # not through the filter
            entry["error"] = error_summary(record.exc_info[1])
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for ``roundwise.*``; tracebacks redacted there and in uvicorn's
    error log. Idempotent (each worker calls it when its app starts)."""
    ours = logging.getLogger("roundwise")
    if not any(isinstance(h.formatter, JsonFormatter) for h in ours.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RedactExceptions())
        ours.addHandler(handler)
    ours.setLevel(level)
    for name in ("roundwise", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactExceptions) for f in logger.filters):
            logger.addFilter(RedactExceptions())


def problem_fields(body: bytes) -> dict[str, Any]:
    """The problem type and the failing field paths of a problem+json body (no values)."""
    try:
        problem = json.loads(body)
    except ValueError:
        return {}
    if not isinstance(problem, dict):
        return {}
    fields: dict[str, Any] = {"problem": problem.get("type")}
    errors = problem.get("errors")
    if isinstance(errors, list):
        fields["fields"] = [_safe_path(e.get("path")) for e in errors[:20] if isinstance(e, dict)]
    return fields


class ProblemLogMiddleware:
    """One structured line per request answered with an error, or failing with one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status, problem = 0, bytearray()

        async def watching_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and status >= 400:
                problem.extend(message.get("body", b"")[: PROBLEM_BODY_KEPT - len(problem)])
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except Exception as exc:
            fields = _request_fields(scope) | {"status": 500, "error": error_summary(exc)}
            log.error("request failed", extra=fields)
            raise
        if status >= 400:
            fields = _request_fields(scope) | {"status": status} | problem_fields(bytes(problem))
            log.log(
                logging.WARNING if status >= 500 else logging.INFO, "request refused", extra=fields
            )


def _request_fields(scope: Scope) -> dict[str, Any]:
    state = scope.get("state", {})
    account = state.get("account_id") if isinstance(state, dict) else None
    return {"method": scope["method"], "path": scope["path"], "account": account}


__all__ = [
    "JsonFormatter",
    "ProblemLogMiddleware",
    "RedactExceptions",
    "configure_logging",
    "error_summary",
    "problem_fields",
]
