"""Each provider's webhook signature, checked on the raw body before anything parses it.

Every comparison is ``hmac.compare_digest`` over bytes (constant time); a missing,
malformed or wrong signature, or a stale timestamp, is ``InvalidSignatureError`` (401,
nothing stored). The schemes, as the providers document them:

- GitHub: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>``.
- Jira Cloud (a webhook registered with a secret): ``X-Hub-Signature: sha256=<hex>``,
  the same HMAC-SHA256 of the body (the WebSub ``method=signature`` form).
- Linear: ``Linear-Signature: <hex HMAC-SHA256(secret, body)>``, and the body's
  ``webhookTimestamp`` (Unix milliseconds) within ``LINEAR_REPLAY_WINDOW`` of now.
- Trello: ``X-Trello-Webhook: <base64 HMAC-SHA1(secret, body + callback URL)>``, the
  callback URL exactly as registered (the integration's ``hook_url``).
- Standard Webhooks (e-mail, generic): ``webhook-id``, ``webhook-timestamp`` (within 5
  minutes) and ``webhook-signature``, checked by the ``standardwebhooks`` package.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from typing import Any

from standardwebhooks.webhooks import EmptyWebhookSecretError, Webhook, WebhookVerificationError

from roundwise.api.errors import AuthenticationError

LINEAR_REPLAY_WINDOW_SECONDS = 60.0


class InvalidSignatureError(AuthenticationError):
    """A webhook whose signature is missing or wrong, or whose timestamp is stale."""

    code = "invalid-signature"


def _header(headers: Mapping[str, str], name: str) -> bytes:
    """A signature header (``headers``: Starlette's, case-insensitive, or lower-cased)."""
    value = headers.get(name.lower())
    if not value:
        raise InvalidSignatureError(f"the {name} header is missing")
    return value.strip().encode("latin-1", errors="replace")


def _same(expected: bytes, given: bytes, name: str) -> None:
    if not hmac.compare_digest(expected, given):
        raise InvalidSignatureError(f"the {name} signature does not match the body")


def hex_sha256(secret: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``body`` keyed with ``secret`` (GitHub, Jira, Linear)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def trello_digest(secret: str, body: bytes, callback_url: str) -> str:
    """Base64 HMAC-SHA1 of ``body`` followed by the callback URL (Trello)."""
    mac = hmac.new(secret.encode(), body + callback_url.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


def verify_github(secret: str, body: bytes, headers: Mapping[str, str]) -> None:
    name = "X-Hub-Signature-256"
    _same(f"sha256={hex_sha256(secret, body)}".encode(), _header(headers, name), name)


def verify_jira(secret: str, body: bytes, headers: Mapping[str, str]) -> None:
    name = "X-Hub-Signature"
    _same(f"sha256={hex_sha256(secret, body)}".encode(), _header(headers, name), name)


def verify_linear(secret: str, body: bytes, headers: Mapping[str, str]) -> None:
    """The signature only: the timestamp is in the body, checked once it is parsed
    (``require_fresh_linear``), which is only after the signature matched."""
    name = "Linear-Signature"
    _same(hex_sha256(secret, body).encode(), _header(headers, name), name)


def require_fresh_linear(payload: Mapping[str, Any], now: float | None = None) -> None:
    """Linear's ``webhookTimestamp`` (ms) must be within the replay window of now."""
    stamp = payload.get("webhookTimestamp")
    if not isinstance(stamp, int | float) or isinstance(stamp, bool):
        raise InvalidSignatureError("the Linear payload has no webhookTimestamp")
    age = (time.time() if now is None else now) - stamp / 1000
    if abs(age) > LINEAR_REPLAY_WINDOW_SECONDS:
        raise InvalidSignatureError(
            f"the webhookTimestamp is {age:.0f} s from now, outside the "
            f"{LINEAR_REPLAY_WINDOW_SECONDS:.0f} s replay window"
        )


def verify_trello(secret: str, body: bytes, headers: Mapping[str, str], callback_url: str) -> None:
    name = "X-Trello-Webhook"
    _same(trello_digest(secret, body, callback_url).encode(), _header(headers, name), name)


def verify_standard(secret: str, body: bytes, headers: Mapping[str, str]) -> None:
    """Standard Webhooks, by its reference package (which also bounds the timestamp)."""
    names = ("webhook-id", "webhook-timestamp", "webhook-signature")
    sent = {name: headers.get(name, "") for name in names}
    try:
        Webhook(secret).verify(body, sent, json_parse=False)
    except (WebhookVerificationError, EmptyWebhookSecretError, ValueError) as exc:
        raise InvalidSignatureError(f"the Standard Webhooks signature fails: {exc}") from exc


__all__ = [
    "LINEAR_REPLAY_WINDOW_SECONDS",
    "InvalidSignatureError",
    "hex_sha256",
    "require_fresh_linear",
    "trello_digest",
    "verify_github",
    "verify_jira",
    "verify_linear",
    "verify_standard",
    "verify_trello",
]
