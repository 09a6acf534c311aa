"""The interface catalogues: current with the code, complete in English and Slovenian."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from roundwise.api.web.i18n import LANGUAGES, LOCALE_DIR, accepted, pick_language, translations

WEB = LOCALE_DIR.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id and isinstance(m.id, str)}


def test_the_template_holds_every_message_of_the_code() -> None:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = {str(m[2]) for m in extract_from_dir(str(WEB), method_map) if m[2]}
    assert found == _ids(LOCALE_DIR / "messages.pot"), "run pybabel extract (locale/README.md)"


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_message_is_translated(language: str) -> None:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    assert {m.id for m in catalog if m.id} == _ids(LOCALE_DIR / "messages.pot")
    for message in catalog:
        if not message.id:
            continue
        assert message.string, f"{language}: no translation of {message.id!r}"
        names = set(PLACEHOLDER.findall(str(message.id)))
        assert names == set(PLACEHOLDER.findall(str(message.string))), message.id


def test_the_slovenian_catalogue_says_it_is_machine_written() -> None:
    header = (LOCALE_DIR / "sl" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "MACHINE-WRITTEN" in header.split("msgid", 1)[0]
    assert translations("sl").gettext("Contracts") == "Pogodbe"


def test_the_language_is_the_choice_then_the_browser_then_the_contract() -> None:
    assert accepted("de-DE,sl;q=0.8,en;q=0.9") == ["de", "en", "sl"]
    assert pick_language(None, "de-DE,sl;q=0.8", "en") == "sl"
    assert pick_language("en", "sl", "sl") == "en"
    assert pick_language(None, "de", "sl") == "sl"
    assert pick_language(None, None, "ka") == "en"
