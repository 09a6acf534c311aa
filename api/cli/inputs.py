"""Reading the CLI's input files: specs, ledgers, requests and ``--now``.

Rule: a bad input never produces a traceback. Each reader returns a typed engine value or
exits with code 2 after one line on stderr naming the command, the file and the problem
(``roundwise evaluate: spec.yaml: invalid contract spec: deliverables[0].unit: ...``).

Input files are read up to ``max_input_bytes()`` (16 MiB unless
``ROUNDWISE_CLI_MAX_INPUT_BYTES`` says otherwise): at most one byte more is read, so an
endless source such as ``/dev/zero`` is refused at once instead of filling the memory.

The engine is imported inside the readers, so a command's ``--help`` does not load it.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from roundwise.engine.decide import RevisionRequest
    from roundwise.engine.ledger import Event
    from roundwise.engine.terms import ContractTerms

EXIT_BAD_INPUT = 2
DEFAULT_MAX_INPUT_BYTES = 16 * 1024 * 1024
MAX_INPUT_VARIABLE = "ROUNDWISE_CLI_MAX_INPUT_BYTES"


def one_line(message: str) -> str:
    """``message`` with all whitespace runs (newlines too) as single spaces."""
    return " ".join(message.split())


def fail(command: str, message: str) -> typer.Exit:
    """Print one line to stderr and return the exit to raise (code 2)."""
    typer.echo(f"roundwise {command}: {one_line(message)}", err=True)
    return typer.Exit(code=EXIT_BAD_INPUT)


def max_input_bytes() -> int:
    """The largest input file the CLI reads, in bytes."""
    value = os.environ.get(MAX_INPUT_VARIABLE, "")
    return int(value) if value.isdecimal() and int(value) > 0 else DEFAULT_MAX_INPUT_BYTES


def _read_limited(name: str, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the file (more than ``limit`` means too large)."""
    with open(name, "rb") as stream:
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = stream.read(min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    return b"".join(chunks)


def read_text(command: str, name: str) -> str:
    """The file's UTF-8 text, or exit 2 naming the file and why it cannot be read."""
    limit = max_input_bytes()
    try:
        data = _read_limited(name, limit)
    except FileNotFoundError:
        raise fail(command, f"{name}: no such file") from None
    except IsADirectoryError:
        raise fail(command, f"{name}: is a directory, not a text file") from None
    except OSError as error:
        raise fail(command, f"{name}: cannot read ({error.strerror or error})") from None
    if len(data) > limit:
        raise fail(
            command,
            f"{name}: larger than the input limit of {limit:,} bytes "
            f"(set {MAX_INPUT_VARIABLE} to allow more)",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise fail(
            command, f"{name}: not UTF-8 text (byte 0x{byte:02x} at offset {error.start})"
        ) from None
    if "\x00" in text:
        raise fail(command, f"{name}: not UTF-8 text (contains NUL bytes; binary file?)")
    return text


def _problem(error: BaseException) -> str:
    """What went wrong with a parsed input, in words (for the errors readers catch)."""
    from pydantic import ValidationError

    from roundwise.engine.errors import RoundwiseError
    from roundwise.engine.terms import format_path

    if isinstance(error, RoundwiseError):
        return error.message
    if isinstance(error, RecursionError):
        return "nested too deeply to read"
    if isinstance(error, ValidationError):
        first = error.errors(include_url=False)[0]
        path = format_path(tuple(first["loc"])) or "(top level)"
        more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
        return f"{path}: {first['msg']}{more}"
    return str(error) or type(error).__name__


# Errors a parser or validator raises on bad data that are not the engine's own: a
# pydantic ValidationError or a date that does not exist (ValueError), a number too large
# for its type (ArithmeticError), nesting deeper than the parser's recursion (RecursionError).
_DATA_ERRORS = (ValueError, ArithmeticError, RecursionError)


def load_terms(command: str, name: str) -> ContractTerms:
    """A contract spec file (``.json`` is JSON, anything else YAML) as validated terms."""
    from roundwise.engine.errors import RoundwiseError
    from roundwise.engine.terms import SpecFormat, parse_spec

    text = read_text(command, name)
    fmt: SpecFormat = "json" if name.lower().endswith(".json") else "yaml"
    try:
        return parse_spec(text, fmt)
    except RoundwiseError as error:
        raise fail(command, f"{name}: {error.message}") from None
    except _DATA_ERRORS as error:
        raise fail(command, f"{name}: invalid contract spec: {_problem(error)}") from None


def load_ledger(command: str, name: str) -> tuple[Event, ...]:
    """A JSON-lines ledger file as events."""
    from roundwise.engine.errors import RoundwiseError
    from roundwise.engine.ledger import load_events

    text = read_text(command, name)
    try:
        return load_events(text)
    except RoundwiseError as error:
        raise fail(command, f"{name}: {error.message}") from None
    except _DATA_ERRORS as error:
        raise fail(command, f"{name}: invalid ledger: {_problem(error)}") from None


def load_request(command: str, name: str) -> RevisionRequest:
    """A request file: a JSON object with ``deliverable``, ``message`` and optional fields."""
    from pydantic import ValidationError

    from roundwise.engine.decide import RevisionRequest

    text = read_text(command, name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise fail(command, f"{name}: not valid JSON ({error.msg}, line {error.lineno})") from None
    except RecursionError:
        raise fail(command, f"{name}: JSON nested too deeply to read") from None
    if not isinstance(data, dict):
        raise fail(command, f"{name}: a request must be a JSON object")
    try:
        return RevisionRequest.model_validate(data)
    except (ValidationError, RecursionError) as error:
        raise fail(command, f"{name}: {_problem(error)}") from None


def parse_now(command: str, value: str | None) -> datetime:
    """``--now`` as an aware datetime; the current time (UTC) when not given."""
    if value is None:
        return datetime.now(UTC)  # the CLI reads the clock; the engine never does
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise fail(command, f"--now {value!r}: not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise fail(command, f"--now {value!r}: give a time zone offset, e.g. 2026-03-14T10:00Z")
    return moment


__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "EXIT_BAD_INPUT",
    "MAX_INPUT_VARIABLE",
    "fail",
    "load_ledger",
    "load_request",
    "load_terms",
    "max_input_bytes",
    "one_line",
    "parse_now",
    "read_text",
]
