"""Every bad input: one line on stderr naming the file, exit code 2, never a traceback."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from roundwise.api.cli.inputs import MAX_INPUT_VARIABLE
from tests.cli.conftest import LEDGER, REQUEST, SPEC, invoke, run, write

DEEP = 100_000


def one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def spec_with(tmp_path: Path, old: str, new: str) -> str:
    text = SPEC.read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path / "spec.yaml", text.replace(old, new, 1))


def test_a_100k_deep_json_spec_is_one_line_as_a_real_process(tmp_path: Path) -> None:
    spec = write(tmp_path / "deep.json", "[" * DEEP + "]" * DEEP)
    request = write(tmp_path / "request.json", REQUEST)
    done = run("evaluate", spec, request, "--json")
    assert done.returncode == 2
    line = one_line(done.stderr.decode())
    assert line.startswith(f"roundwise evaluate: {spec}: ")
    assert "nested more than 32 levels deep" in line
    assert done.stdout == b""


def test_a_100k_deep_request_and_ledger(tmp_path: Path) -> None:
    deep = write(tmp_path / "deep.json", "[" * DEEP + "]" * DEEP)
    request = write(tmp_path / "request.json", REQUEST)
    result = invoke("evaluate", str(SPEC), deep)
    assert result.exit_code == 2
    assert one_line(result.stderr).startswith(f"roundwise evaluate: {deep}: JSON nested too deep")
    ledger = write(tmp_path / "ledger.jsonl", "{" * DEEP)
    result = invoke("evaluate", str(SPEC), request, "--ledger", ledger)
    assert result.exit_code == 2
    assert one_line(result.stderr).startswith(f"roundwise evaluate: {ledger}: ")


def test_a_100k_deep_yaml_spec(tmp_path: Path) -> None:
    spec = write(tmp_path / "deep.yaml", "a: " + "[" * DEEP + "]" * DEEP)
    result = invoke("report", spec, "--ledger", str(LEDGER))
    assert result.exit_code == 2
    assert one_line(result.stderr).startswith(f"roundwise report: {spec}: ")


def test_an_impossible_date(tmp_path: Path) -> None:
    spec = spec_with(tmp_path, "due: 2026-03-13", "due: 2026-02-30")
    request = write(tmp_path / "request.json", REQUEST)
    for command in ("evaluate", "reply"):
        result = invoke(command, spec, request)
        assert result.exit_code == 2
        assert one_line(result.stderr).startswith(f"roundwise {command}: {spec}: ")
    result = invoke("render", spec, "-o", str(tmp_path / "out.pdf"))
    assert result.exit_code == 2
    assert one_line(result.stderr).startswith(f"roundwise render: {spec}: ")
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize("fee", ["1e400", "9" * 80])
def test_a_huge_fee(tmp_path: Path, fee: str) -> None:
    spec = spec_with(tmp_path, "fee: 480", f"fee: {fee}")
    request = write(tmp_path / "request.json", REQUEST)
    for args in (
        ("evaluate", spec, request),
        ("reply", spec, request),
        ("render", spec, "-o", str(tmp_path / "out.pdf")),
    ):
        result = invoke(*args)
        assert result.exit_code in (0, 2), result.output
        assert "Traceback" not in result.output
        if result.exit_code == 2:
            assert one_line(result.stderr).startswith(f"roundwise {args[0]}: {spec}: ")


def test_render_errors_name_the_file(tmp_path: Path) -> None:
    spec = write(tmp_path / "spec.yaml", "id: [unclosed")
    result = invoke("render", spec, "-o", str(tmp_path / "out.pdf"))
    assert result.exit_code == 2
    assert one_line(result.stderr).startswith(f"roundwise render: {spec}: ")
    ledger = write(tmp_path / "ledger.jsonl", "not json\n")
    args = ["render", str(SPEC), "--ledger", ledger, "-d", "statement"]
    result = invoke(*args, "-o", str(tmp_path / "out.pdf"))
    assert result.exit_code == 2
    assert one_line(result.stderr).startswith(f"roundwise render: {ledger}: ")
    missing = str(tmp_path / "missing.yaml")
    result = invoke("render", missing, "-o", str(tmp_path / "out.pdf"))
    assert result.exit_code == 2
    assert one_line(result.stderr) == f"roundwise render: {missing}: no such file"


def test_render_to_a_directory_or_into_a_missing_one(tmp_path: Path) -> None:
    result = invoke("render", str(SPEC), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert one_line(result.stderr).startswith(f"roundwise render: {tmp_path}: is a directory")
    target = tmp_path / "missing" / "x.pdf"
    result = invoke("render", str(SPEC), "-o", str(target))
    assert result.exit_code == 2
    assert one_line(result.stderr).startswith(f"roundwise render: {target}: no such directory")
    assert list(tmp_path.iterdir()) == []


def test_dev_zero_fails_fast_at_the_size_limit() -> None:
    started = time.monotonic()
    done = run("measure", "/dev/zero", os.devnull, env={MAX_INPUT_VARIABLE: "1000000"})
    assert done.returncode == 2
    line = one_line(done.stderr.decode())
    assert line.startswith("roundwise measure: /dev/zero: larger than the input limit")
    assert time.monotonic() - started < 60  # it used to grow to 10 GB before failing


def test_the_default_size_limit_applies_to_every_input(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 3000)
    small = write(tmp_path / "small.txt", "word")
    env = {MAX_INPUT_VARIABLE: "10000"}
    result = invoke("measure", str(big), small, env=env)
    assert result.exit_code == 2
    assert "larger than the input limit of 10,000 bytes" in one_line(result.stderr)
    result = invoke("lint", str(big), env=env)
    assert result.exit_code == 2
    result = invoke("measure", small, small, env=env)
    assert result.exit_code == 0, result.output
