"""Plain reference implementations the measurement tests compare against."""

from __future__ import annotations

from collections.abc import Sequence

from roundwise.engine.measure import Measurement


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Textbook O(n·m) dynamic programme for the longest common subsequence length."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def apply_blocks(old_tokens: Sequence[str], result: Measurement) -> list[str]:
    """Old tokens with every edit block's deleted run replaced by its inserted run."""
    out: list[str] = []
    position = 0
    for block in result.blocks:
        assert tuple(old_tokens[block.old_start : block.old_end]) == block.deleted
        out += old_tokens[position : block.old_start]
        out += block.inserted
        position = block.old_end
    out += old_tokens[position:]
    return out


def edit_cost(result: Measurement) -> int:
    """Inserted plus deleted tokens of the edit script."""
    return sum(len(block.deleted) + len(block.inserted) for block in result.blocks)
