"""Overlap questions about many cue spans at once, in O(n log n) instead of O(n²).

A clause of a long message can hold thousands of cues ("typo typo typo …" with no
sentence end), and asking "does any other cue overlap this one?" cue by cue took time
quadratic in the clause: 64,000 characters of one repeated cue word took 7 s. Spans are
half-open ``(start, end)`` pairs; two spans overlap when ``a.start < b.end`` and
``b.start < a.end``.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

Span = tuple[int, int]


class Cover:
    """A fixed set of spans, asked which spans overlap or contain a given one."""

    def __init__(self, spans: Sequence[Span]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        # reach[i]: the furthest end among the first i + 1 spans by start
        self.reach = list(itertools.accumulate((e for _, e in ordered), max))

    def _furthest_end(self, starting_before: int, inclusive: bool = False) -> int:
        """The largest end among spans starting before (or at) ``starting_before``."""
        find = bisect.bisect_right if inclusive else bisect.bisect_left
        count = find(self.starts, starting_before)
        return self.reach[count - 1] if count else -1

    def overlaps(self, start: int, end: int) -> bool:
        """Does some span overlap ``[start, end)``?"""
        return self._furthest_end(end) > start

    def contains(self, start: int, end: int) -> bool:
        """Does some span hold ``[start, end)`` whole (``s <= start and end <= e``)?"""
        return self._furthest_end(start, inclusive=True) >= end


class _PrefixMax:
    """A Fenwick tree of maxima: raise a position's value, ask the max of a prefix."""

    def __init__(self, size: int) -> None:
        self.tree = [-1] * (size + 1)

    def raise_to(self, position: int, value: int) -> None:
        index = position + 1
        while index < len(self.tree):
            self.tree[index] = max(self.tree[index], value)
            index += index & -index

    def max_of_first(self, count: int) -> int:
        best = -1
        while count > 0:
            best = max(best, self.tree[count])
            count -= count & -count
        return best


def longer_overlap_in_other_group(spans: Sequence[Span], groups: Sequence[str]) -> list[bool]:
    """For each span: does a strictly longer span of another group overlap it?

    Spans are visited from the longest down; each length's spans are asked before they
    are added, so only strictly longer ones are ever found. Per group, a prefix-max
    tree over start positions holds the ends added so far: a span overlaps ``[s, e)``
    exactly when it starts before ``e`` and ends after ``s``.
    """
    result = [False] * len(spans)
    names = sorted(set(groups))
    if len(names) < 2:
        return result
    starts = sorted({s for s, _ in spans})
    trees = {name: _PrefixMax(len(starts)) for name in names}
    order = sorted(range(len(spans)), key=lambda i: spans[i][0] - spans[i][1])
    for _, same_length in itertools.groupby(order, key=lambda i: spans[i][1] - spans[i][0]):
        batch = list(same_length)
        for i in batch:
            start, end = spans[i]
            before_end = bisect.bisect_left(starts, end)
            result[i] = any(
                trees[name].max_of_first(before_end) > start for name in names if name != groups[i]
            )
        for i in batch:
            start, end = spans[i]
            trees[groups[i]].raise_to(bisect.bisect_left(starts, start), end)
    return result
