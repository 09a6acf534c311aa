"""Roundwise's one error hierarchy, drawn whole here (class, stable code, meaning).

    RoundwiseError                         roundwise-error             never raised bare
    ├── SpecError                          invalid-spec                a spec fails validation
    ├── LedgerError                        invalid-ledger              events cannot be folded
    ├── RequestError                       invalid-request             a request can't be judged
    │   └── DestinationRefusedError        webhook-url-refused         store: a URL not to call
    ├── UnsupportedLanguageError           unsupported-language        no lint patterns for it
    │   └── UnsupportedReplyLanguageError  unsupported-reply-language  no reply phrases for it
    ├── NotFoundError                      not-found                   store: no such object
    ├── ConflictError                      conflict                    store: state forbids it
    │   ├── InvalidTransitionError         invalid-transition          draft→sent→signed→completed
    │   ├── ContractImmutableError         contract-immutable          signed: not edited
    │   ├── StoredSpecInvalidError         stored-spec-invalid         stored terms out of bounds
    │   ├── IdempotencyInFlightError       idempotency-key-in-flight   first try still running
    │   ├── ChangeOrderStateError          change-order-state          e.g. edit a sent one
    │   └── ChangeOrderExpiredError        change-order-expired        past its validity date
    ├── IdempotencyKeyReusedError          idempotency-key-reused      same key, other body
    ├── DocumentError                      document-error              contracts: no document
    │   ├── UnsafeResourceError            unsafe-resource             a refused URL was asked for
    │   ├── DocumentNotFoundError          document-not-found          no such change order
    │   └── UnsignedLedgerError            ledger-not-signed           evidence of an unsigned one
    ├── AuthenticationError                unauthorized                api: no or a revoked key
    │   └── InvalidSignatureError          invalid-signature           api: bad webhook signature
    └── TooManyFailedAttemptsError         too-many-failed-attempts    api: auth limit reached

``UnsupportedLanguageError`` is also a ``LookupError`` (it was one before it joined the
tree), so callers catching that keep working.

The engine's own classes are defined here; the others live with the layer that raises
them (``store/errors.py``, ``contracts/errors.py``, ``api/errors.py``), because the engine
imports neither, but they subclass these and appear nowhere else in the drawing.

Errors carry a stable ``code`` (the API turns it into a problem+json ``type``) and, for
validation problems, a list of ``FieldProblem`` naming the failing field. They carry no
HTTP knowledge: ``api/errors.py`` maps classes to statuses in one table. A refused
revision is *not* an error: it is a normal ``Decision``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One failing field: a dotted/indexed path such as ``deliverables[1].unit`` and why."""

    path: str
    reason: str


class RoundwiseError(Exception):
    """Base of every error Roundwise raises on purpose."""

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


class UnsupportedLanguageError(RoundwiseError, LookupError):
    """No lint patterns ship for the requested language.

    Also a ``LookupError`` (it was one before joining this tree), so callers that catch
    that keep working.
    """

    code = "unsupported-language"


class UnsupportedReplyLanguageError(UnsupportedLanguageError):
    """No phrase blocks ship for the requested reply language."""

    code = "unsupported-reply-language"


__all__ = [
    "FieldProblem",
    "LedgerError",
    "RequestError",
    "RoundwiseError",
    "SpecError",
    "UnsupportedLanguageError",
    "UnsupportedReplyLanguageError",
]
