"""The evidence bundle: one zip file from which a dispute about a contract can be settled.

It holds the signed agreement, every change order and the revision statement as PDFs,
the terms as the canonical JSON their SHA-256 is taken of, the ledger as JSON lines,
every delivered version (the text itself; for visual work the recorded file hash and
note), and ``manifest.json`` naming the SHA-256 and size of every other file, the terms'
hash and the hash the client signed. Anyone can check it with ``sha256sum``.

Rule: the bundle is a pure function of the terms and the ledger (same ledger, same
bytes). Everything is dated at the ledger's last event, never the wall clock (the PDFs'
``created`` time, the statement's "as of", the zip entries' timestamps); zip entries come
in a fixed order with fixed attributes; WeasyPrint writes the same PDF for the same HTML
(``tests/contracts/test_evidence.py`` checks this across processes). Nothing is read
from the network or the file system beyond the renderer's own templates.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from roundwise.contracts import formatting as fmt
from roundwise.contracts.change_order import change_order_numbers
from roundwise.contracts.documents import (
    render_agreement,
    render_change_order,
    render_statement,
)
from roundwise.contracts.errors import DocumentError, UnsignedLedgerError
from roundwise.contracts.pdf import Paper
from roundwise.engine import ENGINE_VERSION
from roundwise.engine.ledger import (
    ContractSigned,
    Event,
    RevisionDelivered,
    VersionSubmitted,
    dump_events,
)
from roundwise.engine.terms import ContractTerms, canonical_terms_json, terms_sha256

FORMAT = "roundwise-evidence/1"
MANIFEST = "manifest.json"
ZIP_MEDIA_TYPE = "application/zip"
# Zip entries: regular files, rw-r--r--, made on Unix, deflated at one fixed level.
_FILE_MODE = 0o100644 << 16
_UNIX = 3
_LEVEL = 9
# The earliest and latest instants a zip header can hold (DOS date fields).
_ZIP_FIRST = datetime(1980, 1, 1, tzinfo=UTC)
_ZIP_LAST = datetime(2107, 12, 31, 23, 59, 58, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """One file of the bundle: where it goes, its bytes, and what it is (for the manifest)."""

    path: str
    data: bytes
    content: str

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the bytes."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class EvidenceBundle:
    """The finished zip, its file name and the manifest it carries."""

    filename: str
    data: bytes
    manifest: dict[str, Any]

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the whole zip (the same for the same ledger)."""
        return hashlib.sha256(self.data).hexdigest()


def signing_event(events: Iterable[Event]) -> ContractSigned:
    """The ledger's ``contract_signed`` event; `UnsignedLedgerError` when it has none."""
    for event in events:
        if isinstance(event, ContractSigned):
            return event
    raise UnsignedLedgerError(
        "the evidence bundle proves a signed contract: the ledger has no contract_signed "
        "event (sign the contract first)"
    )


def evidence_time(events: tuple[Event, ...]) -> datetime:
    """The moment the bundle is dated at: the ledger's last event (never the clock)."""
    return max(event.at for event in events)


def build_evidence(
    terms: ContractTerms, events: tuple[Event, ...], *, paper: Paper = "a4"
) -> EvidenceBundle:
    """The whole bundle for a signed ledger (`UnsignedLedgerError` for an unsigned one).

    `DocumentError` when the terms are not those the ledger's signature pins (a spec
    edited after signing proves nothing).
    """
    signed = signing_event(events)
    digest = terms_sha256(terms)
    if signed.terms_sha256 != digest:
        raise DocumentError(
            f"these terms (SHA-256 {digest[:12]}…) are not the terms signed in the ledger "
            f"(SHA-256 {signed.terms_sha256[:12]}…): use the spec that was signed"
        )
    created = evidence_time(events)
    files = evidence_files(terms, events, created, paper)
    manifest = manifest_of(terms, events, signed, created, files)
    manifest_file = EvidenceFile(MANIFEST, _json_bytes(manifest), "this manifest")
    data = zip_bytes((manifest_file, *files), created)
    return EvidenceBundle(f"{fmt.agreement_id(terms)}-evidence.zip", data, manifest)


def evidence_files(
    terms: ContractTerms, events: tuple[Event, ...], created: datetime, paper: Paper
) -> tuple[EvidenceFile, ...]:
    """Every file but the manifest, in the order they are stored."""
    agreement = render_agreement(terms, created=created, paper=paper)
    files = [
        EvidenceFile(
            "terms.json",
            canonical_terms_json(terms).encode("utf-8"),
            "the contract terms as canonical JSON (their SHA-256 is the terms hash)",
        ),
        EvidenceFile(
            "ledger.jsonl",
            dump_events(events).encode("utf-8"),
            "the ledger: every event in order, one JSON object a line",
        ),
        EvidenceFile("agreement.pdf", agreement.pdf, f"the service agreement {agreement.title}"),
    ]
    for number in change_order_numbers(terms, events, created):
        order = render_change_order(terms, events, created=created, number=number, paper=paper)
        files.append(
            EvidenceFile(
                f"change-orders/change-order-{number}.pdf", order.pdf, f"change order {number}"
            )
        )
    statement = render_statement(terms, events, created=created, paper=paper)
    files.append(
        EvidenceFile("statement.pdf", statement.pdf, "the revision statement as of the last event")
    )
    files.extend(version_files(events))
    _require_unique(files)
    return tuple(files)


def version_files(events: Iterable[Event]) -> list[EvidenceFile]:
    """One file per delivered version: its text, or the record of its file for visual work."""
    found: list[EvidenceFile] = []
    for event in events:
        if not isinstance(event, VersionSubmitted | RevisionDelivered):
            continue
        base = f"versions/{event.deliverable}/v{event.version}"
        if event.text is not None:
            found.append(
                EvidenceFile(
                    f"{base}.txt",
                    event.text.encode("utf-8"),
                    f"{event.deliverable} version {event.version}: the delivered text",
                )
            )
        if event.file_sha256 is not None:
            record = {"file_sha256": event.file_sha256, "note": event.note}
            found.append(
                EvidenceFile(
                    f"{base}.file.json",
                    _json_bytes(record),
                    f"{event.deliverable} version {event.version}: the delivered file's "
                    "SHA-256 and note as recorded (the file itself is kept by the parties)",
                )
            )
    return found


def manifest_of(
    terms: ContractTerms,
    events: tuple[Event, ...],
    signed: ContractSigned,
    created: datetime,
    files: tuple[EvidenceFile, ...],
) -> dict[str, Any]:
    """What the bundle holds and the hash of each file, as a JSON object."""
    return {
        "format": FORMAT,
        "generator": f"Roundwise {ENGINE_VERSION}",
        "created": created.isoformat(),
        "contract": {
            "id": signed.contract_id,
            "title": terms.title,
            "agreement_id": fmt.agreement_id(terms),
            "terms_sha256": terms_sha256(terms),
            "signed_terms_sha256": signed.terms_sha256,
            "signed_at": signed.at.isoformat(),
        },
        "ledger": {
            "events": len(events),
            "first_event_at": events[0].at.isoformat(),
            "last_event_at": events[-1].at.isoformat(),
            "sha256": hashlib.sha256(dump_events(events).encode("utf-8")).hexdigest(),
        },
        "versions": _versions(events, {f.path for f in files}),
        "files": [
            {"path": f.path, "sha256": f.sha256, "bytes": len(f.data), "content": f.content}
            for f in files
        ],
        "verify": (
            "Each file's SHA-256 (sha256sum) equals its entry in files; the SHA-256 of "
            "terms.json equals contract.terms_sha256, which equals the signed_terms_sha256 "
            "recorded in the ledger's contract_signed event and printed on every page of "
            "agreement.pdf."
        ),
    }


def _versions(events: Iterable[Event], paths: set[str]) -> list[dict[str, Any]]:
    """Each delivered version: when, in answer to what, and which file holds it."""
    found = []
    for event in events:
        if not isinstance(event, VersionSubmitted | RevisionDelivered):
            continue
        base = f"versions/{event.deliverable}/v{event.version}"
        found.append(
            {
                "deliverable": event.deliverable,
                "version": event.version,
                "delivered_at": event.at.isoformat(),
                "request_id": getattr(event, "request_id", None),
                "text_path": f"{base}.txt" if f"{base}.txt" in paths else None,
                "file_sha256": event.file_sha256,
                "note": event.note,
            }
        )
    return found


def zip_bytes(files: Iterable[EvidenceFile], moment: datetime) -> bytes:
    """A zip of ``files`` in the given order, every entry stamped ``moment`` (UTC).

    Fixed timestamps, attributes, system and compression level: nothing of the machine
    or the hour it runs on reaches the bytes.
    """
    stamp = min(max(moment.astimezone(UTC), _ZIP_FIRST), _ZIP_LAST)
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=_LEVEL) as archive:
        for file in files:
            info = zipfile.ZipInfo(file.path, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _FILE_MODE
            info.create_system = _UNIX
            archive.writestr(info, file.data, compresslevel=_LEVEL)
    return buffer.getvalue()


def verify_bundle(data: bytes) -> tuple[str, ...]:
    """What does not match in a bundle (empty when every hash in its manifest holds).

    Checks each listed file's SHA-256 and size, that no file is unlisted or missing, and
    that ``terms.json`` hashes to the manifest's terms hash.
    """
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        stored = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(stored.pop(MANIFEST))
    listed = {entry["path"]: entry for entry in manifest["files"]}
    for path in sorted(set(stored) - set(listed)):
        problems.append(f"{path}: in the zip but not in the manifest")
    for path, entry in listed.items():
        content = stored.get(path)
        if content is None:
            problems.append(f"{path}: in the manifest but not in the zip")
        elif hashlib.sha256(content).hexdigest() != entry["sha256"]:
            problems.append(f"{path}: SHA-256 differs from the manifest")
        elif len(content) != entry["bytes"]:
            problems.append(f"{path}: size differs from the manifest")
    terms = stored.get("terms.json", b"")
    if hashlib.sha256(terms).hexdigest() != manifest["contract"]["terms_sha256"]:
        problems.append("terms.json: SHA-256 differs from contract.terms_sha256")
    return tuple(problems)


def _json_bytes(value: Any) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8 as is, a final newline."""
    return (json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


def _require_unique(files: list[EvidenceFile]) -> None:
    seen: set[str] = set()
    for file in files:
        if file.path in seen:
            raise DocumentError(f"the ledger delivers {file.path} twice")
        seen.add(file.path)


__all__ = [
    "FORMAT",
    "MANIFEST",
    "ZIP_MEDIA_TYPE",
    "EvidenceBundle",
    "EvidenceFile",
    "build_evidence",
    "evidence_files",
    "evidence_time",
    "manifest_of",
    "signing_event",
    "verify_bundle",
    "version_files",
    "zip_bytes",
]
