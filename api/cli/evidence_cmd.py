"""`roundwise evidence`: a spec and its ledger to the evidence bundle (one zip).

The PDF stack is imported inside the command, so other commands start fast. Inputs are
read like every other command's (size limit, one line naming the file on any problem,
exit code 2): an unsigned ledger, or a spec other than the one signed, is such a problem.
The zip is written to a temporary file beside ``-o`` and renamed into place only when the
whole bundle was built, so a failure never leaves half a bundle behind. The bundle is
dated at the ledger's last event, so running the command twice gives the same bytes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from roundwise.api.cli.inputs import fail, load_ledger, load_terms
from roundwise.api.cli.render_cmd import PaperChoice
from roundwise.api.cli.terminal import spinner

COMMAND = "evidence"


def register(app: typer.Typer) -> None:
    """Add `evidence` to the CLI."""
    app.command("evidence")(evidence)


def evidence(
    spec: Annotated[Path, typer.Argument(help="The signed contract spec (.yaml or .json).")],
    ledger: Annotated[Path, typer.Argument(help="The contract's ledger (JSON lines).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the zip.")],
    paper: Annotated[PaperChoice, typer.Option("--paper", help="Paper size.")] = PaperChoice.a4,
) -> None:
    """Bundle the agreement, change orders, statement, ledger, delivered versions and a
    manifest of SHA-256 hashes into one reproducible zip."""
    target = _target(output)
    terms = load_terms(COMMAND, str(spec))
    events = load_ledger(COMMAND, str(ledger))
    from roundwise.contracts.evidence import build_evidence
    from roundwise.engine.errors import RoundwiseError

    try:
        with spinner("building the evidence bundle"):
            bundle = build_evidence(terms, events, paper=paper.value)
    except RoundwiseError as error:
        raise fail(COMMAND, f"{ledger}: {error.message}") from None
    try:
        _write_atomically(target, bundle.data)
    except OSError as error:
        raise fail(COMMAND, f"{output}: cannot write ({error.strerror or error})") from None
    files = len(bundle.manifest["files"]) + 1
    typer.echo(f"{output}: {files} files, sha256 {bundle.sha256}")


def _target(output: Path) -> Path:
    """The file to replace (a link's target); exit 2 before building if it cannot be."""
    target = Path(os.path.realpath(output))
    if target.is_dir():
        raise fail(COMMAND, f"{output}: is a directory; give a file name for the zip")
    if target.exists() and not target.is_file():
        raise fail(COMMAND, f"{output}: not a regular file; refusing to replace it")
    if not target.parent.is_dir():
        raise fail(COMMAND, f"{output}: no such directory {str(target.parent)!r}")
    return target


def _write_atomically(target: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(prefix=".evidence-", suffix=".zip", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temp, 0o666 & ~mask)  # mkstemp's 0600 is for the temporary file only
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


__all__ = ["evidence", "register"]
