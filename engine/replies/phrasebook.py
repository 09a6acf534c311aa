"""Phrase blocks: the reviewed sentences replies are assembled from, one file per language.

Rule: the words a client reads live in ``phrases/<language>.yaml``, never in code. A text
node is chosen by the reply's stage, then its tone, then its form of address (``V``
formal, ``T`` informal: the T–V distinction of Vi/ti, Pan/ty, εσείς/εσύ, თქვენ/შენ),
then ``any``; plural nodes follow Babel's plural rules for the language. A block is kept
only when the facts it ``requires`` are present and none it is written ``unless`` are.

Serbian is written in Latin and Cyrillic: its blocks are kept in Latin, and the
``sr-Cyrl`` book is the Latin one transliterated letter for letter (placeholders kept).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml
from babel import Locale

from roundwise.engine.errors import UnsupportedReplyLanguageError as UnsupportedReplyLanguageError
from roundwise.engine.lint.script import CYRILLIC_TAG, split_tag, to_cyrillic


@dataclass(frozen=True, slots=True)
class Choice:
    """How a text node is chosen: stage, tone and address of the reply, and its language.

    ``address`` is ``V`` (formal, the default) or ``T`` (informal); ``language`` is the
    base language whose plural rules apply ("sr" for both Serbian scripts).
    """

    stage: str
    tone: str
    language: str
    address: str = "V"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A filled phrase block and the techniques it applies."""

    text: str
    techniques: tuple[str, ...]


@cache
def phrase_files() -> tuple[str, ...]:
    """Languages with a shipped phrase file (listed once: the package's files are fixed)."""
    folder = resources.files("roundwise.engine.replies").joinpath("phrases")
    names = (entry.name for entry in folder.iterdir())
    return tuple(sorted(n.removesuffix(".yaml") for n in names if n.endswith(".yaml")))


@cache
def reply_languages() -> tuple[str, ...]:
    """Language tags a reply can be written in: each phrase file, and Serbian Cyrillic."""
    files = phrase_files()
    return files + ((CYRILLIC_TAG,) if "sr" in files else ())


def reply_tag(language: str) -> str:
    """The canonical tag of a reply language ("sr_Cyrl" -> "sr-Cyrl", "sr-Latn" -> "sr")."""
    base, cyrillic = split_tag(language)
    return CYRILLIC_TAG if cyrillic else base


@cache
def phrasebook(language: str) -> Mapping[str, Any]:
    """The phrase data of one language tag (read once; ``sr-Cyrl`` transliterated)."""
    base, cyrillic = split_tag(language)
    if base not in phrase_files():
        raise UnsupportedReplyLanguageError(f"no reply phrases for language {language!r}")
    path = resources.files("roundwise.engine.replies").joinpath("phrases", f"{base}.yaml")
    data: Mapping[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return _transliterated(data) if cyrillic else data


# Keys whose values name facts, techniques or the language, and the markers (regexes in
# Latin, matched on a reply read in Latin): never transliterated.
_DATA_KEYS = frozenset({"language", "requires", "unless", "techniques", "plural", "markers"})


def _transliterated(node: Any) -> Any:
    """A phrase tree with every text in Cyrillic (keys and ``_DATA_KEYS`` values kept)."""
    if isinstance(node, dict):
        return {k: v if k in _DATA_KEYS else _transliterated(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_transliterated(v) for v in node]
    return to_cyrillic(node) if isinstance(node, str) else node


def _plural(node: Mapping[str, Any], facts: Mapping[str, str], language: str) -> Any:
    count = int(facts[str(node["plural"])])
    form = _plural_form(language)(count)
    return node.get(form, node["other"])


@cache
def _plural_form(language: str) -> Callable[[int], str]:
    """Babel's plural rule of a language, parsed once (a pure function of the count)."""
    rule: Callable[[int], str] = Locale.parse(language).plural_form
    return rule


def pick(node: Any, choice: Choice, facts: Mapping[str, str]) -> str:
    """The template a node holds for this stage and tone (unfilled)."""
    while isinstance(node, (dict, Mapping)):  # dict first: a plain dict skips the ABC check
        if "plural" in node:
            node = _plural(node, facts, choice.language)
            continue
        for key in (choice.stage, choice.tone, choice.address, "any"):
            if key in node:
                node = node[key]
                break
        else:
            raise KeyError(f"no text for stage {choice.stage!r} / tone {choice.tone!r}")
    return _squeezed(str(node))


@lru_cache(maxsize=4096)
def _squeezed(template: str) -> str:
    """A template on one line (YAML folds keep line breaks); the templates are few and fixed."""
    return " ".join(template.split())


def fill(template: str, facts: Mapping[str, str]) -> str:
    """The template with its {placeholders} replaced; an unknown placeholder is a bug."""
    return template.format_map(facts)


def render(node: Any, choice: Choice, facts: Mapping[str, str]) -> str:
    """Pick and fill a text node."""
    return fill(pick(node, choice, facts), facts)


def applies(block: Mapping[str, Any], facts: Mapping[str, str]) -> bool:
    """Whether a block's required facts are present and its ``unless`` facts absent."""
    required = block.get("requires", ())
    excluded = block.get("unless", ())
    present = facts.__contains__
    return all(map(present, required)) and not any(map(present, excluded))


def sentences(
    blocks: Sequence[Mapping[str, Any]], choice: Choice, facts: Mapping[str, str]
) -> list[Sentence]:
    """The blocks that apply, filled, with their techniques."""
    return [
        Sentence(render(b["text"], choice, facts), tuple(b.get("techniques", ())))
        for b in blocks
        if applies(b, facts)
    ]
