"""Helpers for the CLI tests: the real app in-process and as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from roundwise.api.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "contracts" / "examples"
SPEC = EXAMPLES / "bakery-web-copy.yaml"
LEDGER = EXAMPLES / "bakery-web-copy.ledger.jsonl"
NOW = "2026-03-27T12:00:00+01:00"
REQUEST = '{"deliverable": "home", "message": "Could you make the opening paragraph shorter?"}'


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test session caches the cue book in a folder of its own, not the user's."""
    previous = os.environ.get("ROUNDWISE_CACHE_DIR")
    os.environ["ROUNDWISE_CACHE_DIR"] = str(tmp_path_factory.getbasetemp() / "cli-cache")
    yield
    if previous is None:
        os.environ.pop("ROUNDWISE_CACHE_DIR", None)
    else:
        os.environ["ROUNDWISE_CACHE_DIR"] = previous


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """The real app, in-process."""
    return CliRunner().invoke(app, list(args), env=env)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real app, as its own process (the console script's code path)."""
    command = [sys.executable, "-c", "from api.cli.main import main; main()", *args]
    environment = {**os.environ, **(env or {})}
    return subprocess.run(command, capture_output=True, cwd=ROOT, env=environment, timeout=120)


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)
