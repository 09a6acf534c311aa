"""An account's corrections as examples: a message like a corrected one is read the same way.

When a freelancer corrects how a message was read (issue 16.6), the message and their
reading become an example for their account. A later message whose TF-IDF vector (the
statistical reader's own features: words, word pairs, letter runs) is at least
``SIMILAR_AT`` cosine-similar to an example's follows that example's reading — intent,
scope, stage — instead of the model's, and is no longer sent to review for its
confidence (the freelancer has said how such messages read). Nearest neighbour, not a
retrained model: an account has few corrections, each takes effect at once, and the
explanation can name the corrected message it followed.

An account's examples are vectorised once (``example_book``) and kept by the caller; a
message then costs one vectorisation and a sparse dot product per example.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from roundwise.engine.understand.intent import NO_CHANGE
from roundwise.engine.understand.model import ITEM_SCOPES, ChangeItem, Cue, RequestAnalysis
from roundwise.engine.understand.reader import Assessment
from roundwise.engine.understand.statistical import ReaderModel, reader_model, vectorise

# Chosen on the dev split (bench/corrections.py, k = 20): at 0.3 a fifth of messages
# follow an example and those are right two times in three; from 0.4 on, four in five.
SIMILAR_AT = 0.4


@dataclass(frozen=True, slots=True)
class Example:
    """A message the freelancer corrected, and their reading of it.

    ``scope`` is the message's scope as assessed (``none`` for an intent asking no
    change, ``mixed`` when its items differ); ``request_id`` names the corrected request.
    """

    message: str
    intent: str
    scope: str
    stage: str
    request_id: str = ""


@dataclass(frozen=True, slots=True)
class ExampleBook:
    """An account's examples with their unit TF-IDF vectors (feature index -> value)."""

    examples: tuple[Example, ...]
    vectors: tuple[dict[int, float], ...]

    def __len__(self) -> int:
        return len(self.examples)


def unit_vector(text: str, model: ReaderModel) -> dict[int, float]:
    """``text`` as an L2-normalised TF-IDF vector over the reader's features."""
    vector = vectorise(text, model)
    values = {i: tf * model.idf[i] for i, tf in zip(vector.index, vector.tf, strict=True)}
    norm = sum(v * v for v in values.values()) ** 0.5
    return {i: v / norm for i, v in values.items()} if norm else {}


def example_book(examples: Iterable[Example], model: ReaderModel | None = None) -> ExampleBook:
    """The examples, vectorised once."""
    model = model or reader_model()
    kept = tuple(examples)
    return ExampleBook(kept, tuple(unit_vector(e.message, model) for e in kept))


def nearest(
    book: ExampleBook, message: str, model: ReaderModel | None = None
) -> tuple[Example, float] | None:
    """The example most like ``message`` if it is at least ``SIMILAR_AT`` similar (the
    latest example wins a tie: a newer correction reflects the freelancer's newer view)."""
    if not book.examples:
        return None
    vector = unit_vector(message, model or reader_model())
    best: tuple[Example, float] | None = None
    for example, other in zip(book.examples, book.vectors, strict=True):
        small, large = (vector, other) if len(vector) <= len(other) else (other, vector)
        similarity = sum(v * large.get(i, 0.0) for i, v in small.items())
        if similarity >= SIMILAR_AT and (best is None or similarity >= best[1]):
            best = (example, similarity)
    return best


def follow(
    analysis: RequestAnalysis, example: Example, similarity: float, message: str
) -> RequestAnalysis:
    """``analysis`` of ``message`` read as the freelancer read ``example``: its intent,
    scope and stage.

    The change items take the example's scope when it is one item scope (a message in
    which the rules found no item becomes one item of that scope); for ``none`` and
    ``mixed`` the items stay as the rules found them.
    """
    cue = Cue(
        rule="correction.example",
        text=example.message[:200],
        start=0,
        end=0,
        explanation=f"read as the freelancer corrected a similar message ({similarity:.2f})",
    )
    items = analysis.items
    if example.scope in ITEM_SCOPES and example.intent not in NO_CHANGE:
        scope = example.scope
        items = tuple(replace(i, scope=scope, reasons=(*i.reasons, cue)) for i in items) or (
            ChangeItem(text=message.strip()[:5000] or message, scope=scope, reasons=(cue,)),
        )
    assessment = _followed(analysis.assessment, example, similarity, cue)
    return replace(analysis, items=items, stage=example.stage, assessment=assessment)  # type: ignore[arg-type]


def _followed(
    before: Assessment | None, example: Example, similarity: float, cue: Cue
) -> Assessment:
    """The assessment an example gives: the freelancer's reading, confident unless the
    message is in a language Roundwise does not answer in (still a person's job)."""
    reasons = tuple(
        r for r in (before.review_reasons if before else ()) if r.startswith("language")
    )
    return Assessment(
        intent=example.intent,
        intent_confidence=round(similarity, 4),
        intent_by="correction",
        scope=example.scope,
        scope_confidence=round(similarity, 4),
        scope_by="correction",
        stage=example.stage,
        stage_confidence=round(similarity, 4),
        needs_review=bool(reasons),
        review_reasons=reasons,
        intent_cues=(cue,),
        evidence=before.evidence if before else (),
    )
