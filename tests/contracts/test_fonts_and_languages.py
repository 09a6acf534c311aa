"""Greek, Georgian, Cyrillic and Polish text render with real glyphs (no tofu boxes)."""

from __future__ import annotations

import io

import pikepdf

from contracts.pdf import html_to_pdf
from engine.terms import money
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


def test_names_carry_their_own_language_and_money_follows_the_contract_locale(
    international: ReadBack,
) -> None:
    terms = international_terms()
    total = terms.total_fee()
    assert total is not None
    assert flat(money(terms, total)) == "1.070,00 €"
    assert "1.070,00 €" in international.text


def test_the_markup_sets_lang_on_the_document_and_on_each_name() -> None:
    from contracts.documents import agreement_html
    from tests.contracts.conftest import CREATED

    _, html = agreement_html(international_terms(), CREATED)
    assert '<html lang="en">' in html
    assert f'lang="ka">{GEORGIAN}<' in html
    assert f'lang="el">{GREEK}<' in html


def test_the_stylesheet_never_uppercases_georgian() -> None:
    from contracts.templating import TEMPLATES_DIR

    css = (TEMPLATES_DIR / "documents.css").read_text(encoding="utf-8")
    assert "html:lang(ka) .caps" in css
    assert css.count("text-transform: uppercase") == 1
