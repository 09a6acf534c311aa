"""Moved blocks: text the client cut in one place and pasted, unchanged, in another.

A minimal diff shows a moved sentence as a deletion here and an insertion there, and
would charge it twice. Moving text is cheap work, not a rewrite, so a run of at least
``MIN_MOVE_WORDS`` tokens that is deleted in one edit block and inserted, token for token,
in another is reported as a **move** and charged ``MOVE_COST`` (one word) instead of its
length on both sides. Detection is greedy (left to right over the deleted runs, longest
candidate first) on ``MIN_MOVE_WORDS``-grams; it never changes the alignment itself.
"""

from __future__ import annotations

from collections.abc import Sequence

MIN_MOVE_WORDS = 5
"""Shortest run reported as a move: shorter repeats ("in the", "on the other") are chance."""
_MAX_CANDIDATES = 16

Gap = tuple[int, int, int, int]
"""An edit region: old[i1:i2] was replaced by new[j1:j2]."""
Move = tuple[int, int, int, int, int]
"""(old start, new start, length, deleting gap index, inserting gap index)."""


def find_moves(a: Sequence[int], b: Sequence[int], gaps: Sequence[Gap]) -> list[Move]:
    """Moves between the deleted and the inserted runs of ``gaps``, greedily."""
    index = _index_inserted(b, gaps)
    if not index:
        return []
    used = bytearray(len(b))
    moves: list[Move] = []
    for gap_no, (i1, i2, _, _) in enumerate(gaps):
        p = i1
        while p + MIN_MOVE_WORDS <= i2:
            best = _best_candidate(a, b, p, i2, index.get(tuple(a[p : p + MIN_MOVE_WORDS])), used)
            if best is None:
                p += 1
                continue
            q, length, to_gap = best
            used[q : q + length] = b"\x01" * length
            moves.append((p, q, length, gap_no, to_gap))
            p += length
    return moves


def _index_inserted(
    b: Sequence[int], gaps: Sequence[Gap]
) -> dict[tuple[int, ...], list[tuple[int, int, int]]]:
    """Every MIN_MOVE_WORDS-gram of the inserted runs -> [(position, run end, gap index)]."""
    index: dict[tuple[int, ...], list[tuple[int, int, int]]] = {}
    for gap_no, (_, _, j1, j2) in enumerate(gaps):
        for q in range(j1, j2 - MIN_MOVE_WORDS + 1):
            found = index.setdefault(tuple(b[q : q + MIN_MOVE_WORDS]), [])
            if len(found) < _MAX_CANDIDATES:
                found.append((q, j2, gap_no))
    return index


def _best_candidate(
    a: Sequence[int],
    b: Sequence[int],
    p: int,
    p_end: int,
    candidates: list[tuple[int, int, int]] | None,
    used: bytearray,
) -> tuple[int, int, int] | None:
    """The longest unused inserted run equal to a[p:...] (at least MIN_MOVE_WORDS long)."""
    best: tuple[int, int, int] | None = None
    for q, q_end, gap_no in candidates or ():
        length = 0
        while (
            p + length < p_end
            and q + length < q_end
            and not used[q + length]
            and a[p + length] == b[q + length]
        ):
            length += 1
        if length >= MIN_MOVE_WORDS and (best is None or length > best[1]):
            best = (q, length, gap_no)
    return best


__all__ = ["MIN_MOVE_WORDS", "Gap", "Move", "find_moves"]
