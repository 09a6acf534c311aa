"""``measure``: how much of the original text a revision changes (PRODUCT.md's rule).

The rule, in plain words: tokenise both texts (``engine.measure.tokens``), align them
with a minimal word-level diff (``engine.measure.align``), and charge every edit block
``max(deleted, inserted)`` words — a deletion its deleted words, an insertion its inserted
words, a replacement the larger side. ``changed_share = changed_words / words_old``: a raw
figure that exceeds 1.0 when more is added than was there. Identical texts give 0.0.

Among equally minimal alignments, neighbouring blocks are re-paired so that deletions
pair with insertions where that lowers the charge (``engine.measure.pairing``).

Moves (``engine.measure.moves``): a run of ≥ 5 tokens deleted in one place and inserted
unchanged elsewhere is charged ``MOVE_COST`` (1 word) instead of twice its length; the
plain figure without move detection is kept as ``diff_changed_words``.

Empty original: the denominator is ``max(words_old, 1)``. Both empty → 0.0; an empty
original and a non-empty revision → ``words_new`` (every new word counts, as if the
original had one word), so any policy limit below 1.0 is clearly exceeded.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import count

from roundwise.engine.measure.align import align
from roundwise.engine.measure.model import (
    MOVE_COST,
    EditBlock,
    Measurement,
    MeasureOptions,
    MovedBlock,
)
from roundwise.engine.measure.moves import Gap, Move, find_moves
from roundwise.engine.measure.pairing import pair_blocks
from roundwise.engine.measure.tokens import token_keys

# Tokens of recent ``old`` texts kept: every revision request on a deliverable measures
# against the same current version, so its tokens are the same each time. Texts longer
# than this many characters are not kept (their token lists would hold the memory).
OLD_TEXTS_KEPT = 256
OLD_TEXT_KEPT_CHARS = 50_000


def measure(old: str, new: str, options: MeasureOptions | None = None) -> Measurement:
    """Measure the change from ``old`` to ``new`` (see the module docstring for the rule)."""
    opts = options or MeasureOptions()
    if len(old) <= OLD_TEXT_KEPT_CHARS:
        old_texts, old_keys = _kept_token_keys(old, opts)
    else:
        old_texts, old_keys = token_keys(old, opts)
    new_texts, new_keys = token_keys(new, opts)
    ids: dict[str, int] = {}
    numbers = count()  # equal keys get the first number handed to them, all in C
    a = list(map(ids.setdefault, old_keys, numbers))
    b = list(map(ids.setdefault, new_keys, numbers))
    alignment = align(a, b)
    gaps = pair_blocks(a, b, list(alignment.matches))
    moves = find_moves(a, b, gaps)
    blocks = _blocks(gaps, moves, old_texts, new_texts)
    moved_blocks = tuple(
        MovedBlock(p, p + n, q, q + n, tuple(old_texts[p : p + n])) for p, q, n, _, _ in moves
    )
    return _figures(blocks, moved_blocks, len(a), len(b), alignment.exact, opts)


@lru_cache(maxsize=OLD_TEXTS_KEPT)
def _kept_token_keys(text: str, options: MeasureOptions) -> tuple[list[str], list[str]]:
    """``token_keys``, memoised (a pure function; ``measure`` only reads the lists)."""
    return token_keys(text, options)


def forget_kept_old_texts() -> None:
    """Empty the memo of old texts' tokens (for timing ``measure`` from cold)."""
    _kept_token_keys.cache_clear()


def _blocks(
    gaps: Sequence[Gap], moves: Sequence[Move], old_texts: list[str], new_texts: list[str]
) -> tuple[EditBlock, ...]:
    moved_out = [0] * len(gaps)
    moved_in = [0] * len(gaps)
    for _, _, length, from_gap, to_gap in moves:
        moved_out[from_gap] += length
        moved_in[to_gap] += length
    new_block = tuple.__new__  # EditBlock's fields in order, without NamedTuple's slower __new__
    return tuple(
        new_block(
            EditBlock,
            (
                i1,
                i2,
                j1,
                j2,
                tuple(old_texts[i1:i2]),
                tuple(new_texts[j1:j2]),
                moved_out[number],
                moved_in[number],
            ),
        )
        for number, (i1, i2, j1, j2) in enumerate(gaps)
    )


def _figures(
    blocks: tuple[EditBlock, ...],
    moves: tuple[MovedBlock, ...],
    words_old: int,
    words_new: int,
    exact: bool,
    options: MeasureOptions,
) -> Measurement:
    added = removed = replaced = plain = 0
    for i1, i2, j1, j2, _, _, moved_out, moved_in in blocks:
        deleted, inserted = i2 - i1 - moved_out, j2 - j1 - moved_in
        both = min(deleted, inserted)
        replaced += both
        removed += deleted - both
        added += inserted - both
        plain += max(i2 - i1, j2 - j1)
    moved = sum(len(move.tokens) for move in moves)
    changed = added + removed + replaced + MOVE_COST * len(moves)
    return Measurement(
        changed_share=changed / max(words_old, 1),
        changed_words=changed,
        diff_changed_words=plain,
        words_old=words_old,
        words_new=words_new,
        added=added,
        removed=removed,
        replaced=replaced,
        unchanged=words_old - removed - replaced - moved,
        moved=moved,
        blocks=blocks,
        moves=moves,
        exact=exact,
        options=options,
    )
