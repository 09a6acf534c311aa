"""Contract documents: the service agreement, change orders and revision statements as PDFs.

Public surface: `render_document` (any of the three by name) and the per-document
functions, the `RenderedDocument` they return, the paper sizes, and the renderer's errors.
Templates and CSS live in ``contracts/templates/``; WeasyPrint may load nothing outside it
(`contracts.fetcher.ConfinedFetcher`).
"""

from roundwise.contracts.documents import (
    DocumentKind,
    RenderedDocument,
    render_agreement,
    render_change_order,
    render_document,
    render_statement,
)
from roundwise.contracts.errors import DocumentError, DocumentNotFoundError, UnsafeResourceError
from roundwise.contracts.pdf import PAPER_SIZES, Paper

__all__ = [
    "PAPER_SIZES",
    "DocumentError",
    "DocumentKind",
    "DocumentNotFoundError",
    "Paper",
    "RenderedDocument",
    "UnsafeResourceError",
    "render_agreement",
    "render_change_order",
    "render_document",
    "render_statement",
]
