"""The client's message cut into plain and highlighted pieces: the cues the reader matched.

The stored decision keeps the verdict and reasons, not the cue offsets, so the page
reads the message again with the same contract context (``engine.understand``, pure
and a few milliseconds). Each highlight names the cue's rule and what it means.
"""

from __future__ import annotations

from dataclasses import dataclass

from roundwise.engine.decide import request_context
from roundwise.engine.terms import ContractTerms
from roundwise.engine.understand import Cue, analyse_request


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of the message; ``rule``/``why`` are set when it is a matched cue."""

    text: str
    rule: str | None = None
    why: str | None = None


def _cues(message: str, terms: ContractTerms, deliverable: str) -> list[Cue]:
    found = next((d for d in terms.deliverables if d.id == deliverable), None)
    if found is None:
        return []
    analysis = analyse_request(message, request_context(terms, found))
    cues = [*analysis.stage_cues, *(c for item in analysis.items for c in item.reasons)]
    # Only cues that point into the message itself (an explicit item has its own offsets).
    return [c for c in cues if c.end > c.start and message[c.start : c.end] == c.text]


def highlighted(message: str, terms: ContractTerms, deliverable: str) -> list[Piece]:
    """The message as pieces, matched cues marked (overlaps: the earlier cue wins)."""
    pieces, position = [], 0
    for cue in sorted(_cues(message, terms, deliverable), key=lambda c: (c.start, -c.end)):
        if cue.start < position:
            continue
        if cue.start > position:
            pieces.append(Piece(message[position : cue.start]))
        pieces.append(Piece(cue.text, cue.rule, cue.explanation))
        position = cue.end
    if position < len(message):
        pieces.append(Piece(message[position:]))
    return pieces


__all__ = ["Piece", "highlighted"]
