"""What a verified webhook says, read into one shape: a new ``Comment`` or ``Ignored``.

Each reader takes the parsed payload (and the headers, for the delivery id and event
name) of one provider, as the provider documents it, and keeps only what a revision
request needs: the provider's comment id, its author's ids, the text, and the external
things it was written on (compared with the integration's ``external_ref``). Edits,
deletions and other events are ``Ignored`` with a reason, and so is a payload that is
not the documented shape. ``screen`` then applies the integration's people: a bot, the
freelancer, someone not listed as a client, or a comment elsewhere is ignored too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from roundwise.store.integrations import HookIntegration

Headers = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Comment:
    """A new comment: ``authors`` are every id the provider gives its author (a login, an
    account id, an e-mail address); ``targets`` the names of what it was written on (None:
    the provider names nothing, as a generic sender)."""

    comment_id: str
    authors: tuple[str, ...]
    message: str
    targets: tuple[str, ...] | None
    deliverable: str | None = None
    bot: bool = False


@dataclass(frozen=True, slots=True)
class Ignored:
    """A verified delivery that is no revision request, and why."""

    reason: str


Read = Comment | Ignored


def _object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{name} is not an object")
    return value


def _text(value: Any, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{name} is missing")
    return str(value)


def _ids(*values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values if isinstance(v, str | int) and not isinstance(v, bool))


def read_github(payload: dict[str, Any], headers: Headers) -> Read:
    """``issue_comment`` with action ``created``; ``ping`` and the rest are ignored."""
    event = headers.get("x-github-event", "")
    if event == "ping":
        return Ignored("ping: GitHub checked the hook")
    if event != "issue_comment":
        return Ignored(f"GitHub event {event!r} is not an issue comment")
    action = payload.get("action")
    if action != "created":
        return Ignored(f"issue comment {action}: only new comments are requests")
    comment = _object(payload.get("comment"), "comment")
    user = _object(comment.get("user"), "comment.user")
    issue = _object(payload.get("issue"), "issue")
    repository = _object(payload.get("repository"), "repository")
    login = _text(user.get("login"), "comment.user.login")
    target = f"{_text(repository.get('full_name'), 'repository.full_name')}#{issue.get('number')}"
    bot = (
        user.get("type") == "Bot"
        or login.endswith("[bot]")
        or comment.get("performed_via_github_app") is not None
    )
    return Comment(
        comment_id=_text(comment.get("id"), "comment.id"),
        authors=_ids(login, user.get("id")),
        message=_text(comment.get("body"), "comment.body"),
        targets=(target,),
        bot=bot,
    )


def read_trello(payload: dict[str, Any], headers: Headers) -> Read:
    """A ``commentCard`` action (an edit is ``updateComment``, ignored)."""
    action = _object(payload.get("action"), "action")
    kind = action.get("type")
    if kind != "commentCard":
        return Ignored(f"Trello action {kind!r} is not a new card comment")
    data = _object(action.get("data"), "action.data")
    card = _object(data.get("card"), "action.data.card")
    member = action.get("memberCreator") if isinstance(action.get("memberCreator"), dict) else {}
    assert isinstance(member, dict)
    return Comment(
        comment_id=_text(action.get("id"), "action.id"),
        authors=_ids(member.get("username"), member.get("id"), action.get("idMemberCreator")),
        message=_text(data.get("text"), "action.data.text"),
        targets=_ids(card.get("id"), card.get("shortLink")),
        bot=action.get("appCreator") is not None,
    )


def read_jira(payload: dict[str, Any], headers: Headers) -> Read:
    """``comment_created`` (``comment_updated`` and the rest are ignored)."""
    event = payload.get("webhookEvent")
    if event != "comment_created":
        return Ignored(f"Jira event {event!r} is not a new comment")
    comment = _object(payload.get("comment"), "comment")
    author = _object(comment.get("author"), "comment.author")
    issue = _object(payload.get("issue"), "issue")
    return Comment(
        comment_id=_text(comment.get("id"), "comment.id"),
        authors=_ids(author.get("accountId"), author.get("emailAddress")),
        message=jira_text(comment.get("body")),
        targets=_ids(issue.get("key")),
        bot=author.get("accountType") == "app",
    )


def jira_text(body: Any) -> str:
    """A Jira comment body: a string (REST v2), or an Atlassian Document (v3), whose
    text nodes are joined, a paragraph per line."""
    if isinstance(body, str):
        return body
    if not isinstance(body, dict):
        raise ValueError("comment.body is missing")
    lines: list[str] = []

    def walk(node: Any, line: list[str]) -> None:
        if not isinstance(node, dict):
            return
        if node.get("type") == "text" and isinstance(node.get("text"), str):
            line.append(node["text"])
        for child in node.get("content") or []:
            if isinstance(child, dict) and child.get("type") in {"paragraph", "heading"}:
                inner: list[str] = []
                walk(child, inner)
                lines.append("".join(inner))
            else:
                walk(child, line)

    walk(body, [])
    return "\n".join(lines).strip()


LINEAR_ISSUE_IN_URL = re.compile(r"/issue/([A-Za-z0-9]+-\d+)")


def read_linear(payload: dict[str, Any], headers: Headers) -> Read:
    """A ``Comment`` with action ``create`` (``update`` is an edit, ignored)."""
    kind, action = payload.get("type"), payload.get("action")
    if kind != "Comment":
        return Ignored(f"Linear {kind!r} event is not a comment")
    if action != "create":
        return Ignored(f"Linear comment {action}: only new comments are requests")
    data = _object(payload.get("data"), "data")
    user = data.get("user") if isinstance(data.get("user"), dict) else {}
    actor = payload.get("actor") if isinstance(payload.get("actor"), dict) else {}
    issue = data.get("issue") if isinstance(data.get("issue"), dict) else {}
    assert isinstance(user, dict)
    assert isinstance(actor, dict)
    assert isinstance(issue, dict)
    url = payload.get("url") if isinstance(payload.get("url"), str) else ""
    found = LINEAR_ISSUE_IN_URL.search(str(url))
    bot = data.get("botActor") is not None or actor.get("type") not in (None, "user")
    return Comment(
        comment_id=_text(data.get("id"), "data.id"),
        authors=_ids(
            data.get("userId"),
            user.get("id"),
            user.get("email"),
            actor.get("id"),
            actor.get("email"),
        ),
        message=_text(data.get("body"), "data.body"),
        targets=_ids(issue.get("identifier"), found.group(1) if found else None),
        bot=bot,
    )


def read_generic(payload: dict[str, Any], headers: Headers) -> Read:
    """``{"external_id", "author", "deliverable"?, "message"}`` from any tool."""
    deliverable = payload.get("deliverable")
    if deliverable is not None and not isinstance(deliverable, str):
        raise ValueError("deliverable is not a string")
    return Comment(
        comment_id=_text(payload.get("external_id"), "external_id"),
        authors=_ids(_text(payload.get("author"), "author")),
        message=_text(payload.get("message"), "message"),
        targets=None,
        deliverable=deliverable,
    )


READERS: dict[str, Callable[[dict[str, Any], Headers], Read]] = {
    "github": read_github,
    "trello": read_trello,
    "jira": read_jira,
    "linear": read_linear,
    "generic": read_generic,
}

# The header that names a delivery, per provider (Trello sends none: its action id is one;
# an e-mail's is its Message-ID).
DELIVERY_HEADERS = {
    "github": "x-github-delivery",
    "jira": "x-atlassian-webhook-identifier",
    "linear": "linear-delivery",
    "generic": "webhook-id",
}


def read_payload(provider: str, payload: Any, headers: Headers) -> Read:
    """The provider's reader on a parsed JSON payload; a shape it does not know is
    ignored with the reason (the signature verified, so the sender is the provider)."""
    if not isinstance(payload, dict):
        return Ignored("the payload is not a JSON object")
    try:
        return READERS[provider](payload, headers)
    except ValueError as exc:
        return Ignored(f"not a documented {provider} payload: {exc}")


def _folded(values: Iterable[str]) -> set[str]:
    return {v.strip().casefold() for v in values if v.strip()}


def screen(comment: Comment, integration: HookIntegration) -> Ignored | None:
    """Why this comment is no client's request on the integration's thing (None: it is)."""
    if comment.bot:
        return Ignored("written by a bot or an app")
    if comment.targets is not None and integration.external_ref.casefold() not in _folded(
        comment.targets
    ):
        where = ", ".join(comment.targets) or "nothing named"
        return Ignored(f"a comment on {where}, not on {integration.external_ref}")
    authors = _folded(comment.authors)
    if authors & _folded(integration.freelancer_ids):
        return Ignored("the freelancer's own comment")
    if not authors & _folded(integration.client_ids):
        return Ignored(f"{', '.join(comment.authors) or 'the author'} is not one of the clients")
    if not comment.message.strip():
        return Ignored("the comment holds no text")
    return None


__all__ = [
    "DELIVERY_HEADERS",
    "READERS",
    "Comment",
    "Ignored",
    "Read",
    "jira_text",
    "read_generic",
    "read_github",
    "read_jira",
    "read_linear",
    "read_payload",
    "read_trello",
    "screen",
]
