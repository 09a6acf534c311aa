"""Errors that escape a command become one line and exit 2 (the app's group does it)."""

from __future__ import annotations

import errno

import pytest
import typer
from typer.testing import CliRunner

from roundwise.api.cli.main import RoundwiseGroup
from roundwise.engine.errors import SpecError


def app_raising(error: BaseException) -> typer.Typer:
    app = typer.Typer(cls=RoundwiseGroup, rich_markup_mode=None)

    @app.callback()
    def root() -> None:
        """Group mode."""

    @app.command("judge")
    def judge() -> None:
        raise error

    return app


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (SpecError("invalid contract spec: fee too large"), "invalid contract spec: fee too large"),
        (RecursionError("maximum recursion depth exceeded"), "input nested too deeply to read"),
        (OSError(errno.ENOSPC, "No space left on device", "out.pdf"), "out.pdf: No space left"),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "can't decode"),
        (ArithmeticError("overflow"), "a number in the input is out of range"),
    ],
)
def test_an_escaping_input_error_is_one_line_and_exit_2(
    error: BaseException, expected: str
) -> None:
    result = CliRunner().invoke(app_raising(error), ["judge"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("roundwise judge: ")
    assert expected in lines[0]


def test_a_programming_error_is_not_disguised_as_bad_input() -> None:
    result = CliRunner().invoke(app_raising(KeyError("bug")), ["judge"])
    assert result.exit_code == 1
    assert isinstance(result.exception, KeyError)
