"""The engine's one error hierarchy.

    RoundwiseError                 code: "roundwise-error"
    ├── SpecError                  code: "invalid-spec"       a contract spec failed validation
    ├── LedgerError                code: "invalid-ledger"     events that cannot be folded
    └── RequestError               code: "invalid-request"    a request that cannot be judged

Errors carry a stable ``code`` (the API turns it into a problem+json ``type``) and, for
validation problems, a list of ``FieldProblem`` naming the failing field. They carry no
HTTP knowledge. A refused revision is *not* an error: it is a normal ``Decision``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One failing field: a dotted/indexed path such as ``deliverables[1].unit`` and why."""

    path: str
    reason: str


class RoundwiseError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "roundwise-error"

    def __init__(self, message: str, problems: tuple[FieldProblem, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems


class SpecError(RoundwiseError):
    """A contract spec is malformed; ``problems`` names each failing field."""

    code = "invalid-spec"


class LedgerError(RoundwiseError):
    """A ledger cannot be folded (unknown event, events out of order, bad reference)."""

    code = "invalid-ledger"


class RequestError(RoundwiseError):
    """A revision request cannot be judged (unknown deliverable, malformed items)."""

    code = "invalid-request"


__all__ = ["FieldProblem", "LedgerError", "RequestError", "RoundwiseError", "SpecError"]
