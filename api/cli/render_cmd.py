"""`roundwise render`: a contract spec (and its ledger) to a PDF document.

The PDF stack is imported inside the command so other commands start fast. Inputs are
read like every other command's (size limit, one line naming the file on any problem,
exit code 2). The output (``-o``):

- a regular file, or a new name in an existing directory: written to a temporary file
  beside it and renamed into place only when the whole document rendered, so a failed
  render never leaves a half-written PDF behind;
- a symbolic link: written through, to the file it points to (the link stays a link);
- a FIFO or a character device (``/dev/stdout``, ``/dev/null``): written into, never
  replaced (the line saying what was written then goes to stderr); a FIFO nobody reads
  is refused rather than waited on;
- a directory, a missing directory, a block device or a socket: refused before rendering.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from roundwise.api.cli.inputs import fail, load_ledger, load_terms
from roundwise.api.cli.terminal import spinner

COMMAND = "render"


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
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            help="Document language (en, sl, pl, sr, sr-Cyrl, el, ka; default: the contract's).",
        ),
    ] = None,
    bilingual: Annotated[
        bool,
        typer.Option(
            "--bilingual",
            help="Agreement only: each clause in the contract's and the client's language.",
        ),
    ] = False,
) -> None:
    """Render the service agreement, a change order or the revision statement as a PDF."""
    destination = _destination(output)
    terms = load_terms(COMMAND, str(spec))
    events = load_ledger(COMMAND, str(ledger)) if ledger is not None else ()
    if document is not DocumentChoice.agreement and ledger is None:
        raise fail(COMMAND, f"the {document.value} is built from the ledger: pass --ledger FILE")
    if bilingual and document is not DocumentChoice.agreement:
        raise fail(COMMAND, "--bilingual applies to the agreement only")
    from roundwise.contracts.documents import render_document
    from roundwise.contracts.i18n import DOCUMENT_LANGUAGES

    if language is not None and language not in DOCUMENT_LANGUAGES:
        raise fail(COMMAND, f"no document texts for {language!r}: {', '.join(DOCUMENT_LANGUAGES)}")
    from roundwise.engine.errors import RoundwiseError

    try:
        with spinner(f"rendering the {document.value}"):
            rendered = render_document(
                terms,
                events,
                document.value,
                created=datetime.now(UTC),
                paper=paper.value,
                change_order=change_order,
                language=language,
                bilingual=bilingual,
            )
    except RoundwiseError as error:
        raise fail(COMMAND, f"{ledger or spec}: {error.message}") from None
    except ArithmeticError as error:  # e.g. an amount too large to format (no engine bound yet)
        problem = f"a number is out of range ({type(error).__name__})"
        raise fail(COMMAND, f"{spec}: cannot render: {problem}") from None
    try:
        destination.write(rendered.pdf)
    except OSError as error:
        raise fail(COMMAND, f"{output}: cannot write ({error.strerror or error})") from None
    # Written into a FIFO or device (perhaps /dev/stdout itself): the summary goes to stderr.
    pages = f"{rendered.pages} page" + ("" if rendered.pages == 1 else "s")
    typer.echo(f"{output}: {rendered.document_id}, {pages}", err=destination.through)
    for warning in rendered.warnings:
        typer.echo(f"warning: {warning}", err=True)


class _Destination:
    """Where the PDF goes: a file replaced atomically, or a FIFO/device written into."""

    def __init__(self, path: Path, *, through: bool = False, fifo: bool = False) -> None:
        self.path, self.through, self.fifo = path, through, fifo

    def write(self, data: bytes) -> None:
        if not self.through:
            _write_atomically(self.path, data)
            return
        flags = os.O_WRONLY | (os.O_NONBLOCK if self.fifo else 0)
        try:
            handle = os.open(self.path, flags)
        except OSError as error:
            if self.fifo and error.errno == errno.ENXIO:
                raise OSError(errno.ENXIO, "a FIFO nobody is reading from") from None
            raise
        os.set_blocking(handle, True)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)


def _destination(output: Path) -> _Destination:
    """Check ``-o`` before rendering (see the module docstring); exit 2 if it cannot be used."""
    try:
        info = output.stat()  # follows symbolic links
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise fail(COMMAND, f"{output}: cannot write ({error.strerror or error})") from None
    if info is None:
        # A new file, or a dangling link: created where the link points.
        target = Path(os.path.realpath(output)) if output.is_symlink() else output
        parent = target.parent
        if not parent.is_dir():
            raise fail(COMMAND, f"{output}: no such directory {str(parent)!r}")
        return _Destination(target)
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise fail(COMMAND, f"{output}: is a directory; give a file name for the PDF")
    if stat.S_ISREG(mode):
        return _Destination(Path(os.path.realpath(output)))
    if stat.S_ISFIFO(mode):
        return _Destination(output, through=True, fifo=True)
    if stat.S_ISCHR(mode):
        return _Destination(output, through=True)
    raise fail(COMMAND, f"{output}: not a regular file, FIFO or character device; refusing")


def _write_atomically(target: Path, data: bytes) -> None:
    directory = target.parent
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
