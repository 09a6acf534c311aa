"""Notices drafted for the client: the deemed-approval letter.

When a review window ends in silence (clause "review"), the version counts as approved;
the freelancer tells the client so, formally and politely, in the client's language. The
words are data (``phrases/notices/deemed_approval.yaml``); the greeting and sign-off are
the language's own formal phrase blocks, so names take the same forms as in replies.
The notice is a draft: the freelancer (or the integrations' ``approval.deemed`` webhook)
sends it. Non-English texts are machine-written until reviewed (``reviewed`` is False).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from babel.dates import format_date

from roundwise.engine.ledger import Approval, DeliverableState
from roundwise.engine.replies.address import name_forms
from roundwise.engine.replies.phrasebook import Choice, applies, fill, phrasebook, render
from roundwise.engine.terms import ClauseKey, ContractTerms, clause

DATE_LOCALES = {"en": "en", "sl": "sl", "pl": "pl", "sr": "sr_Latn", "el": "el", "ka": "ka"}
# Month names in the long form are nominative in some locales ("9. marec"), where the
# sentence needs another case: those languages get the numeric date their letters use.
DATE_PATTERNS = {"sl": "d. M. y", "sr": "d. M. y."}


@dataclass(frozen=True, slots=True)
class Notice:
    """A drafted letter: its language, subject and body (greeting to signature)."""

    language: str
    subject: str
    body: str
    reviewed: bool


@lru_cache(maxsize=1)
def _notice_data() -> Mapping[str, Any]:
    path = resources.files("roundwise.engine.replies").joinpath(
        "phrases", "notices", "deemed_approval.yaml"
    )
    data: Mapping[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return data


def notice_languages() -> tuple[str, ...]:
    """The languages the deemed-approval notice is written in."""
    return tuple(k for k in _notice_data() if k != "reviewed")


def notice_language(terms: ContractTerms) -> str:
    """The client's language when the notice has it, else the contract's, else English."""
    for candidate in (terms.client.language, terms.language):
        if candidate in notice_languages():
            return candidate
    return "en"


def deemed_approval_notice(terms: ContractTerms, item: DeliverableState) -> Notice | None:
    """The notice for a deliverable deemed approved (None unless it is)."""
    approval: Approval | None = item.approval
    if approval is None or approval.kind != "deemed":
        return None
    version = next((v for v in item.versions if v.number == approval.version), None)
    language = notice_language(terms)
    texts = _notice_data()[language]
    deliverable = terms.deliverable(item.id)
    local = approval.at.astimezone(terms.zone)
    facts = {
        "title": deliverable.title if deliverable else item.id,
        "version": str(approval.version or ""),
        "delivered": _date(version.at.astimezone(terms.zone).date(), language) if version else "",
        "last_day": _date(local.date() - timedelta(days=1), language),
        "clause": clause(terms, ClauseKey.REVIEW).number,
    }
    book = phrasebook(language)
    choice = Choice(stage="calm", tone="formal", language=language, address="V")
    greeting = _greeting(book, choice, terms.client.name)
    paragraphs = [greeting, *(fill(line, facts) for line in texts["body"])]
    sign_off = render(book["sign_off"], choice, {})
    body = "\n\n".join([*paragraphs, f"{sign_off}\n{terms.freelancer.name}"])
    reviewed = language in _notice_data()["reviewed"]
    return Notice(language, fill(texts["subject"], facts), body, reviewed)


def _greeting(book: Mapping[str, Any], choice: Choice, full_name: str) -> str:
    """The language's formal greeting, with the name in a form it accepts there."""
    facts = {"first_name": full_name.split()[0], "full_name": full_name}
    facts |= name_forms(choice.language, full_name)
    node = book["greeting"]["text"]
    if isinstance(node, list):
        node = next(v["text"] for v in node if applies(v, facts))
    return render(node, choice, facts)


def _date(day: date, language: str) -> str:
    pattern = DATE_PATTERNS.get(language, "long")
    return format_date(day, format=pattern, locale=DATE_LOCALES.get(language, "en"))
