"""`roundwise measure`: summary and redline, --json, options, and bad input files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from roundwise.api.cli import measure_cmd
from roundwise.engine.measure import measure


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Group mode, so the command is called by its name as in the real CLI."""

    measure_cmd.register(app)
    return app


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_app(), ["measure", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str]:
    old = tmp_path / "old.txt"
    new = tmp_path / "new.txt"
    old.write_text("Naročnik ima vedno prav. To je stari rek.\n", encoding="utf-8")
    new.write_text("Stranka ima vedno prav. To je stari REK.\n", encoding="utf-8")
    return str(old), str(new)


def test_the_human_output_is_a_summary_and_a_plain_redline_off_a_terminal(
    pair: tuple[str, str],
) -> None:
    code, out, _ = run(*pair)
    assert code == 0
    assert out.startswith("changed_share 0.2500 (25.0%)")
    assert "[-Naročnik-]{+Stranka+} ima vedno prav. To je stari [-rek.-]{+REK.+}" in out
    assert "\x1b[" not in out


def test_json_prints_one_object_with_the_measurement(pair: tuple[str, str]) -> None:
    code, out, _ = run(*pair, "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["changed_share"], data["words_old"], data["words_new"]) == (0.25, 8, 8)
    assert {"added", "removed", "replaced", "unchanged", "moved", "blocks"} <= data.keys()


def test_the_options_reach_the_measurement(pair: tuple[str, str]) -> None:
    _, out, _ = run(*pair, "--json", "--ignore-case", "--ignore-punctuation")
    data = json.loads(out)
    assert data["changed_share"] == 1 / 8
    assert data["options"] == {"ignore_case": True, "ignore_punctuation": True}


def test_an_empty_original_gives_the_defined_share(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "new.txt").write_text("tri nove besede", encoding="utf-8")
    code, out, _ = run(str(tmp_path / "empty.txt"), str(tmp_path / "new.txt"), "--json")
    assert (code, json.loads(out)["changed_share"]) == (0, 3.0)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"caf\xe9 latin-1", "not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text"),
        (None, "no such file"),
        ("directory", "is a directory"),
    ],
)
def test_a_bad_input_file_is_one_line_naming_it_and_exit_code_2(
    tmp_path: Path, pair: tuple[str, str], content: bytes | str | None, reason: str
) -> None:
    bad = tmp_path / "bad.input"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    elif content == "directory":
        bad.mkdir()
    code, out, err = run(str(bad), pair[1])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert str(bad) in err
    assert reason in err


def test_moves_are_listed_in_the_summary(tmp_path: Path) -> None:
    first = "Prvi odstavek govori o roku oddaje in o tem, kdo ga potrdi."
    rest = "Drugi odstavek opisuje ceno dodatnega kroga popravkov."
    (tmp_path / "old.txt").write_text(f"{first}\n\n{rest}\n", encoding="utf-8")
    (tmp_path / "new.txt").write_text(f"{rest}\n\n{first}\n", encoding="utf-8")
    code, out, _ = run(str(tmp_path / "old.txt"), str(tmp_path / "new.txt"))
    assert code == 0
    # the longer paragraph stays aligned; the shorter one is what moved
    assert f"moved 7 words from word 13 to word 1: {rest}" in out


def test_on_a_terminal_the_redline_is_coloured_instead_of_bracketed() -> None:
    old, new = "Rok je petek.", "Rok je ponedeljek."
    coloured = measure_cmd._redline(old, new, measure(old, new), colour=True)
    assert "\x1b[" in coloured
    assert "[-" not in coloured
    assert "petek." in coloured
    assert "ponedeljek." in coloured
