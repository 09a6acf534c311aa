"""Reading the CLI's input files: specs, ledgers, requests and ``--now``.

Rule: a bad input never produces a traceback. Each reader returns a typed engine value or
exits with code 2 after one line on stderr naming the command, the file and the problem
(``roundwise evaluate: spec.yaml: invalid contract spec: deliverables[0].unit: ...``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer
from pydantic import ValidationError

from engine.decide import RevisionRequest
from engine.errors import RoundwiseError
from engine.ledger import Event, load_events
from engine.terms import ContractTerms, SpecFormat, format_path, parse_spec

EXIT_BAD_INPUT = 2


def fail(command: str, message: str) -> typer.Exit:
    """Print one line to stderr and return the exit to raise (code 2)."""
    line = " ".join(message.split())
    typer.echo(f"roundwise {command}: {line}", err=True)
    return typer.Exit(code=EXIT_BAD_INPUT)


def read_text(command: str, name: str) -> str:
    """The file's UTF-8 text, or exit 2 naming the file and why it cannot be read."""
    try:
        data = Path(name).read_bytes()
    except FileNotFoundError:
        raise fail(command, f"{name}: no such file") from None
    except IsADirectoryError:
        raise fail(command, f"{name}: is a directory, not a text file") from None
    except OSError as error:
        raise fail(command, f"{name}: cannot read ({error.strerror})") from None
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


def load_terms(command: str, name: str) -> ContractTerms:
    """A contract spec file (``.json`` is JSON, anything else YAML) as validated terms."""
    text = read_text(command, name)
    fmt: SpecFormat = "json" if name.lower().endswith(".json") else "yaml"
    try:
        return parse_spec(text, fmt)
    except RoundwiseError as error:
        raise fail(command, f"{name}: {error.message}") from None


def load_ledger(command: str, name: str) -> tuple[Event, ...]:
    """A JSON-lines ledger file as events."""
    try:
        return load_events(read_text(command, name))
    except RoundwiseError as error:
        raise fail(command, f"{name}: {error.message}") from None


def load_request(command: str, name: str) -> RevisionRequest:
    """A request file: a JSON object with ``deliverable``, ``message`` and optional fields."""
    text = read_text(command, name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise fail(command, f"{name}: not valid JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(data, dict):
        raise fail(command, f"{name}: a request must be a JSON object")
    try:
        return RevisionRequest.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        path = format_path(tuple(first["loc"])) or "(request)"
        more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise fail(command, f"{name}: {path}: {first['msg']}{more}") from None


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
    "EXIT_BAD_INPUT",
    "fail",
    "load_ledger",
    "load_request",
    "load_terms",
    "parse_now",
    "read_text",
]
