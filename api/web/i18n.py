"""The pages' interface text through gettext catalogues, read from the ``.po`` files.

The catalogues live in ``api/web/locale/<lang>/LC_MESSAGES/messages.po`` (the template
is ``messages.pot``, made by ``pybabel extract``; see ``api/web/locale/README.md``).
They are read with Babel's ``read_po`` once per process and compiled in memory, so a
fresh clone needs no build step and no ``.mo`` file is kept in the repository.

The language of a page: the one chosen on the page (kept in the session), else the
best of the browser's ``Accept-Language``, else the contract's language, else English.

Serbian is offered in both scripts: ``sr`` (Latin) has a catalogue, and ``sr-Cyrl`` is
that catalogue transliterated letter for letter when it is read (``engine.lint.script``,
as ``engine.replies`` does for Cyrillic replies), keeping ``%(placeholders)s``, commands
in backticks and the names of products and formats (API, PDF, GitHub…) in Latin.
"""

from __future__ import annotations

import re
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from roundwise.engine.lint.script import CYRILLIC_TAG, to_cyrillic

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# The interface languages with a complete catalogue, in the order the picker shows them
# (each named in itself).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "sl": "Slovenščina",
    "pl": "Polski",
    "sr": "Srpski (latinica)",
    CYRILLIC_TAG: "Српски (ћирилица)",
    "el": "Ελληνικά",
    "ka": "ქართული",
}
DEFAULT_LANGUAGE = "en"
# Babel's locale of each interface language (Babel's plain "sr" is Cyrillic).
BABEL_LOCALES = {"sr": "sr_Latn", CYRILLIC_TAG: "sr_Cyrl"}
# Kept in Latin in a Cyrillic text: placeholders, `commands`, and Latin names.
_KEPT_LATIN = re.compile(
    r"%\(\w+\)s|%%|`[^`]*`|rw_…|[A-Z]{2,}(?:-\d+)?|\b(?:GitHub|Trello|Jira|Linear|Roundwise"
    r"|webhook|owner/repo#123|id)\b"
)


def babel_locale(language: str) -> str:
    """The Babel locale that formats numbers and money for an interface language."""
    return BABEL_LOCALES.get(language, language)


def cyrillic(text: str) -> str:
    """Serbian Latin interface text in Cyrillic, its placeholders and names kept."""
    kept = [(m.start(), m.end()) for m in _KEPT_LATIN.finditer(text)]
    parts, at = [], 0
    for start, end in kept:
        parts.append(to_cyrillic(text[at:start]))
        parts.append(text[start:end])
        at = end
    parts.append(to_cyrillic(text[at:]))
    return "".join(parts)


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of ``language`` (English, the source text, has none)."""
    source = "sr" if language == CYRILLIC_TAG else language
    path = LOCALE_DIR / source / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT_LANGUAGE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=babel_locale(language), domain=DOMAIN)
    if language == CYRILLIC_TAG:
        for message in catalog:
            if message.id and isinstance(message.string, str):
                message.string = cyrillic(message.string)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def accepted(header: str | None) -> list[str]:
    """The languages of an ``Accept-Language`` header, most wanted first (primary tags)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary == "sr" and "-cyrl" in tag.lower():
            primary = CYRILLIC_TAG  # Serbian asked for in Cyrillic (sr-Cyrl, sr-Cyrl-RS)
        if primary and quality > 0:
            ranked.append((-quality, index, primary))
    return [tag for _, _, tag in sorted(ranked)]


def pick_language(chosen: str | None, accept_language: str | None, contract: str | None) -> str:
    """The page's language: the choice, the browser's, the contract's, or English."""
    for candidate in (chosen, *accepted(accept_language), contract):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


__all__ = [
    "LANGUAGES",
    "LOCALE_DIR",
    "accepted",
    "babel_locale",
    "cyrillic",
    "pick_language",
    "translations",
]
