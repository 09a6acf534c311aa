"""Roundwise's pure domain core.

The engine measures how much a revision changes a deliverable, judges client requests
against the contract's revision terms, folds the ledger into state, analyses scope
creep and composes replies. It does no I/O, reads no clock and no environment: every
input, `now` included, is an argument, so every result is reproducible.
"""

from roundwise.engine.errors import RoundwiseError

ENGINE_VERSION = "0.1.0"

__all__ = ["ENGINE_VERSION", "RoundwiseError"]
