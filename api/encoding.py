"""JSON request bodies are UTF-8 (RFC 8259 §8.1), or the request is a 415 problem.

Python's ``json.loads`` guesses UTF-16 and UTF-32 from a body's first bytes, so a body
in either was accepted, and a stored text then depended on a guess. Here a JSON body
(``Content-Type`` JSON, or none, which FastAPI reads as JSON) must be valid UTF-8 and
hold no NUL byte (no JSON text has one outside an escape; UTF-16 and UTF-32 text always
does), and a ``charset`` parameter, if sent, must say UTF-8. A UTF-8 byte order mark
is tolerated, as RFC 8259 allows. The body is checked as it streams in, without being
held, like ``BodyLimitMiddleware`` checks its size.
"""

from __future__ import annotations

import codecs
from email.message import Message as MimeMessage

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roundwise.api.errors import http_error_response
from roundwise.api.middleware import header, refusing_while_streaming


class NotUtf8Json(HTTPException):
    """The JSON body is not UTF-8 (or declares another charset)."""

    def __init__(self, why: str) -> None:
        super().__init__(415, f"JSON request bodies must be UTF-8 (RFC 8259): {why}")


def json_charset(content_type: str | None) -> str | bool | None:
    """For a request's Content-Type: False if it is not JSON (not checked here), else its
    ``charset`` parameter (None when it has none)."""
    if content_type is None:
        return None
    mime = MimeMessage()
    mime["content-type"] = content_type
    subtype = mime.get_content_subtype()
    if mime.get_content_maintype() != "application" or not (
        subtype == "json" or subtype.endswith("+json")
    ):
        return False
    charset = mime.get_param("charset")
    return charset if isinstance(charset, str) else None


def check_charset(charset: str) -> None:
    """A declared charset must name UTF-8."""
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        name = charset
    if name != "utf-8":
        raise NotUtf8Json(f"the declared charset is {charset!r}")


class Utf8JsonMiddleware:
    """415 problem+json for a JSON body that is not UTF-8 (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        charset = json_charset(header(scope, b"content-type"))
        if charset is False:
            await self.app(scope, receive, send)
            return
        try:
            if isinstance(charset, str):
                check_charset(charset)
        except NotUtf8Json as exc:
            await http_error_response(exc, scope["path"])(scope, receive, send)
            return
        await self._checked(scope, receive, send)

    async def _checked(self, scope: Scope, receive: Receive, send: Send) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")("strict")

        async def checking_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                if b"\x00" in chunk:
                    raise NotUtf8Json("it holds NUL bytes (UTF-16 or UTF-32?)")
                try:
                    decoder.decode(chunk, final=not message.get("more_body", False))
                except UnicodeDecodeError:
                    raise NotUtf8Json("it is not valid UTF-8") from None
            return message

        await refusing_while_streaming(self.app, scope, receive, send, checking_receive)


__all__ = ["NotUtf8Json", "Utf8JsonMiddleware", "check_charset", "json_charset"]
