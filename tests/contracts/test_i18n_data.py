"""The document texts per language (contracts/i18n/*.yaml) are complete and consistent.

No PDF is rendered: these checks read the data, so a missing label or a misspelt
placeholder fails here, by key, instead of as a KeyError in some render later.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from babel import Locale

from roundwise.contracts.i18n import I18N_DIR

LANGUAGES = ("en", "sl", "pl", "sr", "el", "ka")
CATEGORIES = {"zero", "one", "two", "few", "many", "other"}


def load(lang: str) -> dict[str, Any]:
    data = yaml.safe_load((I18N_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def is_plural(node: object) -> bool:
    return isinstance(node, dict) and set(node) <= CATEGORIES


def leaves(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, text or plural node) for every text of the data."""
    if isinstance(node, dict) and not is_plural(node):
        for key, value in node.items():
            yield from leaves(value, f"{path}.{key}" if path else str(key))
    else:
        yield path, node


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


ENGLISH = dict(leaves(load("en")))


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_language_has_exactly_the_english_keys(lang: str) -> None:
    assert set(dict(leaves(load(lang)))) == set(ENGLISH)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_english_and_plurals_use_the_languages_categories(lang: str) -> None:
    allowed = set(Locale.parse(lang).plural_form.tags) | {"other"}
    for path, node in leaves(load(lang)):
        if path in {"language", "machine_written"}:
            continue
        english = ENGLISH[path]
        texts = list(node.values()) if is_plural(node) else [node]
        expected = fields(next(iter(english.values())) if is_plural(english) else english)
        if is_plural(node):
            assert "other" in node, path
            assert set(node) <= allowed, (path, set(node) - allowed)
        for text in texts:
            assert isinstance(text, str), path
            assert fields(text) == expected, (path, text)
            assert "(s)" not in text, path


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_non_english_texts_say_they_are_machine_written_and_unreviewed(lang: str) -> None:
    raw = (I18N_DIR / f"{lang}.yaml").read_text(encoding="utf-8")
    assert load(lang)["machine_written"] is True
    assert "MACHINE-WRITTEN" in raw
    assert re.search(r"NOT reviewed", raw)
