"""What a reply is composed from: the facts of a decision, and the freelancer's settings.

Rule: composition reads a narrow, typed view of the decision (``ReplyFacts``) rather than
the whole ``Decision``, so the wording does not depend on how the rules are organised;
``engine.replies.adapt`` builds the view from a real decision. Settings change wording
only where it stays honest: a reply may say the freelancer will consider a new service
only when ``consider_new_services`` is set, and recommends someone only when
``referral`` names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Tone = Literal["warm", "neutral", "formal"]
TONES: tuple[Tone, ...] = ("warm", "neutral", "formal")
Address = Literal["formal", "informal"]
# The key a phrase node uses for each form of address (the T–V distinction).
ADDRESS_KEYS: dict[str, str] = {"formal": "V", "informal": "T"}


class ReplySettings(BaseModel):
    """The freelancer's choices for how replies are worded.

    ``address`` is the form of address where the language has two (Slovenian and Serbian
    Vi/ti, Polish Pan/Pani or ty, Greek εσείς/εσύ, Georgian თქვენ/შენ): formal unless the
    freelancer and client are on informal terms. ``greeting`` replaces the greeting line
    (a comma is added), for a name form the rules cannot derive ("Szanowny Panie Marku").
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tone: Tone = "warm"
    address: Address = "formal"
    greeting: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    sign_off: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    sign_off_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    consider_new_services: bool = False
    referral: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    offers_out_of_scope_work: bool = True


@dataclass(frozen=True, slots=True)
class CitedClause:
    """A clause as the client sees it cited: "clause 6.2 (Size of a revision round)"."""

    number: str
    title: str

    @property
    def citation(self) -> str:
        """The words the reply shows."""
        return f"clause {self.number} ({self.title})"


@dataclass(frozen=True, slots=True)
class GroupFacts:
    """The change items that share one verdict, answered together in one part of a reply.

    ``items`` are the client's own words; ``price`` is the quoted total for this part
    when the decision priced it (in the contract's currency).
    """

    verdict: str
    deliverable_id: str
    items: tuple[str, ...]
    clause: CitedClause
    price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ReplyFacts:
    """Everything about a decision a reply may state.

    ``rounds_left_after`` counts included rounds left once this request is done;
    ``measured_share``/``limit_share`` (words) or ``measured_items``/``limit_items``
    (visual work) are the measured size of the request and the per-round limit.
    """

    verdict: str
    stage: str
    deliverable_id: str
    groups: tuple[GroupFacts, ...]
    rounds_included: int
    rounds_left: int
    rounds_left_after: int
    measured_share: Decimal | None = None
    limit_share: Decimal | None = None
    measured_items: int | None = None
    limit_items: int | None = None
    approved_on: date | None = None
    # What the message is for (``engine.understand.intent``): a money demand, a
    # cancellation, a legal threat, an approval or a start-over gets its own answer.
    intent: str = "revision_request"


# Intents a reply answers with a part of their own (the phrase file's ``intents``): a
# refund, deposit or non-payment demand, a cancellation and a legal threat by the
# contract's money clauses, an approval by confirming it, a start-over by a change order.
INTENT_ANSWERS: frozenset[str] = frozenset(
    {"payment_dispute", "cancellation", "legal_threat", "approval", "start_over"}
)


def answers_intent(facts: ReplyFacts) -> bool:
    """Whether the reply has a part answering the message's intent."""
    return facts.intent in INTENT_ANSWERS


def answers_intent_alone(facts: ReplyFacts) -> bool:
    """Whether that part is the whole answer: an approval, or a message with no change items."""
    return answers_intent(facts) and (
        facts.intent == "approval" or not any(g.items for g in facts.groups)
    )
