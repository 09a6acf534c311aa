"""Reading a spec and a ledger from files, for the CLI (the engine itself takes text).

The spec's format follows its suffix (``.json`` is JSON, anything else YAML); the ledger
is JSON lines. Both are validated completely before anything is rendered, so a malformed
input ends in one clear `SpecError`/`LedgerError` and never in a half-written PDF.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from roundwise.contracts.documents import DocumentKind, RenderedDocument, render_document
from roundwise.contracts.errors import DocumentError
from roundwise.contracts.pdf import Paper
from roundwise.engine.ledger import Event, load_events
from roundwise.engine.terms import ContractTerms, SpecFormat, parse_spec


def read_spec(path: Path) -> ContractTerms:
    """Parse and validate a contract spec file."""
    fmt: SpecFormat = "json" if path.suffix.lower() == ".json" else "yaml"
    return parse_spec(path.read_text(encoding="utf-8"), fmt)


def read_ledger(path: Path | None) -> tuple[Event, ...]:
    """The events of a JSON-lines ledger file (none when no file is given)."""
    return load_events(path.read_text(encoding="utf-8")) if path is not None else ()


def render_from_files(
    *,
    spec_path: Path,
    ledger_path: Path | None,
    document: DocumentKind,
    paper: Paper,
    change_order: int | None,
    created: datetime,
) -> RenderedDocument:
    """Validate both inputs, then render the requested document."""
    terms = read_spec(spec_path)
    events = read_ledger(ledger_path)
    if document != "agreement" and ledger_path is None:
        raise DocumentError(f"the {document} is built from the ledger: pass --ledger FILE")
    return render_document(
        terms, events, document, created=created, paper=paper, change_order=change_order
    )


__all__ = ["read_ledger", "read_spec", "render_from_files"]
