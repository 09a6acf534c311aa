"""Storage-level errors: their place in the one tree is drawn in ``engine/errors.py``.

``ConflictError`` and its subclasses mean the object's current state forbids the request;
``StoredSpecInvalidError`` is a stored spec outside the model's bounds (stored before they
existed). They carry no HTTP knowledge; ``api/errors.py`` maps them to statuses.
"""

from __future__ import annotations

from roundwise.engine.errors import RoundwiseError


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


class StoredSpecInvalidError(ConflictError):
    """A stored spec no longer passes the model's bounds (stored before they existed).

    Only a value that could make judging or rendering fail is such a bound (a fee of
    10^100); the contract can still be read, completed, and if unsigned, given a new spec.
    """

    code = "stored-spec-invalid"


class IdempotencyInFlightError(ConflictError):
    """A request with this Idempotency-Key is still being processed."""

    code = "idempotency-key-in-flight"


class IdempotencyKeyReusedError(RoundwiseError):
    """The Idempotency-Key was already used with a different request body."""

    code = "idempotency-key-reused"


class ChangeOrderStateError(ConflictError):
    """The change order's status does not allow this (edit a sent one, answer a draft…)."""

    code = "change-order-state"


class ChangeOrderExpiredError(ConflictError):
    """The change order's validity date has passed: it can no longer be sent or accepted."""

    code = "change-order-expired"


__all__ = [
    "ChangeOrderExpiredError",
    "ChangeOrderStateError",
    "ConflictError",
    "ContractImmutableError",
    "IdempotencyInFlightError",
    "IdempotencyKeyReusedError",
    "InvalidTransitionError",
    "NotFoundError",
    "StoredSpecInvalidError",
]
