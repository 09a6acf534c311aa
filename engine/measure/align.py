"""Minimal token alignment: the longest common subsequence, fast on long texts.

A minimal edit script (fewest inserted + deleted tokens) is the complement of a longest
common subsequence (LCS). How it is found:

1. **Common prefix and suffix** are stripped; that never costs optimality.
2. **Small problems** (at most ``EXACT_CELLS`` cells of the n×m table) are solved
   exactly in one go by RapidFuzz's ``LCSseq.opcodes``: a bit-parallel LCS in C++
   (O(n·m/64) time; its traceback keeps an n·m-bit matrix, hence the size limit).
3. **Large problems** are split on anchors (patience diff): tokens that occur exactly once
   in each side of the region, chained by a longest increasing subsequence and grown into
   the equal runs around them. Each gap between anchors is solved the same way,
   recursively, so the exact algorithm only ever sees small gaps.
4. Anchoring is fast but *not* guaranteed minimal (a unique token can pull the alignment
   away from a longer run of repeated tokens). So the result is **checked** against the
   exact LCS length from RapidFuzz's ``LCSseq.similarity`` (bit-parallel, no matrix,
   banded by the score cut-off). If anchoring lost anything, the region is re-aligned
   exactly in one go. The check is skipped only when it would cost more than
   ``VERIFY_CELLS`` cells (≈ 0.1 s); the result then says ``exact=False``.
   Before the check, a cheap local repair re-examines the neighbourhood of every anchor
   (``_repair_anchors``), which removes the usual damage of a chance anchor even when
   the global check is too costly (100,000-word pairs with heavy edits).

Why RapidFuzz: it is already a dependency, well kept and exact, and its bit-parallel LCS
runs in C++. Myers' O(ND) would have to run in Python here, and at the edit densities
clients produce (D ≈ 0.3-0.6 n) O(ND) is close to quadratic anyway.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import LCSseq

EXACT_CELLS = 25_000_000
"""Regions up to this many cells are aligned exactly in one RapidFuzz call (~5 ms)."""
MEMORY_CELLS = 800_000_000
"""Largest exact one-call alignment: its traceback matrix is cells/8 bytes (100 MB)."""
VERIFY_CELLS = 1_200_000_000
"""Largest (banded) LCS-length check run to prove minimality (≈ 0.1 s on one core)."""

MAX_DEPTH = 48
"""Nesting limit for re-anchoring inside gaps (keeps recursion shallow on odd inputs)."""

Match = tuple[int, int, int]
"""An equal run: (old index, new index, length)."""


@dataclass(frozen=True, slots=True)
class Alignment:
    """Equal runs in increasing order, and whether their total is proven maximal."""

    matches: tuple[Match, ...]
    exact: bool

    @property
    def matched(self) -> int:
        """Number of tokens kept unchanged (the LCS length when ``exact``)."""
        return sum(length for _, _, length in self.matches)


def align(a: Sequence[int], b: Sequence[int]) -> Alignment:
    """Align two token-id sequences with a minimal (LCS) edit script."""
    shorter = min(len(a), len(b))
    prefix = _common_prefix(a, b, 0, 0, shorter)
    suffix = _common_suffix(a, b, shorter - prefix)
    a_hi, b_hi = len(a) - suffix, len(b) - suffix
    middle: list[Match] = []
    anchored: list[Match] = []
    exact = _solve(a, b, prefix, a_hi, prefix, b_hi, middle, anchored)
    if not exact:
        middle = _repair_anchors(a, b, _merge(middle), anchored)
        middle, exact = _verify(a, b, (prefix, a_hi, prefix, b_hi), middle)
    runs = [(0, 0, prefix), *middle, (a_hi, b_hi, suffix)]
    return Alignment(tuple(_merge(runs)), exact)


def _common_prefix(a: Sequence[int], b: Sequence[int], i: int, j: int, limit: int) -> int:
    """Length (at most ``limit``) of the equal run from a[i], b[j].

    Gallops then bisects with slice comparisons, which run in C.
    """
    low = 0
    while low < limit and low < 8 and a[i + low] == b[j + low]:  # most runs are short
        low += 1
    if low < 8:
        return low
    step, growing = 16, True
    while step and low < limit:
        size = min(step, limit - low)
        if a[i + low : i + low + size] == b[j + low : j + low + size]:
            low += size
            step = step * 2 if growing else step
        else:
            growing, step = False, step // 2
    return low


def _common_suffix(a: Sequence[int], b: Sequence[int], limit: int) -> int:
    """Length (at most ``limit``) of the equal run ending both sequences."""
    low, step, growing = 0, 16, True
    while step and low < limit:
        size = min(step, limit - low)
        if a[len(a) - low - size : len(a) - low] == b[len(b) - low - size : len(b) - low]:
            low += size
            step = step * 2 if growing else step
        else:
            growing, step = False, step // 2
    return low


def _solve(
    a: Sequence[int],
    b: Sequence[int],
    alo: int,
    ahi: int,
    blo: int,
    bhi: int,
    out: list[Match],
    anchored: list[Match],
    depth: int = 0,
) -> bool:
    """Append the equal runs of one region to ``out``; True when done by exact means."""
    cells = (ahi - alo) * (bhi - blo)
    if cells == 0:
        return True
    if cells <= EXACT_CELLS:
        _exact(a, b, alo, ahi, blo, bhi, out)
        return True
    anchors = _anchor_runs(a, b, alo, ahi, blo, bhi) if depth < MAX_DEPTH else []
    if not anchors:
        return _solve_without_anchors(a, b, (alo, ahi, blo, bhi), out, anchored, depth)
    anchored += anchors
    i, j = alo, blo
    for ai, bj, length in anchors:
        _solve(a, b, i, ai, j, bj, out, anchored, depth + 1)
        out.append((ai, bj, length))
        i, j = ai + length, bj + length
    _solve(a, b, i, ahi, j, bhi, out, anchored, depth + 1)
    return False  # anchoring may cost optimality: the caller verifies


def _solve_without_anchors(
    a: Sequence[int],
    b: Sequence[int],
    region: tuple[int, int, int, int],
    out: list[Match],
    anchored: list[Match],
    depth: int,
) -> bool:
    alo, ahi, blo, bhi = region
    if (ahi - alo) * (bhi - blo) <= MEMORY_CELLS:
        _exact(a, b, alo, ahi, blo, bhi, out)
        return True
    amid, bmid = (alo + ahi) // 2, (blo + bhi) // 2  # huge and anchor-free: split blindly
    _solve(a, b, alo, amid, blo, bmid, out, anchored, depth + 1)
    _solve(a, b, amid, ahi, bmid, bhi, out, anchored, depth + 1)
    return False


def _exact(
    a: Sequence[int], b: Sequence[int], alo: int, ahi: int, blo: int, bhi: int, out: list[Match]
) -> None:
    if ahi - alo == 1 or bhi - blo == 1:  # one token on a side: its first match is an LCS
        _single(a, b, alo, ahi, blo, bhi, out)
        return
    for op in LCSseq.opcodes(a[alo:ahi], b[blo:bhi]):
        if op.tag == "equal":
            out.append((alo + op.src_start, blo + op.dest_start, op.src_end - op.src_start))


def _single(
    a: Sequence[int], b: Sequence[int], alo: int, ahi: int, blo: int, bhi: int, out: list[Match]
) -> None:
    try:
        if ahi - alo == 1:
            out.append((alo, b.index(a[alo], blo, bhi), 1))
        else:
            out.append((a.index(b[blo], alo, ahi), blo, 1))
    except ValueError:
        pass


def _anchor_runs(
    a: Sequence[int], b: Sequence[int], alo: int, ahi: int, blo: int, bhi: int
) -> list[Match]:
    """Tokens unique on both sides, chained by LIS and grown into equal runs."""
    count_a = Counter(a[alo:ahi])
    count_b = Counter(b[blo:bhi])
    where_b = {b[j]: j for j in range(blo, bhi) if count_b[b[j]] == 1 and count_a[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(alo, ahi) if a[i] in where_b]
    runs: list[Match] = []
    i_floor, j_floor = alo, blo
    for i, j in _longest_increasing(pairs):
        if i < i_floor:  # already inside the previous run
            continue
        back = 0
        while i - back > i_floor and j - back > j_floor and a[i - back - 1] == b[j - back - 1]:
            back += 1
        start_i, start_j = i - back, j - back
        length = back + _common_prefix(a, b, i, j, min(ahi - i, bhi - j))
        runs.append((start_i, start_j, length))
        i_floor, j_floor = start_i + length, start_j + length
    return runs


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Patience sorting: the longest chain of pairs increasing in both coordinates."""
    tails: list[int] = []
    tail_index: list[int] = []
    parent = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        slot = bisect_left(tails, j)
        if slot == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[slot], tail_index[slot] = j, index
        parent[index] = tail_index[slot - 1] if slot else -1
    chain: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        chain.append(pairs[index])
        index = parent[index]
    return chain[::-1]


def _repair_anchors(
    a: Sequence[int], b: Sequence[int], runs: list[Match], anchored: list[Match]
) -> list[Match]:
    """Re-align exactly around each anchor where that keeps more tokens (cheap, local).

    A unique token can be a chance match (a replacement word that also occurs once
    elsewhere) that pulls the alignment off a longer run. For each equal run holding an
    anchor, the region between its neighbouring runs is checked with the exact LCS
    length and re-aligned exactly when it can keep more. This is not a proof (``_verify``
    is); it removes the usual local mistakes where the proof is too costly.
    """
    starts = [run[0] for run in runs]
    suspects = sorted({bisect_right(starts, i) - 1 for i, _, _ in anchored})
    repaired: list[Match] = []
    copied, last = 0, -2
    for k in suspects:
        if k <= 0 or k >= len(runs) - 1 or k == last + 1:
            continue
        (pi, pj, plen), (ni, nj, _) = runs[k - 1], runs[k + 1]
        lo_i, lo_j = pi + plen, pj + plen
        if (ni - lo_i) * (nj - lo_j) > EXACT_CELLS:
            continue
        if not LCSseq.similarity(a[lo_i:ni], b[lo_j:nj], score_cutoff=runs[k][2] + 1):
            continue
        repaired += runs[copied:k]
        _exact(a, b, lo_i, ni, lo_j, nj, repaired)
        copied, last = k + 1, k
    return repaired + runs[copied:]


def _verify(
    a: Sequence[int], b: Sequence[int], region: tuple[int, int, int, int], middle: list[Match]
) -> tuple[list[Match], bool]:
    """Prove the anchored middle is an LCS, or redo it exactly when that is affordable."""
    alo, ahi, blo, bhi = region
    n, m = ahi - alo, bhi - blo
    found = sum(length for _, _, length in middle)
    misses = n + m - 2 * (found + 1)
    if n * min(m, 2 * misses + 1) > VERIFY_CELLS:
        return middle, False
    better = LCSseq.similarity(a[alo:ahi], b[blo:bhi], score_cutoff=found + 1)
    if better == 0:  # no common subsequence longer than ours exists
        return middle, True
    if n * m > MEMORY_CELLS:
        return middle, False
    exact_middle: list[Match] = []
    _exact(a, b, alo, ahi, blo, bhi, exact_middle)
    return exact_middle, True


def _merge(runs: list[Match]) -> list[Match]:
    """Drop empty runs and join runs that touch."""
    merged: list[Match] = []
    for i, j, length in runs:
        if length == 0:
            continue
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            pi, pj, plen = merged[-1]
            merged[-1] = (pi, pj, plen + length)
        else:
            merged.append((i, j, length))
    return merged
