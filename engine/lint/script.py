"""Serbian in two scripts: Latin <-> Cyrillic, deterministically, letter for letter.

Why: Serbian is written in both alphabets, and the two map one to one (Vuk's alphabet
and Gaj's Latin alphabet were aligned for that), except that three Cyrillic letters are
Latin digraphs: љ = lj, њ = nj, џ = dž. Roundwise keeps Serbian phrase blocks and lint
patterns in Latin only; a Cyrillic reply is the Latin one transliterated
(``to_cyrillic``), and a Cyrillic draft is linted by reading it in Latin
(``to_latin_with_offsets``, which keeps every character's position in the original so
findings point at the Cyrillic words). Transliterating is standard practice for Serbian;
its one known trap is a digraph across a morpheme boundary ("nadživeti" is над-живети,
not на-џивети), so the phrase blocks avoid such words.
"""

from __future__ import annotations

import re

_SINGLE_LATIN = "abcčćdđefghijklmnoprsštuvzž"
_SINGLE_CYRILLIC = "абцчћдђефгхијклмнопрсштувзж"
_LATIN_TO_CYRILLIC: dict[str, str] = {}
for _lat, _cyr in zip(_SINGLE_LATIN, _SINGLE_CYRILLIC, strict=True):
    _LATIN_TO_CYRILLIC[_lat] = _cyr
    _LATIN_TO_CYRILLIC[_lat.upper()] = _cyr.upper()
_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ"}
for _lat, _cyr in _DIGRAPHS.items():
    _LATIN_TO_CYRILLIC[_lat] = _cyr
    _LATIN_TO_CYRILLIC[_lat.capitalize()] = _cyr.upper()
    _LATIN_TO_CYRILLIC[_lat.upper()] = _cyr.upper()
_CYRILLIC_TO_LATIN = {cyr: lat for lat, cyr in _LATIN_TO_CYRILLIC.items() if len(lat) == 1}
for _lat, _cyr in _DIGRAPHS.items():
    _CYRILLIC_TO_LATIN[_cyr] = _lat
    _CYRILLIC_TO_LATIN[_cyr.upper()] = _lat.capitalize()

# Digraphs first, then single letters; a {placeholder} is skipped whole.
_LATIN_UNIT = re.compile(r"\{[^{}]*\}|[Ll][Jj]|[Nn][Jj]|[Dd][Žž]|.", re.DOTALL)
_CYRILLIC = re.compile("[\u0400-\u04ff]")


# Language tags with a script: BCP 47 ("sr-Cyrl") and Babel/POSIX ("sr_Cyrl") spellings.
CYRILLIC_TAG = "sr-Cyrl"
_TAGS = {"sr-cyrl": ("sr", True), "sr_cyrl": ("sr", True), "sr-latn": ("sr", False)}
_TAGS["sr_latn"] = ("sr", False)


def split_tag(tag: str) -> tuple[str, bool]:
    """A reply or lint language tag as (base language, written in Cyrillic?).

    "sr-Cyrl" is Serbian in Cyrillic; "sr" and "sr-Latn" are Serbian in Latin; any other
    tag is its own base language in its usual script.
    """
    return _TAGS.get(tag.lower(), (tag, False))


def to_cyrillic(text: str) -> str:
    """Serbian Latin text in Cyrillic; ``{placeholders}`` and non-Serbian letters unchanged."""
    return "".join(
        _LATIN_TO_CYRILLIC.get(unit, unit) if not unit.startswith("{") else unit
        for unit in _LATIN_UNIT.findall(text)
    )


def has_cyrillic(text: str) -> bool:
    """Whether any Cyrillic letter occurs in ``text``."""
    return _CYRILLIC.search(text) is not None


def to_latin(text: str) -> str:
    """Serbian Cyrillic text in Latin (other characters unchanged)."""
    return "".join(_CYRILLIC_TO_LATIN.get(ch, ch) for ch in text)


def to_latin_with_offsets(text: str) -> tuple[str, list[int]]:
    """``to_latin(text)`` and, per Latin character (and one past the end), its original index.

    A span ``[a, b)`` of the Latin text is ``[offsets[a], offsets[b])`` in the original (a
    digraph's two letters both map to their one Cyrillic letter).
    """
    out: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        latin = _CYRILLIC_TO_LATIN.get(ch, ch)
        out.append(latin)
        offsets.extend([index] * len(latin))
    offsets.append(len(text))
    return "".join(out), offsets


def span_end(offsets: list[int], end: int) -> int:
    """The original end index of a Latin span ending at ``end`` (exclusive)."""
    if end <= 0:
        return offsets[0] if offsets else 0
    return offsets[end - 1] + 1
