"""`roundwise render`: a contract spec (and its ledger) to a PDF document.

The PDF stack is imported inside the command so other commands start fast. The output is
written to a temporary file beside the target and renamed into place only when the whole
document rendered, so a failed render never leaves a half-written PDF behind.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from engine.errors import RoundwiseError


class DocumentChoice(StrEnum):
    """The documents `render` can produce."""

    agreement = "agreement"
    change_order = "change-order"
    statement = "statement"


class PaperChoice(StrEnum):
    """Paper sizes."""

    a4 = "a4"
    letter = "letter"


def register(app: typer.Typer) -> None:
    """Add `render` to the CLI."""
    app.command("render")(render)


def render(
    spec: Annotated[Path, typer.Argument(help="Contract spec (.yaml, .yml or .json).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the PDF.")],
    document: Annotated[
        DocumentChoice, typer.Option("--document", "-d", help="Which document.")
    ] = DocumentChoice.agreement,
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="Ledger (JSON lines) for change orders/statements."),
    ] = None,
    paper: Annotated[PaperChoice, typer.Option("--paper", help="Paper size.")] = PaperChoice.a4,
    change_order: Annotated[
        int | None,
        typer.Option("--change-order", "-n", min=1, help="Change order number (default: latest)."),
    ] = None,
) -> None:
    """Render the service agreement, a change order or the revision statement as a PDF."""
    from contracts.loading import render_from_files

    try:
        rendered = render_from_files(
            spec_path=spec,
            ledger_path=ledger,
            document=document.value,
            paper=paper.value,
            change_order=change_order,
            created=datetime.now(UTC),
        )
    except (RoundwiseError, OSError, UnicodeDecodeError) as exc:
        typer.echo(f"roundwise render: {_one_line(exc)}", err=True)
        raise typer.Exit(code=2) from None
    _write_atomically(output, rendered.pdf)
    typer.echo(f"{output}: {rendered.document_id}, {rendered.pages} pages")
    for warning in rendered.warnings:
        typer.echo(f"warning: {warning}", err=True)


def _one_line(exc: BaseException) -> str:
    message = exc.message if isinstance(exc, RoundwiseError) else str(exc)
    return " ".join(message.split())


def _write_atomically(target: Path, data: bytes) -> None:
    directory = target.resolve().parent
    handle, temp = tempfile.mkstemp(prefix=".render-", suffix=".pdf", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temp, 0o666 & ~_current_umask())  # mkstemp's 0600 is for the temp file only
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = ["register", "render"]
