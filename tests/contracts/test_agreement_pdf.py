"""The service agreement, read back from the PDF: clauses, parties, prices, terms, hash."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest

from roundwise.contracts.clause_texts import local_clauses
from roundwise.contracts.formatting import agreement_id
from roundwise.contracts.i18n import doc_text
from roundwise.engine.terms import clauses, terms_sha256
from tests.contracts.conftest import EXAMPLE_IDS, ReadBack, example_terms, flat

A4_POINTS = (595.28, 841.89)
LETTER_POINTS = (612.0, 792.0)


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_every_clause_number_and_title_is_printed_in_order(
    agreements: dict[str, ReadBack], name: str
) -> None:
    text = agreements[name].text
    positions = [text.find(f"{c.number} {c.title}") for c in clauses(example_terms(name))]
    assert -1 not in positions, positions
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_clause_texts_are_printed_verbatim(agreements: dict[str, ReadBack], name: str) -> None:
    terms = example_terms(name)
    text = agreements[name].text
    printed = local_clauses(terms, doc_text(terms))
    assert [(c.number, c.title) for c in printed] == [(c.number, c.title) for c in clauses(terms)]
    for c in printed:
        assert flat(c.text) in text, c.number


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_parties_prices_and_revision_terms_are_in_the_text(
    agreements: dict[str, ReadBack], name: str
) -> None:
    terms = example_terms(name)
    tx = doc_text(terms)
    money = tx.money
    text = agreements[name].text
    policy = terms.revision_policy
    assert terms.freelancer.name in text
    assert terms.client.name in text
    for deliverable in terms.deliverables:
        assert deliverable.fee is not None
        assert flat(money(deliverable.fee)) in text
    total = terms.total_fee()
    assert total is not None
    assert flat(money(total)) in text
    assert flat(money(policy.out_of_scope.hourly_rate)) in text
    assert f"includes {policy.rounds_included} revision round" in text
    if policy.max_change_share is not None:
        assert f"at most {tx.percent(policy.max_change_share)} of the words" in text
    if policy.max_change_items is not None:
        assert f"at most {policy.max_change_items} change items" in text
    assert f"within {policy.review_window_days} days" in text


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_every_page_footer_carries_the_document_id_the_terms_hash_and_page_n_of_m(
    agreements: dict[str, ReadBack], name: str
) -> None:
    terms = example_terms(name)
    back = agreements[name]
    pages = len(back.pages_text)
    for number, page in enumerate(back.pages_text, start=1):
        flat = " ".join(page.split())
        assert f"Terms SHA-256 {terms_sha256(terms)}" in flat
        assert f"Document {agreement_id(terms)}" in flat
        assert f"Page {number} of {pages}" in flat
        found = re.findall(r"Terms SHA-256 ([0-9a-f]{64})", flat)
        assert found == [terms_sha256(terms)]


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_page_count_size_and_metadata_are_right(agreements: dict[str, ReadBack], name: str) -> None:
    terms = example_terms(name)
    back = agreements[name]
    assert back.doc.pages == len(back.reader.pages)
    assert 2 <= back.doc.pages <= 6
    box = back.reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_POINTS, abs=0.5)
    meta = back.reader.metadata
    assert meta is not None
    assert meta.title == f"Service agreement: {terms.title}"
    assert meta.author == terms.freelancer.name
    assert meta.creation_date is not None
    assert meta.creation_date.isoformat().startswith("2026-06-02T09:00:00")
    assert str(back.reader.root_object["/Lang"]) == terms.language
    assert terms_sha256(terms) in str(meta.subject)


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_the_pdf_passes_a_structural_check_and_rendered_without_warnings(
    agreements: dict[str, ReadBack], name: str
) -> None:
    back = agreements[name]
    assert back.doc.warnings == ()
    with pikepdf.open(io.BytesIO(back.doc.pdf)) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert len(pdf.pages) == back.doc.pages


def test_us_letter_paper_is_used_when_asked(international: ReadBack) -> None:
    box = international.reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(LETTER_POINTS, abs=0.5)


def test_the_filename_and_document_id_are_derived_from_the_terms_hash(
    agreements: dict[str, ReadBack],
) -> None:
    doc = agreements["bakery-web-copy"].doc
    sha = terms_sha256(example_terms("bakery-web-copy"))
    assert doc.document_id == f"RW-AGR-{sha[:12]}"
    assert doc.filename == f"{doc.document_id}.pdf"
