"""Test helpers for integrations and inbound webhooks: create an integration, and sign a
body as each provider does (computed here from each provider's documented scheme, not
with the code under test), with payloads shaped like the providers' documented ones."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from typing import Any

from standardwebhooks.webhooks import Webhook

from tests.api.asgiclient import ASGIClient
from tests.api.test_revision_requests import delivered_contract

CLIENT_LOGIN = "marko-bakery"
FREELANCER_LOGIN = "ana-writes"

REFS = {
    "github": "horvat-bakery/website#12",
    "trello": "5f1e2d3c4b5a697887766554",
    "jira": "WEB-12",
    "linear": "ENG-12",
    "email": "ana+bakery@studio.example",
    "generic": "home-page-thread",
}
CLIENTS = {
    "github": [CLIENT_LOGIN],
    "trello": ["markohorvat"],
    "jira": ["5b10ac8d82e05b22cc7d4ef5"],
    "linear": ["marko@bakery.example"],
    "email": ["marko@bakery.example"],
    "generic": ["marko"],
}
FREELANCERS = {
    "github": [FREELANCER_LOGIN],
    "trello": ["anawrites"],
    "jira": ["61a2b3c4d5e6f7a8b9c0d1e2"],
    "linear": ["ana@studio.example"],
    "email": ["ana@studio.example"],
    "generic": ["ana"],
}
TRELLO_APP_SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"


def integration(
    client: ASGIClient,
    auth: dict[str, str],
    provider: str,
    contract_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A new integration on a delivered bakery contract (or ``contract_id``)."""
    body: dict[str, Any] = {
        "provider": provider,
        "contract_id": contract_id or delivered_contract(client, auth),
        "deliverable": "home",
        "external_ref": REFS[provider],
        "client_ids": CLIENTS[provider],
        "freelancer_ids": FREELANCERS[provider],
    }
    if provider == "trello":
        body["secret"] = TRELLO_APP_SECRET
    body.update(extra)
    response = client.post("/v1/integrations", json=body, headers=auth)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def hook_path(created: dict[str, Any]) -> str:
    """The hook URL's path (the tests' client has its own base URL)."""
    return "/v1/hooks/" + created["hook_url"].split("/v1/hooks/", 1)[1]


def dumps(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


# --- GitHub: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(secret, body) -----------


def github_comment(
    comment_id: int = 1_640_000_001,
    login: str = CLIENT_LOGIN,
    body: str = "Could you make the opening paragraph shorter and mention the rye sourdough?",
    action: str = "created",
    user_type: str = "User",
) -> dict[str, Any]:
    """An ``issue_comment`` payload shaped as GitHub documents it (trimmed)."""
    user = {"login": login, "id": 583231, "type": user_type, "site_admin": False}
    return {
        "action": action,
        "issue": {
            "url": "https://api.github.com/repos/horvat-bakery/website/issues/12",
            "number": 12,
            "title": "Home page copy",
            "state": "open",
            "user": {"login": FREELANCER_LOGIN, "id": 1, "type": "User"},
        },
        "comment": {
            "url": f"https://api.github.com/repos/horvat-bakery/website/issues/comments/{comment_id}",
            "html_url": f"https://github.com/horvat-bakery/website/issues/12#issuecomment-{comment_id}",
            "id": comment_id,
            "node_id": "IC_kwDOAbCdEf5h3x9Q",
            "user": user,
            "created_at": "2026-12-07T10:15:00Z",
            "updated_at": "2026-12-07T10:15:00Z",
            "author_association": "COLLABORATOR",
            "body": body,
            "performed_via_github_app": None,
        },
        "repository": {
            "id": 1296269,
            "name": "website",
            "full_name": "horvat-bakery/website",
            "private": True,
            "owner": {"login": "horvat-bakery", "id": 2, "type": "Organization"},
        },
        "sender": user,
    }


def github_headers(
    secret: str, body: bytes, event: str = "issue_comment", delivery: str | None = None
) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or f"72d3162e-cc78-11e3-81ab-{time.time_ns() % 10**12:012d}",
        "X-Hub-Signature-256": f"sha256={digest}",
        "User-Agent": "GitHub-Hookshot/044aadd",
        "Content-Type": "application/json",
    }


# --- Trello: X-Trello-Webhook = base64 HMAC-SHA1(app secret, body + callback URL) -------


def trello_comment(
    action_id: str = "6751a2b3c4d5e6f708192a3b",
    username: str = "markohorvat",
    text: str = "Could you make the opening paragraph shorter and mention the rye sourdough?",
    kind: str = "commentCard",
) -> dict[str, Any]:
    """A ``commentCard`` action as Trello posts it (model, action, webhook)."""
    return {
        "model": {"id": "5f1e2d3c4b5a697887760000", "name": "Bakery website"},
        "action": {
            "id": action_id,
            "idMemberCreator": "5a1b2c3d4e5f60718293a4b5",
            "type": kind,
            "date": "2026-12-07T10:15:00.000Z",
            "appCreator": None,
            "data": {
                "text": text,
                "card": {
                    "id": REFS["trello"],
                    "name": "Home page copy",
                    "idShort": 4,
                    "shortLink": "AbCd1234",
                },
                "board": {"id": "5f1e2d3c4b5a697887760000", "name": "Bakery website"},
                "list": {"id": "5f1e2d3c4b5a697887760001", "name": "In review"},
            },
            "memberCreator": {
                "id": "5a1b2c3d4e5f60718293a4b5",
                "username": username,
                "fullName": "Marko Horvat",
            },
        },
        "webhook": {"id": "6751a2b3c4d5e6f708190000", "idModel": "5f1e2d3c4b5a697887760000"},
    }


def trello_headers(secret: str, body: bytes, callback_url: str) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body + callback_url.encode(), hashlib.sha1).digest()
    return {
        "X-Trello-Webhook": base64.b64encode(digest).decode(),
        "Content-Type": "application/json",
    }


# --- Jira Cloud: X-Hub-Signature = "sha256=" + hex HMAC-SHA256(secret, body) ------------


def jira_comment(
    comment_id: str = "10042",
    account_id: str = "5b10ac8d82e05b22cc7d4ef5",
    body: Any = "Could you make the opening paragraph shorter and mention the rye sourdough?",
    event: str = "comment_created",
    account_type: str = "atlassian",
) -> dict[str, Any]:
    """A ``comment_created`` payload as Jira Cloud documents it (trimmed)."""
    author = {
        "self": f"https://horvat.atlassian.net/rest/api/2/user?accountId={account_id}",
        "accountId": account_id,
        "displayName": "Marko Horvat",
        "active": True,
        "accountType": account_type,
    }
    return {
        "timestamp": int(time.time() * 1000),
        "webhookEvent": event,
        "comment": {
            "self": f"https://horvat.atlassian.net/rest/api/2/issue/10012/comment/{comment_id}",
            "id": comment_id,
            "author": author,
            "body": body,
            "updateAuthor": author,
            "created": "2026-12-07T10:15:00.000+0000",
            "updated": "2026-12-07T10:15:00.000+0000",
            "jsdPublic": True,
        },
        "issue": {
            "id": "10012",
            "self": "https://horvat.atlassian.net/rest/api/2/10012",
            "key": "WEB-12",
            "fields": {"summary": "Home page copy"},
        },
    }


def jira_headers(secret: str, body: bytes) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "X-Hub-Signature": f"sha256={digest}",
        "X-Atlassian-Webhook-Identifier": str(time.time_ns()),
        "Content-Type": "application/json",
    }


# --- Linear: Linear-Signature = hex HMAC-SHA256(secret, body); webhookTimestamp in ms -----


def linear_comment(
    comment_id: str = "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9",
    email: str = "marko@bakery.example",
    body: str = "Could you make the opening paragraph shorter and mention the rye sourdough?",
    action: str = "create",
    timestamp_ms: int | None = None,
) -> dict[str, Any]:
    """A ``Comment`` ``create`` payload as Linear documents it."""
    user_id = "a1b2c3d4-0000-4000-8000-000000000001"
    return {
        "action": action,
        "actor": {"id": user_id, "type": "user", "name": "Marko Horvat", "email": email},
        "createdAt": "2026-12-07T10:15:00.000Z",
        "data": {
            "id": comment_id,
            "createdAt": "2026-12-07T10:15:00.000Z",
            "updatedAt": "2026-12-07T10:15:00.000Z",
            "body": body,
            "issueId": "e1f2a3b4-0000-4000-8000-000000000012",
            "userId": user_id,
            "issue": {
                "id": "e1f2a3b4-0000-4000-8000-000000000012",
                "identifier": "ENG-12",
                "title": "Home page copy",
            },
            "user": {"id": user_id, "name": "Marko Horvat"},
        },
        "url": f"https://linear.app/horvat/issue/ENG-12/home-page-copy#comment-{comment_id[:8]}",
        "type": "Comment",
        "organizationId": "0f0e0d0c-0000-4000-8000-00000000000a",
        "webhookTimestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
        "webhookId": "d3c2b1a0-0000-4000-8000-00000000000b",
    }


def linear_headers(secret: str, body: bytes) -> dict[str, str]:
    return {
        "Linear-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
        "Linear-Delivery": f"234d1a4e-b617-4388-90fe-{time.time_ns() % 10**12:012d}",
        "Linear-Event": "Comment",
        "Content-Type": "application/json; charset=utf-8",
    }


# --- Standard Webhooks (e-mail, generic) -------------------------------------------------


def standard_headers(
    secret: str, body: bytes, content_type: str, msg_id: str | None = None, at: float | None = None
) -> dict[str, str]:
    """``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` for ``body``."""
    msg_id = msg_id or f"msg_{time.time_ns()}"
    when = datetime.fromtimestamp(at if at is not None else time.time(), UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, when, body),
        "Content-Type": content_type,
    }
