"""A redline between two versions of a text, from ``engine.measure``'s edit blocks.

The blocks are token ranges; here they become runs of plain, deleted and inserted text
(the template shows them as ``<del>`` and ``<ins>``), in the reading order of the new
version with each deleted run just before the text that replaced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from roundwise.engine.measure import Measurement, Token, measure, tokenize

RunKind = Literal["same", "deleted", "inserted"]


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text that is unchanged, deleted from the old or inserted in the new."""

    kind: RunKind
    text: str


def _between(text: str, tokens: tuple[Token, ...], start: int, end: int) -> str:
    return text[tokens[start].start : tokens[end - 1].end]


def redline(old: str, new: str) -> tuple[Measurement, list[Run]]:
    """The measurement of ``old`` → ``new`` and the runs that show it."""
    result = measure(old, new)
    old_tokens, new_tokens = tokenize(old, result.options), tokenize(new, result.options)
    runs: list[Run] = []
    position = 0
    for block in result.blocks:
        anchor = (
            new_tokens[block.new_start].start if block.new_start < len(new_tokens) else len(new)
        )
        if anchor > position:
            runs.append(Run("same", new[position:anchor]))
            position = anchor
        if block.old_end > block.old_start:
            runs.append(Run("deleted", _between(old, old_tokens, block.old_start, block.old_end)))
            if block.new_end == block.new_start and anchor < len(new):
                runs.append(Run("same", " "))  # as the CLI's redline: words stay apart
        if block.new_end > block.new_start:
            runs.append(Run("inserted", _between(new, new_tokens, block.new_start, block.new_end)))
            position = new_tokens[block.new_end - 1].end
    if position < len(new):
        runs.append(Run("same", new[position:]))
    return result, runs


__all__ = ["Run", "redline"]
