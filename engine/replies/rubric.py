"""The reply rubric: does a composed reply answer the message it replies to?

Written from the seeds (``TECHNIQUES.md``) and issue 17's tried-on-real-messages list of
what went wrong, one check per point; each finding names the rule and says what is
missing. A reply passes when there are no findings.

- ``name``: the client's name is in the reply (T05; the linter's exact name check).
- ``anger``: for an angry (``explosion``) message the first sentence after the greeting
  acknowledges the feeling (S0's "respond to the client's experience first", T20), and
  the reply never opens with cheerful thanks for "feedback" that was an insult.
- ``items``: every change item is restated concretely — the client's own words, or at
  least three consecutive words of them — never a stand-in like "what you'd like changed".
- ``price``: a billable answer states an amount in the contract's currency.
- ``money``: a refund, deposit or non-payment demand, a cancellation or a legal threat is
  answered with the contract's clauses by number (fees and payment, cancellation), the
  facts that decide it (deposit, payment days, kill fee), calmly (lint-clean) and with
  the offer of the revision statement.
- ``approval``: an approval is thanked for, and the reply confirms what is approved (the
  work by its title).
- ``start_over``: a start over is offered as a change order, citing the clause for work
  outside the agreement.
- ``techniques``: every technique the reply lists passes its checker (``markers``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from roundwise.engine.decide import Decision
from roundwise.engine.decide.decision import BILLABLE_VERDICTS
from roundwise.engine.replies.compose import Reply
from roundwise.engine.replies.inputs import INTENT_ANSWERS
from roundwise.engine.replies.markers import (
    ReplyText,
    cites,
    has_money,
    marker,
    technique_evident,
)
from roundwise.engine.replies.placeholders import date_locale, deliverable_title, share_text
from roundwise.engine.terms import ClauseKey, ContractTerms

MONEY_INTENTS = frozenset({"payment_dispute", "cancellation", "legal_threat"})
_WORDS = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class RubricFinding:
    """One point of the rubric a reply misses."""

    rule: str
    detail: str


def reply_text_of(reply: Reply, terms: ContractTerms, deliverable: str) -> ReplyText:
    """What the checkers read of ``reply``: its text and the contract's facts."""
    return ReplyText(
        text=reply.text,
        language=reply.language,
        client_name=terms.client.name,
        deliverable=deliverable_title(terms, deliverable),
        currency=terms.currency,
        locale=date_locale(terms, reply.language),
    )


def _body_sentences(text: str) -> list[str]:
    """The sentences after the greeting line, in order."""
    body = text.split("\n", 1)[1] if "\n" in text else text
    return [s for s in re.split(r"(?<=[.!?;…])\s+", body.strip()) if s]


def _anger(read: ReplyText) -> list[RubricFinding]:
    found: list[RubricFinding] = []
    sentences = _body_sentences(read.text)
    first = sentences[0] if sentences else ""
    first_read = ReplyText(first, read.language, "", "", read.currency, read.locale)
    if not marker(first_read, "acknowledge"):
        found.append(RubricFinding("anger", f"opens without acknowledging the anger: {first!r}"))
    if marker(read, "feedback_thanks"):
        found.append(RubricFinding("anger", "thanks an angry message for its 'feedback'"))
    return found


def _restated(item: str, text: str) -> bool:
    """The item in the reply: whole, or three consecutive words of it (case ignored)."""
    words = [w.lower() for w in _WORDS.findall(item)]
    haystack = " ".join(w.lower() for w in _WORDS.findall(text))
    if len(words) <= 3:
        return " ".join(words) in haystack
    return any(" ".join(words[i : i + 3]) in haystack for i in range(len(words) - 2))


def _items(answer: Answered, read: ReplyText) -> list[RubricFinding]:
    if answer.intent == "approval":
        return []  # "Looks good, go ahead" is confirmed as an approval, not restated
    found = [
        RubricFinding("items", f"change item not restated: {item!r}")
        for item in answer.items
        if not _restated(item, read.text)
    ]
    if answer.items and marker(read, "vague_restatement"):
        found.append(RubricFinding("items", "a stand-in for the change instead of the change"))
    return found


def _price(answer: Answered, read: ReplyText) -> list[RubricFinding]:
    alone = answer.intent in INTENT_ANSWERS and (answer.intent == "approval" or not answer.items)
    if not answer.billable or alone or has_money(read):
        return []
    return [RubricFinding("price", "billable work without a price")]


def _percent_in(read: ReplyText, share: Decimal) -> bool:
    return share_text(share, None, read.locale) in read.text


def _money(terms: ContractTerms, read: ReplyText) -> list[RubricFinding]:
    found: list[RubricFinding] = []
    for key in (ClauseKey.FEES, ClauseKey.CANCELLATION):
        if not cites(read, key):
            found.append(RubricFinding("money", f"does not cite the {key.value} clause"))
    pay = terms.payment
    # A kill fee by stage is stated as "the fee for the stage reached", not as one share.
    staged = pay.kill_fee_by_stage is not None
    facts = [("kill fee", staged or _percent_in(read, pay.kill_fee_share))]
    facts.append(("payment days", str(pay.due_days) in read.text or marker(read, "due_days")))
    if pay.deposit_share:
        facts.append(("deposit", _percent_in(read, pay.deposit_share)))
    found += [RubricFinding("money", f"does not state the {name}") for name, ok in facts if not ok]
    if not marker(read, "statement"):
        found.append(RubricFinding("money", "does not offer the revision statement"))
    lint = read.all_lint_rules() - {"missing-name", "missing-thanks"}
    if lint:
        found.append(RubricFinding("money", f"not calm: {', '.join(sorted(lint))}"))
    return found


def _approval(read: ReplyText) -> list[RubricFinding]:
    found: list[RubricFinding] = []
    if "missing-thanks" in read.lint_rules():
        found.append(RubricFinding("approval", "does not thank for the approval"))
    if not (marker(read, "approved") and technique_evident(read, "T19")):
        found.append(RubricFinding("approval", "does not confirm what is approved"))
    return found


def _start_over(read: ReplyText) -> list[RubricFinding]:
    if marker(read, "change_order") and cites(read, ClauseKey.OUT_OF_SCOPE):
        return []
    return [RubricFinding("start_over", "does not offer a change order under its clause")]


@dataclass(frozen=True, slots=True)
class Answered:
    """What a reply answers: the message's intent, its change items in the client's words,
    whether any part is paid work, and the work it is about."""

    intent: str
    items: tuple[str, ...]
    billable: bool
    deliverable: str


def answered(decision: Decision) -> Answered:
    """What a reply to ``decision`` must answer."""
    billable = any(v in BILLABLE_VERDICTS for v in decision.verdicts)
    items = tuple(i.text for i in decision.items)
    return Answered(decision.intent, items, billable, decision.deliverable)


def check_reply(reply: Reply, decision: Decision, terms: ContractTerms) -> list[RubricFinding]:
    """Every rubric point ``reply`` misses as the answer to ``decision`` (empty: passes)."""
    return check_answer(reply, terms, answered(decision))


def check_answer(reply: Reply, terms: ContractTerms, answer: Answered) -> list[RubricFinding]:
    """Every rubric point ``reply`` misses as the answer to ``answer`` (empty: passes)."""
    read = reply_text_of(reply, terms, answer.deliverable)
    found: list[RubricFinding] = []
    if "missing-name" in read.lint_rules():
        found.append(RubricFinding("name", "the client's name is missing"))
    if reply.stage == "explosion":
        found += _anger(read)
    found += _items(answer, read)
    found += _price(answer, read)
    if answer.intent in MONEY_INTENTS:
        found += _money(terms, read)
    elif answer.intent == "approval":
        found += _approval(read)
    elif answer.intent == "start_over":
        found += _start_over(read)
    found += [
        RubricFinding("techniques", f"lists {t.id} ({t.name}) without its marker in the text")
        for t in reply.techniques
        if not technique_evident(read, t.id)
    ]
    return found
