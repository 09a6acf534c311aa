"""The web pages' session: a signed cookie, CSRF tokens bound to it, and its expiry.

The cookie holds the signed-in account's id (or none yet), a random CSRF token, the
chosen interface language and the public prefix of the API key signed in with (a key
revoked since ends the session at the next page), signed with ``itsdangerous`` (an HMAC
over the value and its time of issue). It is read back only within
``web_session_max_age_seconds``; the browser also drops it then (``Max-Age``). It is
HttpOnly, SameSite=Lax, scoped to the pages' path, and Secure when the page was served
over HTTPS.

Every form carries the session's CSRF token (``csrf_token``; the reply box's lint call
sends it as ``X-CSRF-Token``); a POST whose token does not match the cookie's is refused
with 403. Signing in makes a new token, so a token seen before signing in is worthless
after it.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, replace

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE_NAME = "rw_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True, slots=True)
class WebSession:
    """One browser's session: who signed in (None: nobody yet), its CSRF token, language."""

    account_id: str | None
    csrf: str
    language: str | None = None
    key_prefix: str | None = None  # the API key signed in with (None: a one-time link)

    @classmethod
    def anonymous(cls, language: str | None = None) -> WebSession:
        """A new session nobody signed in to (it still needs a CSRF token: sign-in forms)."""
        return cls(None, secrets.token_urlsafe(32), language)

    def signed_in(self, account_id: str, key_prefix: str | None = None) -> WebSession:
        """The session after signing in: the account, the key used, a new CSRF token."""
        return replace(
            self, account_id=account_id, csrf=secrets.token_urlsafe(32), key_prefix=key_prefix
        )

    def csrf_matches(self, presented: str | None) -> bool:
        """Whether a form's (or header's) token is this session's, compared in constant time."""
        return presented is not None and hmac.compare_digest(
            presented.encode("utf-8", "replace"), self.csrf.encode()
        )


class SessionCodec:
    """Signs sessions into cookie values and reads them back while they are young enough."""

    def __init__(self, secret: str, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="roundwise-web-session")
        self.max_age = max_age_seconds

    def dump(self, session: WebSession) -> str:
        """The cookie value of ``session``."""
        data = {
            "a": session.account_id,
            "c": session.csrf,
            "l": session.language,
            "k": session.key_prefix,
        }
        return str(self._serializer.dumps(data))

    def load(self, value: str | None) -> WebSession | None:
        """The session in a cookie value; None if absent, forged, malformed or too old."""
        if not value or len(value) > 4096:
            return None
        try:
            data = self._serializer.loads(value, max_age=self.max_age)
        except BadSignature:  # SignatureExpired is a BadSignature too
            return None
        if not isinstance(data, dict):
            return None
        account, csrf, language, key = (data.get(k) for k in ("a", "c", "l", "k"))
        if not isinstance(csrf, str) or not csrf:
            return None
        return WebSession(
            account if isinstance(account, str) else None,
            csrf,
            language if isinstance(language, str) else None,
            key if isinstance(key, str) else None,
        )

    def set_cookie(self, response: Response, request: Request, session: WebSession) -> None:
        """Send ``session`` as the cookie (Secure when this request came over HTTPS)."""
        response.set_cookie(
            COOKIE_NAME,
            self.dump(session),
            max_age=self.max_age,
            path=mount_path(request),
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="lax",
        )


def mount_path(request: Request) -> str:
    """The path the pages are mounted at (the cookie's path), e.g. ``/app``."""
    return str(request.scope.get("root_path", "")) or "/"


__all__ = ["COOKIE_NAME", "CSRF_FIELD", "CSRF_HEADER", "SessionCodec", "WebSession", "mount_path"]
