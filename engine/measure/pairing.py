"""Tie-breaking between equally minimal alignments, in favour of the smaller charge.

Several alignments can have the same (minimal) number of inserted + deleted tokens but
group them into blocks differently, and the charge ``Σ max(deleted, inserted)`` depends
on the grouping. ``Klient ma zawsze rację`` → ``Klient nie zawsze ma rację`` can be read
as "insert *nie zawsze*, delete *zawsze*" (3 words) or "replace *ma* by *nie*, insert
*ma*" (2 words). The alignment stays minimal either way; the fairer reading pairs
deletions with insertions.

So, after alignment, each pair of neighbouring blocks with opposite imbalance (one
deletes more than it inserts, the other the reverse) separated by a short equal run is
re-aligned exactly with a lexicographic cost: first the fewest inserted + deleted tokens,
then the most deletions paired with insertions (insert and delete cost W, a paired
deletion + insertion ``2W - 1``, with W larger than any possible pairing count). The
region is small, so a plain dynamic programme is cheap; the minimal edit cost never
changes (and can only drop if the alignment was unproven), and the charge never rises.
"""

from __future__ import annotations

from collections.abc import Sequence

from roundwise.engine.measure.align import Match

MAX_SEPARATION = 3
"""Longest equal run between two blocks that is reconsidered."""
MAX_REGION_CELLS = 900
"""Largest region (old × new tokens) re-aligned by the plain dynamic programme."""

Gap = tuple[int, int, int, int]


def pair_blocks(a: Sequence[int], b: Sequence[int], matches: list[Match]) -> list[Gap]:
    """The edit regions of the alignment, neighbouring unbalanced blocks re-paired."""
    gaps = gaps_between(matches, len(a), len(b))
    removed: set[tuple[int, int]] = set()
    added: list[Match] = []
    k = 0
    while k + 1 < len(gaps):
        first, second = gaps[k], gaps[k + 1]
        better = _repair(a, b, first, second) if _worth_trying(first, second) else None
        if better is None:
            k += 1
            continue
        removed.add((gaps[k][1], gaps[k][3]))  # the equal run between the two blocks
        added += better
        k += 2
    if not removed:
        return gaps
    kept = [m for m in matches if (m[0], m[1]) not in removed]
    return gaps_between(_merge(sorted(kept + added)), len(a), len(b))


def gaps_between(matches: Sequence[Match], n: int, m: int) -> list[Gap]:
    """The edit regions (old i1:i2 → new j1:j2) between consecutive equal runs."""
    gaps: list[Gap] = []
    i = j = 0
    for mi, mj, length in (*matches, (n, m, 0)):
        if mi > i or mj > j:
            gaps.append((i, mi, j, mj))
        i, j = mi + length, mj + length
    return gaps


def _worth_trying(first: Gap, second: Gap) -> bool:
    """Close, small, and unbalanced in opposite directions (only then can pairing improve)."""
    i1, i2, j1, j2 = first
    k1, k2, l1, l2 = second
    return (
        k1 - i2 <= MAX_SEPARATION
        and ((i2 - i1) - (j2 - j1)) * ((k2 - k1) - (l2 - l1)) < 0
        and (k2 - i1) * (l2 - j1) <= MAX_REGION_CELLS
    )


def _repair(a: Sequence[int], b: Sequence[int], first: Gap, second: Gap) -> list[Match] | None:
    """Equal runs of a better alignment of the two blocks and the run between, or None."""
    i1, i2, j1, j2 = first
    k1, k2, l1, l2 = second
    if not _could_rematch(a, b, first, second):
        return None
    before = max(i2 - i1, j2 - j1) + max(k2 - k1, l2 - l1)
    runs = _lexicographic_alignment(a[i1:k2], b[j1:l2])
    after = sum(max(g[1] - g[0], g[3] - g[2]) for g in gaps_between(runs, k2 - i1, l2 - j1))
    if after >= before:
        return None
    return [(i1 + i, j1 + j, length) for i, j, length in runs]


def _could_rematch(a: Sequence[int], b: Sequence[int], first: Gap, second: Gap) -> bool:
    """Whether any alignment other than the current one keeps as many matches.

    Another alignment must match a deleted token to an inserted or equal-run token, or an
    equal-run token to an inserted one; if no such pair of equal tokens exists, the
    current alignment is the only minimal one and re-aligning is pointless.
    """
    deleted = {*a[first[0] : first[1]], *a[second[0] : second[1]]}
    inserted = {*b[first[2] : first[3]], *b[second[2] : second[3]]}
    between = set(a[first[1] : second[0]])
    return bool(deleted & (inserted | between) or inserted & between)


def _lexicographic_alignment(x: Sequence[int], y: Sequence[int]) -> list[Match]:
    """Fewest indels, then most paired replacements, by a plain O(len·len) programme."""
    weight = len(x) + len(y) + 1
    paired = 2 * weight - 1
    rows = [[j * weight for j in range(len(y) + 1)]]
    for i, token in enumerate(x, 1):
        above = rows[-1]
        row = [i * weight]
        for j, other in enumerate(y, 1):
            diagonal = above[j - 1] + (0 if token == other else paired)
            row.append(min(diagonal, above[j] + weight, row[j - 1] + weight))
        rows.append(row)
    return _trace(x, y, rows, weight)


def _trace(x: Sequence[int], y: Sequence[int], rows: list[list[int]], weight: int) -> list[Match]:
    matches: list[Match] = []
    i, j = len(x), len(y)
    while i and j:
        if x[i - 1] == y[j - 1] and rows[i][j] == rows[i - 1][j - 1]:
            matches.append((i - 1, j - 1, 1))
            i, j = i - 1, j - 1
        elif rows[i][j] == rows[i - 1][j] + weight:
            i -= 1
        elif rows[i][j] == rows[i][j - 1] + weight:
            j -= 1
        else:
            i, j = i - 1, j - 1
    return _merge(matches[::-1])


def _merge(runs: list[Match]) -> list[Match]:
    """Join runs that touch."""
    merged: list[Match] = []
    for i, j, length in runs:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + length)
        else:
            merged.append((i, j, length))
    return merged
