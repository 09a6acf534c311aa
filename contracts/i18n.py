"""The documents' words in the contract's language: labels, clause texts, plurals, numbers.

Each language's text is data (``contracts/i18n/<lang>.yaml``); this module reads it and
formats every number, amount, percentage and date of a document from ONE Babel locale:
the document's language (and, for Serbian, script) with the contract's territory -- the
same locale a reply in that language uses (`engine.replies.placeholders.date_locale`).
Serbian Cyrillic (``sr-Cyrl``) is the Latin text transliterated letter for letter, as the
replies do (`engine.lint.script.to_cyrillic`); user text (titles, names) is kept as written.
Clause titles of the revision clauses come from the reply phrase books, so a reply and the
agreement name clause 6.2 alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal, format_percent

from roundwise.engine.lint.script import split_tag, to_cyrillic
from roundwise.engine.replies.phrasebook import phrasebook
from roundwise.engine.replies.placeholders import date_locale
from roundwise.engine.terms import ContractTerms

I18N_DIR = Path(__file__).resolve().parent / "i18n"
DOCUMENT_LANGUAGES = ("en", "sl", "pl", "sr", "sr-Cyrl", "el", "ka")
DASH = "—"
# Latin tokens of our own texts that stay Latin in Serbian Cyrillic (as ids and names do).
_KEEP_LATIN = re.compile(r"(SHA-256)")


class UnsupportedLanguageError(ValueError):
    """A document was asked for in a language without document texts."""


@lru_cache(maxsize=8)
def _data(base: str) -> Mapping[str, Any]:
    path = I18N_DIR / f"{base}.yaml"
    if not path.is_file():
        raise UnsupportedLanguageError(f"no document texts for language {base!r}")
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def document_tag(terms: ContractTerms, language: str | None = None) -> str:
    """The document language tag: ``language``, else the contract's (with its script)."""
    if language is not None:
        base, cyrillic = split_tag(language)
    else:
        base, cyrillic = terms.language, terms.script == "Cyrl"
    if base not in {split_tag(t)[0] for t in DOCUMENT_LANGUAGES}:
        base, cyrillic = "en", False
    return "sr-Cyrl" if base == "sr" and cyrillic else base


@dataclass(frozen=True, slots=True)
class DocText:
    """One document language: its words and its one locale for every number and date."""

    tag: str
    base: str
    cyrillic: bool
    locale: str
    currency: str

    @property
    def data(self) -> Mapping[str, Any]:
        """The language's YAML data."""
        return _data(self.base)

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag for ``lang`` attributes ("sr-Cyrl", "ka")."""
        return self.tag

    def script(self, text: str) -> str:
        """Our own text in the document's script (Serbian Latin -> Cyrillic when asked)."""
        if not self.cyrillic:
            return text
        return "".join(
            part if _KEEP_LATIN.fullmatch(part) else to_cyrillic(part)
            for part in _KEEP_LATIN.split(text)
        )

    def raw(self, path: str) -> Any:
        """The node at a dotted ``path`` ("labels.total") of the language data."""
        node: Any = self.data
        for part in path.split("."):
            node = node[part]
        return node

    def t(self, path: str, **facts: object) -> str:
        """A text by its path, placeholders filled (facts are user text: not transliterated)."""
        return self.fill(self.raw(path), facts)

    def fill(self, template: str, facts: Mapping[str, object]) -> str:
        """Transliterate our template, then put the facts in."""
        return self.script(str(template)).format_map({k: str(v) for k, v in facts.items()})

    def plural(self, path: str, count: int | Decimal, **facts: object) -> str:
        """The CLDR plural form of ``path`` for ``count`` ("{n}" is the count, formatted)."""
        forms = self.raw(path)
        category = _plural_category(self.locale, count)
        template = forms.get(category, forms["other"])
        return self.fill(template, {"n": self.number(count), **facts})

    def number(self, value: Decimal | int) -> str:
        """A number with the locale's grouping and decimal sign."""
        return format_decimal(value, locale=self.locale)

    def money(self, value: Decimal | None, currency: str | None = None) -> str:
        """An amount in the contract's (or the given) currency, or a dash when unpriced."""
        if value is None:
            return DASH
        return format_currency(value, currency or self.currency, locale=self.locale)

    def percent(self, share: Decimal) -> str:
        """A share as the locale writes a percentage, decimals kept ("10.5%", "30 %")."""
        return format_percent(share, locale=self.locale, decimal_quantization=False)

    def date(self, day: date | None) -> str:
        """THE date style of every document: the locale's medium date ("13 Mar 2026")."""
        return format_date(day, format="medium", locale=self.locale) if day else DASH

    def moment(self, moment: datetime, zone: Any) -> str:
        """A moment in the contract's zone: the same medium date, then the time."""
        local = moment.astimezone(zone)
        clock = format_time(local.time(), format="short", locale=self.locale)
        return f"{self.date(local.date())}, {clock}"

    def country(self, code: str) -> str:
        """A country's name in the document's language."""
        name = Locale.parse(self.locale).territories.get(code, code)
        return self.script(str(name))

    def clause_title(self, key: str) -> str:
        """A clause's title: the reply phrase book's for revision clauses, else ours."""
        titles: Mapping[str, str] = phrasebook(self.base).get("clause_titles", {})
        return self.script(titles.get(key) or self.raw("clause_titles")[key])


def _plural_category(locale: str, count: int | Decimal) -> str:
    return str(Locale.parse(locale).plural_form(count))


def doc_text(terms: ContractTerms, language: str | None = None) -> DocText:
    """The document language for these terms (``language`` overrides the contract's)."""
    tag = document_tag(terms, language)
    base, cyrillic = split_tag(tag)
    return DocText(
        tag=tag,
        base=base,
        cyrillic=cyrillic,
        locale=date_locale(terms, tag),
        currency=terms.currency,
    )


__all__ = [
    "DASH",
    "DOCUMENT_LANGUAGES",
    "DocText",
    "UnsupportedLanguageError",
    "doc_text",
    "document_tag",
]
