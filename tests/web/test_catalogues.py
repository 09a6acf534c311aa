"""The interface catalogues: current with the code, complete in every language the picker
offers (Serbian Cyrillic: the Latin catalogue transliterated), placeholders matching."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from roundwise.api.web.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    accepted,
    cyrillic,
    pick_language,
    translations,
)
from roundwise.engine.lint.script import CYRILLIC_TAG, has_cyrillic

WEB = LOCALE_DIR.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CATALOGUES = sorted(set(LANGUAGES) - {CYRILLIC_TAG})  # sr-Cyrl is made from sr
MACHINE_WRITTEN = sorted(set(CATALOGUES) - {"en"})
# One message in each: the catalogue is the language's, not another's copied.
CONTRACTS = {
    "sl": "Pogodbe",
    "pl": "Umowy",
    "sr": "Ugovori",
    CYRILLIC_TAG: "Уговори",
    "el": "Συμβάσεις",
    "ka": "ხელშეკრულებები",
}


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id and isinstance(m.id, str)}


def test_the_template_holds_every_message_of_the_code() -> None:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = {str(m[2]) for m in extract_from_dir(str(WEB), method_map) if m[2]}
    assert found == _ids(LOCALE_DIR / "messages.pot"), "run pybabel extract (locale/README.md)"


def test_the_picker_offers_every_catalogue() -> None:
    on_disk = {p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")}
    assert on_disk == set(CATALOGUES)
    assert {"en", "sl", "pl", "sr", CYRILLIC_TAG, "el", "ka"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", CATALOGUES)
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


@pytest.mark.parametrize("language", MACHINE_WRITTEN)
def test_a_machine_written_catalogue_says_so(language: str) -> None:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    header = path.read_text(encoding="utf-8").split("msgid", 1)[0]
    assert "MACHINE-WRITTEN" in header
    assert "not yet reviewed by a native speaker" in header


@pytest.mark.parametrize("language", sorted(CONTRACTS))
def test_the_pages_read_each_catalogue(language: str) -> None:
    assert translations(language).gettext("Contracts") == CONTRACTS[language]


def test_serbian_cyrillic_is_the_latin_catalogue_transliterated() -> None:
    latin, cyrl = translations("sr"), translations(CYRILLIC_TAG)
    for message_id in _ids(LOCALE_DIR / "messages.pot"):
        text = cyrl.gettext(message_id)
        assert text == cyrillic(latin.gettext(message_id))
        assert has_cyrillic(text), message_id
        placeholders = PLACEHOLDER.findall(message_id)
        assert sorted(PLACEHOLDER.findall(text)) == sorted(placeholders), message_id
    command = "`roundwise account login-link NAME`"
    assert command in cyrl.gettext(
        "No key at hand? Run `roundwise account login-link NAME` on the server: it prints a "
        "link that signs you in once."
    )
    assert cyrillic("Taj API ključ, %(n)s%% GitHub džep") == "Тај API кључ, %(n)s%% GitHub џеп"


def test_the_language_is_the_choice_then_the_browser_then_the_contract() -> None:
    assert accepted("de-DE,sl;q=0.8,en;q=0.9") == ["de", "en", "sl"]
    assert pick_language(None, "de-DE,sl;q=0.8", "en") == "sl"
    assert pick_language("en", "sl", "sl") == "en"
    assert pick_language(None, "de", "sl") == "sl"
    assert pick_language(None, None, "de") == "en"
    assert pick_language(None, None, "ka") == "ka"
    assert accepted("sr-Cyrl-RS,sr;q=0.5") == [CYRILLIC_TAG, "sr"]
    assert pick_language(None, "sr-Latn", None) == "sr"
