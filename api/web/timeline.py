"""A contract's ledger told as a story: one entry per event, in the ledger's order.

Each entry keeps the event's kind (for the template's wording and styling) and what the
sentence needs; decisions are joined with their stored documents for the explanation and
the clauses cited. Change orders are entries like the others (``change_order_issued``,
``change_order_accepted``) and also listed on their own (``change_orders``), so the page
has one place where their links and actions go.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from roundwise.engine.ledger import Event

EXCERPT_CHARS = 240


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the story: what happened (``kind``), when, and its details."""

    seq: int
    kind: str
    at: datetime
    deliverable: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a long text, cut at a word and marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _cited(document: Mapping[str, Any]) -> list[dict[str, str]]:
    """The clauses of the rules that fired (each once, in the decision's order)."""
    seen: dict[str, dict[str, str]] = {}
    for rule in document.get("rules", []):
        clause = rule.get("clause") or {}
        number = str(clause.get("number", ""))
        if rule.get("fired") and number and number not in seen:
            seen[number] = {"number": number, "title": str(clause.get("title", ""))}
    return list(seen.values())


def _details(event: Event, decisions: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    data = event.model_dump(mode="python")
    kind = event.type
    if kind == "revision_requested":
        return {"request_id": data["request_id"], "message": excerpt(data["message"])}
    if kind == "decision_made":
        document = decisions.get(data["request_id"], {})
        return {
            "request_id": data["request_id"],
            "verdict": data["verdict"],
            "rounds_left": data["rounds_left"],
            "explanation": document.get("explanation", ""),
            "needs_review": bool(document.get("needs_review", False)),
            "clauses": _cited(document),
        }
    if kind in {"version_submitted", "revision_delivered"}:
        return {
            "version": data["version"],
            "note": data.get("note"),
            "request_id": data.get("request_id"),
        }
    if kind == "approved_explicitly":
        return {"version": data.get("version")}
    if kind in {"change_order_issued", "change_order_accepted", "change_order_declined"}:
        keys = ("number", "description", "price", "extra_rounds", "by", "note")
        return {key: data.get(key) for key in keys}
    if kind == "change_order_sent":
        return {"number": data["number"], "valid_until": data["valid_until"]}
    if kind == "contract_signed":
        return {"terms_sha256": data["terms_sha256"][:12]}
    return {}


def story(events: Sequence[Event], decisions: Mapping[str, Mapping[str, Any]]) -> list[Entry]:
    """The entries of ``events`` (numbered from 1), decisions joined by request id."""
    return [
        Entry(
            seq=seq,
            kind=event.type,
            at=event.at,
            deliverable=getattr(event, "deliverable", None),
            details=_details(event, decisions),
        )
        for seq, event in enumerate(events, start=1)
    ]


def change_orders(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """The change orders issued so far, each with whether it was accepted."""
    accepted = {e.details.get("number") for e in entries if e.kind == "change_order_accepted"}
    return [
        {**e.details, "accepted": e.details.get("number") in accepted, "at": e.at}
        for e in entries
        if e.kind == "change_order_issued"
    ]


__all__ = ["Entry", "change_orders", "excerpt", "story"]
