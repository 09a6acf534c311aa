"""Documents in the contract's language (issue 17.5), read back from the PDF with pdftotext.

Renders are the slow part (0.3-1 s each), so each one is made once per module and every
check reads the same bytes: an agreement per language (six languages and Serbian in
Cyrillic), a change order in three of them and a revision statement in the other three,
and one bilingual agreement. The per-language view checks that need no PDF (every
language x every document) run on the HTML/view models only.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from functools import cache
from typing import Any

import pikepdf
import pytest
from babel.dates import format_date

from roundwise.contracts.change_order import change_order_view
from roundwise.contracts.clause_texts import local_clauses
from roundwise.contracts.documents import RenderedDocument, agreement_html, render_document
from roundwise.contracts.i18n import DOCUMENT_LANGUAGES, doc_text
from roundwise.contracts.statement import statement_view
from roundwise.engine.terms import ContractTerms, load_spec
from tests.contracts.conftest import CREATED, example_events, example_mapping, example_terms

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) not installed: bash scripts/system-deps.sh",
)

RUNNING_PARTIES = " Ana Novak — Marko Horvat "
NON_ENGLISH = ("sl", "pl", "sr", "sr-Cyrl", "el", "ka")
LOCALES = {"sl": "sl_SI", "pl": "pl_PL", "sr": "sr_RS", "el": "el_GR", "ka": "ka_GE"}
# Letters only the language's own script (or alphabet) has: proof the text is not English.
SCRIPT = {
    "sl": re.compile(r"[čšž]"),
    "pl": re.compile(r"[ąęłńśźż]"),
    "sr": re.compile(r"[čćđšž]"),
    "sr-Cyrl": re.compile(r"[\u0400-\u04ff]"),
    "el": re.compile(r"[\u0370-\u03ff]"),
    "ka": re.compile(r"[\u10d0-\u10ff]"),
}
# One change order or statement per non-English language, so both kinds meet every script.
LEDGER_DOCUMENTS = {
    "sl": "change-order",
    "sr": "change-order",
    "el": "change-order",
    "pl": "statement",
    "sr-Cyrl": "statement",
    "ka": "statement",
}


def local_terms(tag: str) -> ContractTerms:
    """The bakery contract written in ``tag``, with the legal terms a real contract sets."""
    base = tag.split("-")[0]
    data: dict[str, Any] = example_mapping("bakery-web-copy")
    data.update(id=f"bakery-{tag.lower()}", language=base, locale=LOCALES.get(base, "en_IE"))
    if tag == "sr-Cyrl":
        data["script"] = "Cyrl"
    data["client"]["language"] = "en"
    data["freelancer"]["address"] = "Trubarjeva 5, 1000 Ljubljana"
    data["legal"] = {"freelancer_tax_id": "SI12345678", "confidentiality_years": 3}
    return load_spec(data)


def pdftotext(pdf: bytes) -> list[str]:
    """The pages' text as poppler reads it (the way a reader's viewer extracts it)."""
    done = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    text = unicodedata.normalize("NFC", done.stdout.decode("utf-8"))
    # The running header (the parties' names, top right) is read between a clause number
    # and its title when a clause starts a page: leave it out.
    return [" ".join(page.split()).replace(RUNNING_PARTIES, " ") for page in text.split("\f")[:-1]]


def squeezed(text: str) -> str:
    """Upper case without spaces or accents: letter-spaced capitals come back as "SPRE JEMA",
    and Greek capitals drop their accents (CSS uppercasing does, as Greek typesetting does)."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return "".join(bare.upper().split())


def pdffonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name without subset prefix, embedded?) for every font pdffonts lists."""
    done = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    rows = done.stdout.decode().splitlines()[2:]
    fonts = []
    for row in rows:
        fields = row.split()
        emb = fields[-5]
        fonts.append((fields[0].split("+", 1)[-1], emb == "yes"))
    return fonts


@cache
def agreement(tag: str) -> tuple[RenderedDocument, tuple[str, ...]]:
    doc = render_document(local_terms(tag), (), "agreement", created=CREATED)
    return doc, tuple(pdftotext(doc.pdf))


@cache
def ledger_document(tag: str) -> tuple[RenderedDocument, tuple[str, ...]]:
    # The example ledger is signed for the English terms: the language is asked for.
    name = "bakery-web-copy"
    kind = LEDGER_DOCUMENTS[tag]
    doc = render_document(
        example_terms(name),
        example_events(name),
        kind,
        created=CREATED,
        language=tag,  # type: ignore[arg-type]
    )
    return doc, tuple(pdftotext(doc.pdf))


@cache
def bilingual() -> tuple[RenderedDocument, tuple[str, ...]]:
    data: dict[str, Any] = example_mapping("bakery-web-copy")
    data.update(id="bakery-bilingual", language="sl", locale="sl_SI")
    data["client"]["language"] = "ka"
    terms = load_spec(data)
    doc = render_document(terms, (), "agreement", created=CREATED, bilingual=True)
    return doc, tuple(pdftotext(doc.pdf))


ALL_RENDERS = [("agreement", t) for t in NON_ENGLISH] + [("ledger", t) for t in NON_ENGLISH]


def rendered(which: str, tag: str) -> tuple[RenderedDocument, tuple[str, ...]]:
    return agreement(tag) if which == "agreement" else ledger_document(tag)


@pytest.mark.parametrize(("which", "tag"), ALL_RENDERS)
def test_the_document_is_in_its_languages_script_with_no_fake_plural_and_no_warning(
    which: str, tag: str
) -> None:
    doc, pages = rendered(which, tag)
    text = " ".join(pages)
    assert doc.warnings == ()
    # Latin-script languages share most letters with the English user text (titles, briefs).
    assert len(SCRIPT[tag].findall(text)) > (50 if tag in ("sr-Cyrl", "el", "ka") else 15)
    assert "(s)" not in text
    kind = doc_text(example_terms("bakery-web-copy"), tag).t(f"kinds.{doc.kind}")
    assert kind.upper() in text or kind in text
    if tag == "sr-Cyrl":
        assert not re.search(r"\b(Izmene|Ugovor|Naručilac|Izvršilac)\b", text)
        assert "SHA-256" in text  # kept in Latin letters, as ids are


@pytest.mark.parametrize(("which", "tag"), ALL_RENDERS)
def test_no_internal_key_reaches_the_client(which: str, tag: str) -> None:
    _, pages = rendered(which, tag)
    text = " ".join(pages)
    for deliverable_id in ("home", "about", "products"):
        assert f"({deliverable_id})" not in text
        if which == "agreement":  # ledger documents quote the client, who says "home page"
            assert not re.search(rf"(?<![\w-]){deliverable_id}(?![\w-])", text), deliverable_id


@pytest.mark.parametrize("tag", NON_ENGLISH)
def test_every_clause_number_and_title_is_printed_in_order(tag: str) -> None:
    terms = local_terms(tag)
    _, pages = agreement(tag)
    text = " ".join(pages)
    titles = [
        f"{c.number} {' '.join(c.title.split())}" for c in local_clauses(terms, doc_text(terms))
    ]
    positions = [text.find(title) for title in titles]
    assert -1 not in positions, [t for t, p in zip(titles, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    assert "12 " in text  # governing law, the last clause


@pytest.mark.parametrize("tag", NON_ENGLISH)
def test_one_date_style_from_one_locale(tag: str) -> None:
    terms = local_terms(tag)
    tx = doc_text(terms)
    _, pages = agreement(tag)
    text = " ".join(pages)
    for day in (date(2026, 3, 2), date(2026, 3, 13), date(2026, 3, 20)):
        assert " ".join(tx.date(day).split()) in text
        for other in ("long", "full"):
            written = " ".join(format_date(day, other, locale=tx.locale).split())
            if written != " ".join(tx.date(day).split()):
                assert written not in text, (other, written)
        assert day.isoformat() not in text
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text)


@pytest.mark.parametrize("tag", NON_ENGLISH)
def test_the_legal_clauses_and_the_parties_identities_are_printed(tag: str) -> None:
    terms = local_terms(tag)
    tx = doc_text(terms)
    _, pages = agreement(tag)
    text = " ".join(pages)
    assert "SI12345678" in text
    assert "Trubarjeva 5, 1000 Ljubljana" in text
    # Governing law defaults to the contract locale's territory, named in the language.
    territory = LOCALES[tag.split("-")[0]][-2:]
    assert tx.country(territory) in text
    assert " ".join(tx.money(terms.total_fee()).split()) in text  # the liability cap
    assert " ".join(tx.plural("clauses.confidentiality", 3).split())[:40] in text


@pytest.mark.parametrize(("which", "tag"), ALL_RENDERS)
def test_fonts_are_embedded_noto_for_text_and_dejavu_mono_only_for_ids(
    which: str, tag: str
) -> None:
    doc, _ = rendered(which, tag)
    fonts = pdffonts(doc.pdf)
    assert fonts
    assert all(embedded for _, embedded in fonts), fonts
    names = {name for name, _ in fonts}
    assert all(n.startswith(("Noto-", "DejaVu-Sans-Mono")) for n in names), names
    if tag == "ka":
        assert any("Georgian" in n for n in names), names


@pytest.mark.parametrize(("which", "tag"), [("agreement", "el"), ("ledger", "sr-Cyrl")])
def test_the_pdf_is_tagged_with_its_language(which: str, tag: str) -> None:
    doc, _ = rendered(which, tag)
    with pikepdf.open(io.BytesIO(doc.pdf)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == tag
        assert b'pdfuaid:part="1"' in pdf.Root.Metadata.read_bytes()


@pytest.mark.parametrize("tag", ["sl", "sr", "el"])
def test_a_change_orders_signature_box_never_stands_alone_on_a_page(tag: str) -> None:
    tx = doc_text(example_terms("bakery-web-copy"), tag)
    _, pages = ledger_document(tag)
    label = squeezed(tx.t("change_order.accepted_by_client"))
    signing = [p for p in pages if label in squeezed(p)]
    assert len(signing) == 1
    # The page with the signatures also holds the schedule section before them.
    assert tx.t("change_order.schedule_heading") in signing[0]
    assert tx.t("change_order.acceptance") in signing[0]


@pytest.mark.parametrize("tag", NON_ENGLISH)
def test_an_agreements_signatures_share_their_page_with_the_last_clause(tag: str) -> None:
    terms = local_terms(tag)
    tx = doc_text(terms)
    _, pages = agreement(tag)
    label = squeezed(tx.t("labels.sign_for_client"))
    signing = [p for p in pages if label in squeezed(p)]
    assert len(signing) == 1
    last = local_clauses(terms, tx)[-1]
    assert f"{last.number} {last.title}" in signing[0]


@pytest.mark.parametrize("tag", ["pl", "sr-Cyrl", "ka"])
def test_the_statement_prices_requests_as_their_change_orders_and_totals_the_extras(
    tag: str,
) -> None:
    terms, events = example_terms("bakery-web-copy"), example_events("bakery-web-copy")
    tx = doc_text(terms, tag)
    view = statement_view(terms, events, CREATED, tag)
    _, pages = ledger_document(tag)
    text = " ".join(pages)
    assert tx.t("statement.extras_accepted") in text
    assert " ".join(view.extras_accepted.split()) in text
    products = next(d for d in view.deliverables if d.id == "products")
    order = change_order_view(terms, events, 1, CREATED, tag)
    assert products.requests[0].quote == order.total


def test_a_bilingual_agreement_prints_both_languages_clause_by_clause() -> None:
    doc, pages = bilingual()
    text = " ".join(pages)
    assert doc.warnings == ()
    terms = load_spec({**example_mapping("bakery-web-copy"), "language": "sl", "locale": "sl_SI"})
    for tag in ("sl", "ka"):
        tx = doc_text(terms, tag)
        for key in ("revisions.round_size", "law"):
            assert tx.clause_title(key) in text, (tag, key)
        assert squeezed(tx.t("labels.sign_for_client")) in squeezed(text)
    assert len(SCRIPT["ka"].findall(text)) > 200
    assert len(SCRIPT["sl"].findall(text)) > 20
    with pikepdf.open(io.BytesIO(doc.pdf)) as pdf:
        assert str(pdf.Root.Lang) == "sl"


@pytest.mark.parametrize("tag", DOCUMENT_LANGUAGES)
def test_every_language_has_every_document_without_fake_plurals_or_keys(tag: str) -> None:
    # Views and HTML only (no PDF): fast, so every language meets every document.
    terms, events = example_terms("bakery-web-copy"), example_events("bakery-web-copy")
    _, html = agreement_html(terms, CREATED, tag)
    statement = statement_view(terms, events, CREATED, tag)
    orders = [change_order_view(terms, events, n, CREATED, tag) for n in (1, 2)]
    texts = [html, repr(statement), *map(repr, orders)]
    for text in texts:
        assert "(s)" not in text
        assert "(home)" not in text
    assert "<th>Id</th>" not in html
    assert f'<html lang="{tag}">' in html
