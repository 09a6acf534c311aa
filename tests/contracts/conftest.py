"""Shared fixtures: each document is rendered once per test session and read back.

WeasyPrint renders take 0.3-1 s, so the suite renders each (example, document) pair once
and every test inspects the same bytes.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml

from roundwise.contracts.documents import RenderedDocument, render_document
from roundwise.contracts.loading import read_ledger, read_spec
from roundwise.engine.ledger import Event
from roundwise.engine.terms import ContractTerms, load_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "examples"
EXAMPLE_IDS = ("bakery-web-copy", "fox-logo", "manual-translation")
CREATED = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class ReadBack:
    """A rendered document and what pypdf reads out of it."""

    doc: RenderedDocument
    reader: pypdf.PdfReader
    pages_text: tuple[str, ...]

    @property
    def text(self) -> str:
        """All pages' text, whitespace collapsed (lines re-wrap freely).

        Hyphenation is off, so a line ending in "-" broke at a real hyphen: rejoin it.
        """
        return flat(" ".join(p.replace("-\n", "-") for p in self.pages_text))


def flat(text: str) -> str:
    """Whitespace collapsed like `ReadBack.text` (Babel's no-break spaces become spaces)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def read_back(doc: RenderedDocument) -> ReadBack:
    """Parse the PDF bytes with pypdf."""
    reader = pypdf.PdfReader(io.BytesIO(doc.pdf))
    texts = tuple(unicodedata.normalize("NFC", p.extract_text() or "") for p in reader.pages)
    return ReadBack(doc=doc, reader=reader, pages_text=texts)


def example_terms(name: str) -> ContractTerms:
    return read_spec(EXAMPLES / f"{name}.yaml")


def example_events(name: str) -> tuple[Event, ...]:
    return read_ledger(EXAMPLES / f"{name}.ledger.jsonl")


def example_mapping(name: str) -> dict[str, Any]:
    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def international_terms() -> ContractTerms:
    """The bakery spec with a Georgian freelancer, a Greek client and Cyrillic/Polish text."""
    data = example_mapping("bakery-web-copy")
    data["id"] = "intl-names"
    data["locale"] = "el_GR"
    data["freelancer"] = {"name": "ნინო ბერიძე", "role": "Copywriter", "language": "ka"}
    data["client"] = {
        "name": "Ελένη Παπαδοπούλου",
        "business": "Студия «Лето», Łódź",
        "language": "el",
    }
    data["deliverables"][0]["title"] = "Αρχική σελίδα — მთავარი გვერდი"
    return load_spec(data)


@pytest.fixture(scope="session")
def agreements() -> dict[str, ReadBack]:
    """The agreement of every example project, on A4."""
    return {
        name: read_back(render_document(example_terms(name), (), "agreement", created=CREATED))
        for name in EXAMPLE_IDS
    }


@pytest.fixture(scope="session")
def statements() -> dict[str, ReadBack]:
    """The revision statement of every example project, from its example ledger."""
    return {
        name: read_back(
            render_document(example_terms(name), example_events(name), "statement", created=CREATED)
        )
        for name in EXAMPLE_IDS
    }


@pytest.fixture(scope="session")
def change_orders() -> dict[str, ReadBack]:
    """The latest change order of every example project."""
    return {
        name: read_back(
            render_document(
                example_terms(name), example_events(name), "change-order", created=CREATED
            )
        )
        for name in EXAMPLE_IDS
    }


@pytest.fixture(scope="session")
def international() -> ReadBack:
    """The agreement with Greek, Georgian, Cyrillic and Polish names, on US Letter."""
    doc = render_document(international_terms(), (), "agreement", created=CREATED, paper="letter")
    return read_back(doc)
