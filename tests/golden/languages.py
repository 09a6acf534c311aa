"""Replies in every language: one contract per language and the facts of every verdict.

The contracts are small, local ones (a Slovenian client with a Slovenian locale and
euros, a Polish one with złoty, …) so a reply shows the names, money and dates its
language needs. The facts are those ``reply_facts_of`` builds from a decision (see
tests/golden/scenarios.py for real decisions), written out per verdict, with the client's
own words in the client's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

from roundwise.engine.replies import (
    CitedClause,
    GroupFacts,
    Reply,
    ReplyFacts,
    ReplySettings,
    compose_facts,
)
from roundwise.engine.terms import ContractTerms

LANGUAGE_TAGS = ("en", "sl", "pl", "sr", "sr-Cyrl", "el", "ka")
VERDICTS = (
    "included",
    "free_fix",
    "needs_clarification",
    "too_large",
    "extra_round",
    "after_approval",
    "out_of_scope",
    "mixed",
)
STAGES = ("calm", "explosion")
CLAUSES = {
    "included": CitedClause("6.1", "Revision rounds included"),
    "free_fix": CitedClause("6.3", "The freelancer's own errors"),
    "needs_clarification": CitedClause("6.1", "Revision rounds included"),
    "too_large": CitedClause("6.2", "Size of a revision round"),
    "extra_round": CitedClause("6.1", "Revision rounds included"),
    "after_approval": CitedClause("6.4", "Review window and approval"),
    "out_of_scope": CitedClause("6.7", "Work outside this agreement"),
}


@dataclass(frozen=True)
class Local:
    """One language's contract details and the client's words for each kind of ask."""

    freelancer: str
    client: str
    currency: str
    locale: str
    title: str
    change: str
    new_work: str
    # The client's name as its greeting must show it (vocative where the language has one).
    greeting_name: str
    thanks: tuple[str, ...] = field(default=())


LOCALS = {
    "en": Local(
        "Ana Novak", "Marko Horvat", "EUR", "en_IE", "Home page copy",
        "Make the opening paragraph shorter", "Write five Instagram posts for the launch",
        "Marko", ("Thank you",),
    ),
    "sl": Local(
        "Urša Kralj", "Maja Novak", "EUR", "sl_SI", "Besedilo domače strani",
        "Prvi odstavek naj bo krajši", "Napišite še pet objav za Instagram",
        "Novak", ("Hvala",),
    ),
    "pl": Local(
        "Jakub Wiśniewski", "Anna Kowalska", "PLN", "pl_PL", "Tekst strony głównej",
        "Proszę skrócić pierwszy akapit", "Proszę też napisać pięć postów na Instagram",
        "Anno", ("Dziękuję",),
    ),
    "sr": Local(
        "Nikola Jović", "Jelena Petrović", "RSD", "sr_RS", "Tekst početne strane",
        "Skratite prvi pasus", "Napišite i pet objava za Instagram",
        "Petrović", ("Hvala",),
    ),
    "el": Local(
        "Νίκος Αντωνίου", "Ελένη Παπαδοπούλου", "EUR", "el_GR", "Κείμενα ιστοσελίδας",
        "Να γίνει πιο σύντομη η πρώτη παράγραφος", "Γράψτε και πέντε αναρτήσεις για το Instagram",
        "Παπαδοπούλου", ("ευχαριστώ",),
    ),
    "ka": Local(
        "ნინო ბერიძე", "გიორგი მაისურაძე", "GEL", "ka_GE", "ვებგვერდის ტექსტი",
        "პირველი აბზაცი უფრო მოკლე გახადეთ", "დაწერეთ ასევე ხუთი პოსტი ინსტაგრამისთვის",
        "გიორგი", ("გმადლობთ", "მადლობა"),
    ),
}  # fmt: skip
LOCALS["sr-Cyrl"] = LOCALS["sr"]


def base(tag: str) -> str:
    """The language of a tag ("sr-Cyrl" -> "sr")."""
    return tag.split("-")[0]


@cache
def local_contract(tag: str) -> ContractTerms:
    """A one-deliverable copywriting contract in the language of ``tag``."""
    local = LOCALS[tag]
    return ContractTerms.model_validate(
        {
            "id": f"copy-{base(tag)}",
            "title": local.title,
            "language": base(tag),
            "locale": local.locale,
            "timezone": "Europe/Ljubljana",
            "currency": local.currency,
            "freelancer": {"name": local.freelancer},
            "client": {"name": local.client, "language": base(tag)},
            "deliverables": [
                {
                    "id": "home",
                    "title": local.title,
                    "kind": "text",
                    "size": 600,
                    "brief": "600 words, warm tone.",
                }
            ],
            "revision_policy": {
                "rounds_included": 2,
                "max_change_share": 0.30,
                "review_window_days": 7,
                "silence_means_approval": True,
                "approval_after_last_round": True,
                "extra_round": {"basis": "flat", "amount": 90},
                "out_of_scope": {"hourly_rate": 45, "minimum_hours": 2},
            },
        }
    )


def _group(verdict: str, items: tuple[str, ...], price: int | None = None) -> GroupFacts:
    amount = None if price is None else Decimal(price)
    return GroupFacts(verdict, "home", items, CLAUSES[verdict], amount)


def local_facts(tag: str, verdict: str, stage: str) -> ReplyFacts:
    """The facts of a ``verdict`` reply (``mixed``: included + out of scope) at ``stage``."""
    local = LOCALS[tag]
    change, new = (local.change,), (local.new_work,)
    rounds = {"rounds_included": 2, "rounds_left": 2, "rounds_left_after": 2}
    groups: tuple[GroupFacts, ...]
    extra: dict[str, object] = {}
    if verdict == "included":
        groups = (_group("included", change),)
        rounds = {"rounds_included": 2, "rounds_left": 2, "rounds_left_after": 1}
    elif verdict == "mixed":
        groups = (_group("included", change), _group("out_of_scope", new, 180))
        rounds = {"rounds_included": 2, "rounds_left": 1, "rounds_left_after": 0}
    elif verdict == "too_large":
        groups = (_group("too_large", change, 90),)
        extra = {"measured_share": Decimal("0.5"), "limit_share": Decimal("0.3")}
    elif verdict == "extra_round":
        groups = (_group("extra_round", change, 90),)
        rounds = {"rounds_included": 2, "rounds_left": 0, "rounds_left_after": 0}
    elif verdict == "after_approval":
        groups = (_group("after_approval", change, 90),)
        rounds = {"rounds_included": 2, "rounds_left": 0, "rounds_left_after": 0}
        extra = {"approved_on": date(2026, 5, 4)}
    elif verdict == "out_of_scope":
        groups = (_group("out_of_scope", new, 180),)
    else:
        groups = (_group(verdict, ()),)
    main = "mixed" if verdict == "mixed" else verdict
    return ReplyFacts(
        verdict="out_of_scope" if main == "mixed" else main,
        stage=stage,
        deliverable_id="home",
        groups=groups,
        **rounds,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


def local_reply(tag: str, verdict: str, stage: str, **settings: object) -> Reply:
    """The reply in ``tag`` for a verdict and stage (warm tone and formal address unless set)."""
    chosen = ReplySettings.model_validate(settings)
    return compose_facts(local_facts(tag, verdict, stage), local_contract(tag), tag, chosen)


__all__ = [
    "LANGUAGE_TAGS",
    "LOCALS",
    "STAGES",
    "VERDICTS",
    "base",
    "local_contract",
    "local_facts",
    "local_reply",
]
