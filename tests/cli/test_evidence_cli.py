"""`roundwise evidence SPEC LEDGER -o OUT.zip`: the bundle from files, the same each time."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from roundwise.contracts.evidence import verify_bundle
from tests.cli.conftest import EXAMPLES, invoke, run

FOX_SPEC = EXAMPLES / "fox-logo.yaml"
FOX_LEDGER = EXAMPLES / "fox-logo.ledger.jsonl"


def test_the_bundle_is_written_verifies_and_is_the_same_when_built_again(tmp_path: Path) -> None:
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    done = invoke("evidence", str(FOX_SPEC), str(FOX_LEDGER), "-o", str(first))
    assert done.exit_code == 0, done.output
    data = first.read_bytes()
    assert done.output.strip() == f"{first}: 9 files, sha256 {hashlib.sha256(data).hexdigest()}"
    assert verify_bundle(data) == ()
    with zipfile.ZipFile(first) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        record = json.loads(archive.read("versions/concepts/v3.file.json"))
    assert manifest["contract"]["id"] == "fox-logo"
    assert record["file_sha256"] == manifest["versions"][2]["file_sha256"]
    # Again, as its own process (the console script's path): the same bytes.
    again = run("evidence", str(FOX_SPEC), str(FOX_LEDGER), "-o", str(second))
    assert again.returncode == 0, again.stderr.decode()
    assert second.read_bytes() == data


def test_an_unsigned_ledger_is_one_line_and_exit_2(tmp_path: Path) -> None:
    lines = FOX_LEDGER.read_text(encoding="utf-8").splitlines()
    unsigned = tmp_path / "unsigned.jsonl"
    unsigned.write_text(
        "\n".join(line for line in lines if '"contract_signed"' not in line), encoding="utf-8"
    )
    out = tmp_path / "out.zip"
    done = invoke("evidence", str(FOX_SPEC), str(unsigned), "-o", str(out))
    assert done.exit_code == 2
    assert done.output.count("\n") == 1
    assert done.output.startswith(f"roundwise evidence: {unsigned}: ")
    assert "contract_signed" in done.output
    assert not out.exists()


def test_a_spec_other_than_the_signed_one_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.zip"
    done = invoke(
        "evidence", str(EXAMPLES / "bakery-web-copy.yaml"), str(FOX_LEDGER), "-o", str(out)
    )
    assert done.exit_code == 2
    assert "not the terms signed" in done.output
    assert not out.exists()


def test_a_directory_as_output_is_refused_before_building(tmp_path: Path) -> None:
    done = invoke("evidence", str(FOX_SPEC), str(FOX_LEDGER), "-o", str(tmp_path))
    assert done.exit_code == 2
    assert "is a directory" in done.output
    missing = invoke("evidence", str(FOX_SPEC), str(FOX_LEDGER), "-o", str(tmp_path / "no/x.zip"))
    assert missing.exit_code == 2
    assert "no such directory" in missing.output
