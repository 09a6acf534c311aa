"""`roundwise render`: files in, a PDF out, and one clear line for bad input (exit 2)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pypdf
import pytest
import typer
from typer.testing import CliRunner

from roundwise.api.cli import render_cmd
from tests.contracts.conftest import EXAMPLES

app = typer.Typer()


@app.callback()
def _root() -> None:
    """Keep `render` a sub-command, as in the real CLI."""


render_cmd.register(app)
runner = CliRunner()


def test_render_writes_the_requested_change_order_on_letter_paper(tmp_path: Path) -> None:
    out = tmp_path / "co.pdf"
    result = runner.invoke(
        app,
        [
            "render",
            str(EXAMPLES / "bakery-web-copy.yaml"),
            "--ledger",
            str(EXAMPLES / "bakery-web-copy.ledger.jsonl"),
            "--document",
            "change-order",
            "--change-order",
            "1",
            "--paper",
            "letter",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "RW-CO-" in result.output
    reader = pypdf.PdfReader(out)
    assert "Change order 1" in reader.pages[0].extract_text()
    assert float(reader.pages[0].mediabox.width) == pytest.approx(612, abs=0.5)
    assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()  # an ordinary file, not 0600


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_malformed_spec_prints_one_line_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    text = (EXAMPLES / "bakery-web-copy.yaml").read_text(encoding="utf-8")
    spec.write_text(text.replace("rounds_included: 1", "rounds_included: -3"), encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = runner.invoke(app, ["render", str(spec), "-o", str(out)])
    assert result.exit_code == 2
    assert "revision_policy.rounds_included" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [spec]


def test_a_statement_without_a_ledger_is_refused_clearly(tmp_path: Path) -> None:
    out = tmp_path / "st.pdf"
    args = ["render", str(EXAMPLES / "fox-logo.yaml"), "--document", "statement", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--ledger" in result.output
    assert not out.exists()


def test_an_unknown_change_order_number_is_reported(tmp_path: Path) -> None:
    out = tmp_path / "co.pdf"
    result = runner.invoke(
        app,
        [
            "render",
            str(EXAMPLES / "fox-logo.yaml"),
            "--ledger",
            str(EXAMPLES / "fox-logo.ledger.jsonl"),
            "-d",
            "change-order",
            "-n",
            "7",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert "no change order 7" in result.output
    assert not out.exists()


def test_render_writes_a_bilingual_agreement_and_refuses_an_unknown_language(
    tmp_path: Path,
) -> None:
    out = tmp_path / "agreement.pdf"
    spec = str(EXAMPLES / "bakery-web-copy.yaml")
    done = CliRunner().invoke(app, ["render", spec, "--bilingual", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert re.search(r"RW-AGR-\w+, \d+ pages\b", done.output)
    text = " ".join(p.extract_text() or "" for p in pypdf.PdfReader(str(out)).pages)
    assert "Obseg enega kroga popravkov" in " ".join(text.split())  # the client's Slovenian
    refused = CliRunner().invoke(app, ["render", spec, "--language", "de", "-o", str(out)])
    assert refused.exit_code == 2
    assert "no document texts for 'de'" in refused.output
