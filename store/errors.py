"""Storage-level errors, part of the one Roundwise error hierarchy (``engine.errors``).

    RoundwiseError
    ├── NotFoundError                  "not-found"                  no such object here
    ├── ConflictError                  "conflict"                   state forbids it
    │   ├── InvalidTransitionError     "invalid-transition"         draft→sent→signed→completed
    │   ├── ContractImmutableError     "contract-immutable"         signed: not edited
    │   └── IdempotencyInFlightError   "idempotency-key-in-flight"  first try still running
    └── IdempotencyKeyReusedError      "idempotency-key-reused"     same key, other body

They carry no HTTP knowledge; ``api/errors.py`` maps them to statuses.
"""

from __future__ import annotations

from engine.errors import RoundwiseError


class NotFoundError(RoundwiseError):
    """No such object in the caller's account (another account's object is also "not found")."""

    code = "not-found"


class ConflictError(RoundwiseError):
    """The request is well formed but the object's current state does not allow it."""

    code = "conflict"


class InvalidTransitionError(ConflictError):
    """A contract status change outside draft → sent → signed → completed."""

    code = "invalid-transition"


class ContractImmutableError(ConflictError):
    """A signed (or completed) contract cannot be edited; changes go through change orders."""

    code = "contract-immutable"


class IdempotencyInFlightError(ConflictError):
    """A request with this Idempotency-Key is still being processed."""

    code = "idempotency-key-in-flight"


class IdempotencyKeyReusedError(RoundwiseError):
    """The Idempotency-Key was already used with a different request body."""

    code = "idempotency-key-reused"


__all__ = [
    "ConflictError",
    "ContractImmutableError",
    "IdempotencyInFlightError",
    "IdempotencyKeyReusedError",
    "InvalidTransitionError",
    "NotFoundError",
]
