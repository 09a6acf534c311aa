"""Errors of the document renderer: their place in the one tree is drawn in
``engine/errors.py`` (``DocumentError`` and its subclasses).

A malformed spec raises the engine's ``SpecError`` before any rendering starts, so no
half-rendered PDF is ever written.
"""

from __future__ import annotations

from roundwise.engine.errors import RoundwiseError


class DocumentError(RoundwiseError):
    """A document cannot be produced from these inputs."""

    code = "document-error"


class UnsafeResourceError(DocumentError):
    """Rendering stopped because something asked to load a URL outside the templates."""

    code = "unsafe-resource"


class DocumentNotFoundError(DocumentError):
    """The requested document does not exist (e.g. an unknown change order number)."""

    code = "document-not-found"


class UnsignedLedgerError(DocumentError):
    """A document that proves a signed contract (the evidence bundle) was asked of a
    ledger without a ``contract_signed`` event."""

    code = "ledger-not-signed"


__all__ = ["DocumentError", "DocumentNotFoundError", "UnsafeResourceError", "UnsignedLedgerError"]
