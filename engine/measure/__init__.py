"""Change measurement: how much of a delivered text a client's revision changes.

``measure(old, new)`` tokenises both texts into Unicode words, aligns them with a
minimal word-level diff and returns a ``Measurement`` with ``changed_share`` as
PRODUCT.md defines it, the edit blocks (for a redline) and the moved blocks. The rules
live in the modules' docstrings: ``tokens`` (what a word is and what the options
ignore), ``align`` (why the diff is minimal and fast), ``moves`` (how moves count) and
``changes`` (the share, empty originals). Pure: no I/O, no clock, no environment.
"""

from roundwise.engine.measure.changes import measure
from roundwise.engine.measure.model import (
    MOVE_COST,
    EditBlock,
    Measurement,
    MeasureOptions,
    MovedBlock,
)
from roundwise.engine.measure.moves import MIN_MOVE_WORDS
from roundwise.engine.measure.tokens import Token, tokenize

__all__ = [
    "MIN_MOVE_WORDS",
    "MOVE_COST",
    "EditBlock",
    "MeasureOptions",
    "Measurement",
    "MovedBlock",
    "Token",
    "measure",
    "tokenize",
]
