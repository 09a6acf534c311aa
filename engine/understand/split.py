"""Splitting a message into candidate change items.

A message is cut into sentences (after ``.``, ``!``, ``?``, ``;``, the Greek question mark
and ``…`` when whitespace follows, at blank lines, before list items, and at line breaks
after a comma or colon), then each sentence is cut again
where a cue file's ``split:`` pattern says a second request starts ("…, and could you
also translate…"). The cut is a partition: the spans cover the whole message with no gap
and no overlap, so no character is ever lost — whether a span becomes a change item or
context is decided later, by the cues it holds.
"""

from __future__ import annotations

import itertools
import re

from roundwise.engine.literal_screen import Screen
from roundwise.engine.understand.cuebook import CueBook
from roundwise.engine.understand.fold import fold

# Sentence ends. A line break ends a segment only after punctuation, as a blank line or
# before a list item: e-mail clients wrap long sentences over several lines.
_SENTENCE_END = re.compile(
    r"(?<=[.!?;…\u037e])\s+"  # after sentence punctuation
    r"|(?<=[,:])[ \t]*\n\s*"  # a line ending in a comma or colon ("Dear Ana,")
    r"|[ \t]*\n[ \t]*\n\s*"  # a blank line
    r"|[ \t]*\n[ \t]*(?=(?:\d{1,2}[.)]|[-*•–])\s)"  # a list item ("1) …", "- …")
)

Span = tuple[int, int]


def _cuts(text: str, book: CueBook, within: Screen | None) -> list[int]:
    """Offsets where a new segment starts: sentence ends and request split points."""
    cuts = {m.end() for m in _SENTENCE_END.finditer(text)}
    folded = fold(text)
    screen = book.screen(folded, within)
    cuts.update(end for _, _, end in book.scan("split", folded, screen))
    return sorted(c for c in cuts if 0 < c < len(text))


def split_message(text: str, book: CueBook, within: Screen | None = None) -> tuple[Span, ...]:
    """Partition ``text`` into (start, end) spans, each a sentence or request clause.

    ``within`` is the cue book's screen of a text containing ``text`` (or of ``text``).
    """
    if not text:
        return ()
    bounds = [0, *_cuts(text, book, within), len(text)]
    return tuple((a, b) for a, b in itertools.pairwise(bounds) if b > a)
