"""The values of change measurement: options in, a ``Measurement`` out.

All offsets are **token** offsets into ``tokenize(text, options)`` of the old and the new
text (half-open ranges), so a redline can map them back to characters.

How the figures add up (checked by the tests)::

    words_old = unchanged + removed + replaced + moved
    words_new = unchanged + added   + replaced + moved
    changed_words = added + removed + replaced + MOVE_COST * len(moves)
    changed_share = changed_words / max(words_old, 1)

Per edit block, ``cost = max(deleted, inserted)`` after taking out the words that belong
to a detected move; ``replaced`` is the smaller side, and the rest of the larger side is
``removed`` or ``added``. ``diff_changed_words`` is the same sum with no move detection:
PRODUCT.md's plain definition, kept for transparency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

MOVE_COST = 1
"""Changed words charged for one moved block: moving a paragraph is one cheap edit."""


@dataclass(frozen=True, slots=True)
class MeasureOptions:
    """What a comparison may ignore (see ``engine.measure.tokens`` for the exact rule)."""

    ignore_case: bool = False
    ignore_punctuation: bool = False


class EditBlock(NamedTuple):
    """One region between unchanged runs: ``deleted`` old tokens became ``inserted`` ones.

    A NamedTuple rather than a dataclass: a heavily edited manuscript has tens of
    thousands of blocks and a frozen dataclass is several times slower to build.

    ``moved_deleted``/``moved_inserted`` count the tokens of this block that belong to a
    moved block; they are not charged here (the move is charged once, as MOVE_COST).
    """

    old_start: int
    old_end: int
    new_start: int
    new_end: int
    deleted: tuple[str, ...]
    inserted: tuple[str, ...]
    moved_deleted: int = 0
    moved_inserted: int = 0

    @property
    def kind(self) -> str:
        """``insert``, ``delete`` or ``replace``."""
        if not self.deleted:
            return "insert"
        return "delete" if not self.inserted else "replace"

    @property
    def cost(self) -> int:
        """Changed words charged for this block: max(deleted, inserted), moves excluded."""
        return max(len(self.deleted) - self.moved_deleted, len(self.inserted) - self.moved_inserted)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kind": self.kind,
            "old_start": self.old_start,
            "old_end": self.old_end,
            "new_start": self.new_start,
            "new_end": self.new_end,
            "deleted": list(self.deleted),
            "inserted": list(self.inserted),
            "moved_deleted": self.moved_deleted,
            "moved_inserted": self.moved_inserted,
            "cost": self.cost,
        }


class MovedBlock(NamedTuple):
    """A run of tokens deleted at ``old_start`` and inserted unchanged at ``new_start``."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int
    tokens: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "old_start": self.old_start,
            "old_end": self.old_end,
            "new_start": self.new_start,
            "new_end": self.new_end,
            "words": len(self.tokens),
            "tokens": list(self.tokens),
        }


@dataclass(frozen=True, slots=True)
class Measurement:
    """How much a revision changes a text, with the evidence (blocks and moves).

    ``exact`` is True when the edit script is proven minimal (fewest inserted + deleted
    tokens): computed by an exact algorithm, or checked against the exact LCS length.
    It is False only for very large, heavily edited pairs where that check is skipped
    for speed (see ``engine.measure.align``).
    """

    changed_share: float
    changed_words: int
    diff_changed_words: int
    words_old: int
    words_new: int
    added: int
    removed: int
    replaced: int
    unchanged: int
    moved: int
    blocks: tuple[EditBlock, ...]
    moves: tuple[MovedBlock, ...]
    exact: bool
    options: MeasureOptions = MeasureOptions()

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of ``roundwise measure --json`` and ``POST /v1/measure``."""
        return {
            "changed_share": self.changed_share,
            "changed_words": self.changed_words,
            "diff_changed_words": self.diff_changed_words,
            "words_old": self.words_old,
            "words_new": self.words_new,
            "added": self.added,
            "removed": self.removed,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "moved": self.moved,
            "move_cost": MOVE_COST,
            "exact": self.exact,
            "options": {
                "ignore_case": self.options.ignore_case,
                "ignore_punctuation": self.options.ignore_punctuation,
            },
            "blocks": [block.as_dict() for block in self.blocks],
            "moves": [move.as_dict() for move in self.moves],
        }
