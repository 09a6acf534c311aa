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
    if not any(i2 - i1 >= MIN_MOVE_WORDS for i1, i2, _, _ in gaps):
        return []
    index = _InsertedIndex(b, gaps)
    if not index.heads:
        return []
    used = bytearray(len(b))
    moves: list[Move] = []
    for gap_no, (i1, i2, _, _) in enumerate(gaps):
        p = i1
        while p + MIN_MOVE_WORDS <= i2:
            best = index.longest(a, p, i2, used)
            if best is None:
                p += 1
                continue
            q, length = best
            used[q : q + length] = b"\x01" * length
            moves.append((p, q, length, gap_no, index.gap_of[q]))
            p += length
    return moves


class _InsertedIndex:
    """Every MIN_MOVE_WORDS-gram of the inserted runs, by hash, as chains of positions.

    Plain ints in flat lists rather than a dict of tuples: a heavily edited manuscript
    has tens of thousands of inserted positions, and containers would burden the GC.
    Hash collisions are harmless: a candidate is only taken after comparing its tokens.
    """

    def __init__(self, b: Sequence[int], gaps: Sequence[Gap]) -> None:
        self.b = b
        self.heads: dict[int, int] = {}
        self.chain = [-1] * len(b)
        self.run_end = [0] * len(b)
        self.gap_of = [0] * len(b)
        for gap_no in range(len(gaps) - 1, -1, -1):  # reversed: chains start earliest
            _, _, j1, j2 = gaps[gap_no]
            for q in range(j2 - MIN_MOVE_WORDS, j1 - 1, -1):
                key = hash(tuple(b[q : q + MIN_MOVE_WORDS]))
                self.chain[q] = self.heads.get(key, -1)
                self.heads[key] = q
                self.run_end[q], self.gap_of[q] = j2, gap_no

    def longest(
        self, a: Sequence[int], p: int, p_end: int, used: bytearray
    ) -> tuple[int, int] | None:
        """The longest unused inserted run equal to a[p:...], at least MIN_MOVE_WORDS long."""
        b = self.b
        best: tuple[int, int] | None = None
        q = self.heads.get(hash(tuple(a[p : p + MIN_MOVE_WORDS])), -1)
        for _ in range(_MAX_CANDIDATES):
            if q < 0:
                break
            q_end, length = self.run_end[q], 0
            while (
                p + length < p_end
                and q + length < q_end
                and not used[q + length]
                and a[p + length] == b[q + length]
            ):
                length += 1
            if length >= MIN_MOVE_WORDS and (best is None or length > best[1]):
                best = (q, length)
            q = self.chain[q]
        return best
