"""--version, --help without the engine, NO_COLOR and the spinner."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roundwise.api.cli import measure_cmd
from roundwise.api.cli.main import app
from roundwise.api.cli.terminal import colour_allowed, spinner
from tests.cli.conftest import ROOT, invoke, run, write


def test_version_prints_the_package_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"roundwise {version('roundwise')}\n"
    done = run("--version")
    assert (done.returncode, done.stdout.decode()) == (0, result.stdout)


HEAVY = ("engine", "pydantic", "rich", "lingua", "yaml", "fastapi", "sqlalchemy", "weasyprint")


def heavy_imports(*args: str) -> list[str]:
    """The heavy packages a fresh process has imported after ``roundwise ARGS``."""
    probe = (
        "import sys\n"
        "from api.cli.main import app\n"
        "try:\n"
        f"    app({list(args)!r}, prog_name='roundwise')\n"
        "except SystemExit:\n"
        "    pass\n"
        "import json\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, cwd=ROOT, timeout=60, check=True
    )
    return list(json.loads(done.stdout.decode().splitlines()[-1]))


def test_help_and_version_import_neither_the_engine_nor_rich() -> None:
    assert heavy_imports("--help") == []
    assert heavy_imports("--version") == []
    # A command's help: Typer itself reads option values with pydantic, but no engine.
    assert heavy_imports("evaluate", "--help") == ["pydantic"]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_color_turns_colour_off_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_allowed(FakeTerminal())
    assert not colour_allowed(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_allowed(FakeTerminal())
    monkeypatch.setenv("NO_COLOR", "")  # set but empty: no effect (no-color.org)
    assert colour_allowed(FakeTerminal())


def test_measure_on_a_terminal_honours_no_color(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = write(tmp_path / "old.txt", "Rok je petek.")
    new = write(tmp_path / "new.txt", "Rok je ponedeljek.")
    monkeypatch.setattr(measure_cmd.typer, "get_text_stream", lambda name: FakeTerminal())
    monkeypatch.delenv("NO_COLOR", raising=False)
    args = ["measure", old, new]
    coloured = CliRunner().invoke(app, args, color=True)
    assert "\x1b[" in coloured.stdout
    plain = CliRunner().invoke(app, args, color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout
    assert "[-petek.-]{+ponedeljek.+}" in plain.stdout


def test_the_spinner_shows_only_after_the_delay_and_erases_itself() -> None:
    stream = FakeTerminal()
    with spinner("judging", stream=stream, delay=0.05, interval=0.01):
        time.sleep(0.3)
    text = stream.getvalue()
    assert "judging…" in text
    assert text.endswith("\r" + " " * len("judging") + "   \r")
    quick = FakeTerminal()
    with spinner("judging", stream=quick, delay=5.0):
        pass
    assert quick.getvalue() == ""


def test_no_spinner_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    with spinner("judging", stream=stream, delay=0.0, interval=0.01):
        time.sleep(0.05)
    assert stream.getvalue() == ""
    monkeypatch.setenv("TERM", "dumb")
    dumb = FakeTerminal()
    with spinner("judging", stream=dumb, delay=0.0, interval=0.01):
        time.sleep(0.05)
    assert dumb.getvalue() == ""
