"""Greek, Georgian, Cyrillic and Polish text render with real glyphs (no tofu boxes)."""

from __future__ import annotations

import io

import pikepdf
import pytest

from roundwise.contracts.i18n import doc_text
from roundwise.contracts.pdf import html_to_pdf
from roundwise.engine.terms import money
from tests.contracts.conftest import ReadBack, flat, international_terms

GEORGIAN = "ნინო ბერიძე"
GREEK = "Ελένη Παπαδοπούλου"


def embedded_fonts(pdf_bytes: bytes) -> set[str]:
    """Base names of the fonts embedded in the PDF, without the subset prefix."""
    names = set()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                names.add(str(font.BaseFont).split("+", 1)[-1])
    return names


def test_greek_georgian_cyrillic_and_polish_names_are_in_the_text(
    international: ReadBack,
) -> None:
    text = international.text
    assert GEORGIAN in text
    assert GREEK in text
    assert "Студия «Лето», Łódź" in text
    assert "Αρχική σελίδα — მთავარი გვერდი" in text


def test_the_georgian_and_greek_names_render_without_any_notdef_glyph(
    international: ReadBack,
) -> None:
    # WeasyPrint logs a warning for every .notdef glyph it has to draw; none may appear.
    assert international.doc.warnings == ()
    fonts = embedded_fonts(international.doc.pdf)
    hint = f"embedded {sorted(fonts)}; install fonts-noto-core (bash scripts/system-deps.sh)"
    assert any("Georgian" in name for name in fonts), hint
    assert any(name.startswith("Noto-Serif") for name in fonts), hint


def test_a_character_no_installed_font_covers_is_reported_as_a_warning() -> None:
    # The check above can fail: an unassigned private-use character has no glyph anywhere.
    rendered = html_to_pdf('<html lang="en"><body><p>x \U000f0000 y</p></body></html>')
    assert any(".notdef" in warning for warning in rendered.warnings)


def test_money_follows_the_documents_one_locale_its_language_with_the_contracts_territory(
    international: ReadBack,
) -> None:
    # An English document on a Greek-territory contract writes English numbers (en_GR),
    # as an English reply does; the contract's own el_GR would print "1.070,00 €".
    terms = international_terms()
    total = terms.total_fee()
    assert total is not None
    tx = doc_text(terms)
    assert tx.locale.startswith("en")
    assert flat(money(terms, total)) == "1.070,00 €"
    assert flat(tx.money(total)) in international.text
    assert "1.070,00 €" not in international.text


def test_the_markup_sets_lang_on_the_document_and_on_each_name() -> None:
    from roundwise.contracts.documents import agreement_html
    from tests.contracts.conftest import CREATED

    _, html = agreement_html(international_terms(), CREATED)
    assert '<html lang="en">' in html
    assert f'lang="ka">{GEORGIAN}<' in html
    assert f'lang="el">{GREEK}<' in html


@pytest.mark.parametrize(("lang", "expected"), [("en", "CLIENT ᲜᲘᲜᲝ"), ("ka", "Client ნინო")])
def test_labels_are_capitalised_except_in_georgian_documents(lang: str, expected: str) -> None:
    # Uppercasing turns Georgian into Mtavruli capitals (ნინო -> ᲜᲘᲜᲝ), which Georgian
    # readers do not expect in running text: a Georgian document never gets it.
    import pypdf

    html = f'<html lang="{lang}"><body><p class="label caps">Client ნინო</p></body></html>'
    rendered = html_to_pdf(html)
    assert rendered.warnings == ()
    text = pypdf.PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text()
    assert expected in text


def test_only_fixed_english_labels_are_capitalised_never_user_text() -> None:
    import re

    from roundwise.contracts.documents import agreement_html
    from tests.contracts.conftest import CREATED

    _, html = agreement_html(international_terms(), CREATED)
    capitalised = set(re.findall(r'class="[^"]*\bcaps\b[^"]*"[^>]*>([^<]*)<', html))
    assert capitalised == {
        "Service agreement",
        "Freelancer",
        "Client",
        "For the freelancer",
        "For the client",
    }
