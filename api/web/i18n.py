"""The pages' interface text through gettext catalogues, read from the ``.po`` files.

The catalogues live in ``api/web/locale/<lang>/LC_MESSAGES/messages.po`` (the template
is ``messages.pot``, made by ``pybabel extract``; see ``api/web/locale/README.md``).
They are read with Babel's ``read_po`` once per process and compiled in memory, so a
fresh clone needs no build step and no ``.mo`` file is kept in the repository.

The language of a page: the one chosen on the page (kept in the session), else the
best of the browser's ``Accept-Language``, else the contract's language, else English.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# The interface languages with a complete catalogue, in the order the picker shows them.
LANGUAGES: dict[str, str] = {"en": "English", "sl": "Slovenščina"}
DEFAULT_LANGUAGE = "en"


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of ``language`` (English, the source text, has none)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT_LANGUAGE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
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
        if primary and quality > 0:
            ranked.append((-quality, index, primary))
    return [tag for _, _, tag in sorted(ranked)]


def pick_language(chosen: str | None, accept_language: str | None, contract: str | None) -> str:
    """The page's language: the choice, the browser's, the contract's, or English."""
    for candidate in (chosen, *accepted(accept_language), contract):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


__all__ = ["LANGUAGES", "LOCALE_DIR", "accepted", "pick_language", "translations"]
