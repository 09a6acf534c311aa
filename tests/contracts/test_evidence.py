"""The evidence bundle (issue 18.5): complete, verifiable from its manifest, reproducible.

Each example project's bundle is built once per module; the checks recompute every hash
themselves from the zip (not through ``verify_bundle``, which is tested separately).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import UTC
from pathlib import Path

import pypdf
import pytest

from roundwise.contracts.errors import DocumentError, UnsignedLedgerError
from roundwise.contracts.evidence import (
    MANIFEST,
    EvidenceBundle,
    EvidenceFile,
    build_evidence,
    verify_bundle,
    zip_bytes,
)
from roundwise.engine.ledger import (
    ContractSigned,
    RevisionDelivered,
    VersionSubmitted,
    dump_events,
    load_events,
)
from roundwise.engine.terms import terms_sha256
from tests.contracts.conftest import EXAMPLE_IDS, example_events, example_terms

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundles() -> dict[str, EvidenceBundle]:
    return {name: build_evidence(example_terms(name), example_events(name)) for name in EXAMPLE_IDS}


def _entries(bundle: EvidenceBundle) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_every_file_hashes_to_its_manifest_entry_and_nothing_is_unlisted(
    bundles: dict[str, EvidenceBundle], name: str
) -> None:
    entries = _entries(bundles[name])
    manifest = json.loads(entries.pop(MANIFEST))
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(entries)
    for path, data in entries.items():
        assert hashlib.sha256(data).hexdigest() == listed[path]["sha256"], path
        assert len(data) == listed[path]["bytes"], path
    assert manifest == bundles[name].manifest
    assert verify_bundle(bundles[name].data) == ()


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_the_terms_file_hashes_to_the_terms_hash_the_client_signed(
    bundles: dict[str, EvidenceBundle], name: str
) -> None:
    entries = _entries(bundles[name])
    manifest = json.loads(entries[MANIFEST])
    signed = next(e for e in example_events(name) if isinstance(e, ContractSigned))
    digest = hashlib.sha256(entries["terms.json"]).hexdigest()
    assert digest == terms_sha256(example_terms(name)) == signed.terms_sha256
    assert (
        manifest["contract"]["terms_sha256"]
        == digest
        == manifest["contract"]["signed_terms_sha256"]
    )
    agreement = pypdf.PdfReader(io.BytesIO(entries["agreement.pdf"]))
    assert digest in " ".join(agreement.pages[0].extract_text().split())


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_the_bundle_holds_the_documents_the_ledger_and_every_delivered_version(
    bundles: dict[str, EvidenceBundle], name: str
) -> None:
    entries = _entries(bundles[name])
    events = example_events(name)
    assert load_events(entries["ledger.jsonl"].decode()) == events
    assert entries["ledger.jsonl"].decode() == dump_events(events)
    orders = sorted(p for p in entries if p.startswith("change-orders/"))
    assert orders, "every example ledger issues a change order"
    for path in orders:
        number = path.removeprefix("change-orders/change-order-").removesuffix(".pdf")
        text = pypdf.PdfReader(io.BytesIO(entries[path])).pages[0].extract_text()
        assert f"Change order {number}" in text
    statement = pypdf.PdfReader(io.BytesIO(entries["statement.pdf"]))
    assert "Revision statement" in statement.pages[0].extract_text()
    for event in events:
        if not isinstance(event, VersionSubmitted | RevisionDelivered):
            continue
        base = f"versions/{event.deliverable}/v{event.version}"
        if event.text is not None:
            assert entries[f"{base}.txt"].decode() == event.text
        if event.file_sha256 is not None:
            record = json.loads(entries[f"{base}.file.json"])
            assert record == {"file_sha256": event.file_sha256, "note": event.note}


def test_visual_work_is_recorded_by_its_file_hash(bundles: dict[str, EvidenceBundle]) -> None:
    versions = bundles["fox-logo"].manifest["versions"]
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert all(len(v["file_sha256"]) == 64 and v["text_path"] is None for v in versions)


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_everything_is_dated_at_the_last_event_never_the_clock(
    bundles: dict[str, EvidenceBundle], name: str
) -> None:
    last = example_events(name)[-1].at
    manifest = bundles[name].manifest
    assert manifest["created"] == last.isoformat()
    utc = last.astimezone(UTC)
    with zipfile.ZipFile(io.BytesIO(bundles[name].data)) as archive:
        stamps = {info.date_time for info in archive.infolist()}
        names = archive.namelist()
    assert stamps == {(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)}
    assert names[:4] == [MANIFEST, "terms.json", "ledger.jsonl", "agreement.pdf"]
    reader = pypdf.PdfReader(io.BytesIO(_entries(bundles[name])["agreement.pdf"]))
    assert reader.metadata is not None
    assert reader.metadata.creation_date == last


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_rebuilding_gives_the_same_bytes(bundles: dict[str, EvidenceBundle], name: str) -> None:
    again = build_evidence(example_terms(name), example_events(name))
    assert again.data == bundles[name].data


def test_another_process_with_another_hash_seed_builds_the_same_bytes(
    bundles: dict[str, EvidenceBundle],
) -> None:
    script = (
        "import sys; from tests.contracts.conftest import example_events, example_terms; "
        "from roundwise.contracts.evidence import build_evidence; "
        "sys.stdout.write(build_evidence(example_terms('bakery-web-copy'), "
        "example_events('bakery-web-copy')).sha256)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        timeout=120,
        check=True,
    )
    assert done.stdout.decode() == bundles["bakery-web-copy"].sha256


def test_a_changed_ledger_gives_another_bundle(bundles: dict[str, EvidenceBundle]) -> None:
    events = example_events("bakery-web-copy")
    shorter = build_evidence(example_terms("bakery-web-copy"), events[:-1])
    assert shorter.data != bundles["bakery-web-copy"].data
    assert verify_bundle(shorter.data) == ()


def test_a_ledger_without_a_signature_is_refused() -> None:
    events = tuple(e for e in example_events("fox-logo") if not isinstance(e, ContractSigned))
    with pytest.raises(UnsignedLedgerError, match="contract_signed"):
        build_evidence(example_terms("fox-logo"), events)
    with pytest.raises(UnsignedLedgerError):
        build_evidence(example_terms("fox-logo"), ())


def test_terms_other_than_the_signed_ones_are_refused() -> None:
    with pytest.raises(DocumentError, match="not the terms signed"):
        build_evidence(example_terms("bakery-web-copy"), example_events("fox-logo"))


def test_verification_names_a_tampered_a_missing_and_an_unlisted_file(
    bundles: dict[str, EvidenceBundle],
) -> None:
    bundle = bundles["manual-translation"]
    entries = _entries(bundle)
    moment = example_events("manual-translation")[-1].at
    tampered = dict(entries)
    tampered["versions/manual/v1.txt"] = b"something else"
    del tampered["statement.pdf"]
    tampered["extra.txt"] = b"slipped in"
    files = [EvidenceFile(path, data, "") for path, data in tampered.items()]
    problems = verify_bundle(zip_bytes(files, moment))
    assert sorted(problems) == [
        "extra.txt: in the zip but not in the manifest",
        "statement.pdf: in the manifest but not in the zip",
        "versions/manual/v1.txt: SHA-256 differs from the manifest",
    ]
