"""Values in and out of request understanding.

``RequestContext`` is this package's own view of the contract (deliberately not the
``engine.terms`` models, so the two evolve independently): the caller maps a contract to
it. ``RequestAnalysis`` is the result: the change items with their scope and the cues
that decided it, the client's emotional stage with its cues, and the message language
with how it was decided. Every verdict carries its evidence, so a freelancer (or a test)
can see exactly which words made the engine think what it thinks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from roundwise.engine.understand.reader import Assessment

ItemScope = Literal["in_scope", "out_of_scope", "free_fix", "vague"]
Scope = Literal["in_scope", "out_of_scope", "free_fix", "vague", "mixed"]
Stage = Literal["calm", "explosion"]
LanguageMethod = Literal["script", "detector", "markers", "prior", "all_languages"]

ITEM_SCOPES: tuple[ItemScope, ...] = ("in_scope", "out_of_scope", "free_fix", "vague")
SCOPES: tuple[Scope, ...] = (*ITEM_SCOPES, "mixed")
STAGES: tuple[Stage, ...] = ("calm", "explosion")
LANGUAGES: tuple[str, ...] = ("en", "sl", "pl", "sr", "el", "ka")


@dataclass(frozen=True, slots=True)
class DeliverableInfo:
    """One deliverable of the contract: its titles and brief name what is in scope."""

    id: str
    title: str
    kind: str = "other"
    brief: str = ""


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What the analysis needs to know about the contract the message is about.

    ``exclusions`` are the contract's "not included" phrases as written in the spec
    (English, e.g. "social media posts"); ``contract_language`` and ``client_language``
    are ISO 639-1 codes used as the prior for short or ambiguous messages. ``names`` are
    the parties' names and businesses ("Red Fox Coffee"): written in capitals they are a
    name, not shouting.
    """

    deliverable_id: str
    deliverable_kind: str = "other"
    deliverables: tuple[DeliverableInfo, ...] = ()
    exclusions: tuple[str, ...] = ()
    brief: str = ""
    contract_language: str = "en"
    client_language: str | None = None
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cue:
    """A piece of evidence: which rule matched, where, and what it means.

    ``rule`` is ``<kind>.<id>`` (e.g. ``free_fix.typo``, ``exclusion.social_media``,
    ``stage.caps``). ``start``/``end`` are offsets into the analysed text (the message,
    or the explicitly given item), ``text`` is that span. ``language`` names the cue list
    that matched, or ``"*"`` for language-independent rules.
    """

    rule: str
    text: str
    start: int
    end: int
    explanation: str
    language: str = "*"

    @property
    def kind(self) -> str:
        """The rule family: the part of ``rule`` before the first dot."""
        return self.rule.partition(".")[0]


@dataclass(frozen=True, slots=True)
class ChangeItem:
    """One change the client asks for, with the cues behind its scope.

    ``spans`` are the (start, end) offsets of the message parts forming the item (an item
    can join a follow-up like "Please fix it everywhere." to the sentence it refers to).
    """

    text: str
    scope: ItemScope
    reasons: tuple[Cue, ...]
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class RequestAnalysis:
    """The understanding of one client message.

    ``scope`` is the single class shared by the non-vague items, ``mixed`` when they
    differ, and ``vague`` when every item is vague. ``context`` keeps the message parts
    that are not change items (greetings, praise, sign-offs, venting without a request),
    so nothing the client wrote silently disappears.
    """

    items: tuple[ChangeItem, ...]
    scope: Scope
    stage: Stage
    stage_cues: tuple[Cue, ...]
    stage_score: int
    language: str
    language_confidence: float
    language_method: LanguageMethod
    language_candidates: tuple[tuple[str, float], ...] = ()
    context: tuple[str, ...] = ()
    # Intent, scope with ``none``, calibrated confidences and needs_review: the rules and
    # the statistical reader together (``engine.understand.reader``).
    assessment: Assessment | None = None

    def explain(self) -> tuple[str, ...]:
        """One line per finding, in the order a person would read them."""
        lines = [f"scope {self.scope}", f"stage {self.stage} (score {self.stage_score})"]
        lines += [f"  {c.rule}: {c.text!r} ({c.explanation})" for c in self.stage_cues]
        for item in self.items:
            lines.append(f"item {item.scope}: {item.text!r}")
            lines += [f"  {c.rule}: {c.text!r} ({c.explanation})" for c in item.reasons]
        if self.assessment is not None:
            lines += self.assessment.explain()
        lines.append(
            f"language {self.language} ({self.language_method}, "
            f"confidence {self.language_confidence:.2f})"
        )
        return tuple(lines)
