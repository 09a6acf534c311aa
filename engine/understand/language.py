"""Which language a client message is in.

Order of evidence, cheapest and most certain first:

1. Script. Georgian and Greek letters are unambiguous; Cyrillic among our six languages
   can only be Serbian. A script holding at least half of the letters decides.
2. The ``lingua`` detector over the Latin-script candidates. Its Serbian model is
   Cyrillic, so Serbian written in Latin letters comes out as Croatian or Bosnian: the
   detector is built with those two as well and their confidence is added to Serbian's
   (Roundwise supports Serbian Latin, not Croatian or Bosnian separately).
3. Marker words from the cue files (``markers:``) break near-ties, e.g. Slovenian
   "lahko", "prosim" against Serbian "da li", "molim".
4. The prior — the client's language, then the contract's — decides short or ambiguous
   messages ("Hvala!", "OK, thanks").

Cyrillic is Serbian only when it has no letter Serbian lacks: a Cyrillic text with
я, ю, ь, ы, э, ъ, ё, й or щ and none of Serbian's own ђ, ј, љ, њ, ћ, џ is Russian
(``ru``), which Roundwise reads but does not answer in (it is not in ``LANGUAGES``, so
the assessment goes to the freelancer's review).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from roundwise.engine.literal_screen import Screen
from roundwise.engine.understand.all_languages import (
    OTHER_SURE,
    UNSURE_FROM,
    enough_words,
    needs_all_languages,
    other_language,
)
from roundwise.engine.understand.cuebook import CueBook
from roundwise.engine.understand.fold import fold
from roundwise.engine.understand.model import LANGUAGES, LanguageMethod

_GEORGIAN = ((0x10A0, 0x10FF), (0x1C90, 0x1CBF), (0x2D00, 0x2D2F))
_GREEK = ((0x0370, 0x03FF), (0x1F00, 0x1FFF))
_CYRILLIC = ((0x0400, 0x052F),)
_SCRIPTS = (("ka", _GEORGIAN), ("el", _GREEK), ("sr", _CYRILLIC))
_LATIN_CODES = ("en", "sl", "pl", "sr")
_SERBO_CROATIAN = {"SR": "sr", "HR": "sr", "BS": "sr"}
_RUSSIAN_ONLY = frozenset("яюьыэъёйщЯЮЬЫЭЪЁЙЩ")
_SERBIAN_ONLY = frozenset("ђјљњћџЂЈЉЊЋЏ")
_MACEDONIAN_OWN = frozenset("ѓќѕЃЌЅ")
# Cyrillic letters the Serbian alphabet does not have (Russian, Ukrainian, Belarusian,
# Bulgarian and other letters): only a text with one of them can be another language.
_SERBIAN_ALPHABET = frozenset("абвгдђежзијклљмнњопрстћуфхцчџш")
_NOT_SERBIAN = frozenset(
    ch
    for code in range(0x0400, 0x0530)
    if (ch := chr(code)).isalpha() and ch.lower() not in _SERBIAN_ALPHABET
)
DETECTOR_CONFIDENT = 0.6
_LATIN_END = 0x0250  # Basic Latin to Latin Extended-B
SHORT_WORDS = 4


@dataclass(frozen=True, slots=True)
class LanguageReading:
    """The decided language, how sure we are, how it was decided, and the runners-up."""

    code: str
    confidence: float
    method: LanguageMethod
    candidates: tuple[tuple[str, float], ...] = ()


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges)


# One character of each script, and of any of them (most messages have none).
_SCRIPT_CHARS = tuple((code, re.compile(f"[{_char_class(ranges)}]")) for code, ranges in _SCRIPTS)
_ANY_SCRIPT = re.compile("[" + "".join(_char_class(ranges) for _, ranges in _SCRIPTS) + "]")


def script_shares(text: str) -> dict[str, float]:
    """Share of the letters of ``text`` in each non-Latin script we know.

    Scripts are listed in the order their first letter appears. The characters of each
    script are found by a regex (a per-character loop in Python was a tenth of the time of
    reading a message); a text with none of them has no share to report.
    """
    if _ANY_SCRIPT.search(text) is None:
        return {}
    letters = sum(map(str.isalpha, text))
    if not letters:
        return {}
    found = []
    for code, chars in _SCRIPT_CHARS:
        first = next((m.start() for m in chars.finditer(text) if m.group().isalpha()), None)
        if first is not None:
            found.append((first, code, sum(map(str.isalpha, chars.findall(text)))))
    return {code: n / letters for _, code, n in sorted(found)}


# How the detector loads its models: all up front (the server, which warms up once and
# then answers many messages) or each on first use (a one-message process such as the CLI).
_LOADING = {"preload": True}


@contextmanager
def models_on_demand() -> Iterator[None]:
    """Within the block, build the detector without preloading its models.

    Preloading costs seconds before the first message; without it nothing is loaded until
    a message needs the detector, and one decided by its script (Greek, Georgian,
    Cyrillic) or without letters never does. A Latin-script message still loads the six
    languages' models on first use (lingua loads a language's n-gram models together;
    measured, about as long as preloading them), which is most of a one-message CLI
    process's time. The confidences are the same either way (``_detector``). lingua keeps
    loaded models for the whole process, so a detector built after the block (preloading
    again) reuses whatever was loaded inside it.
    """
    if not _LOADING["preload"]:
        yield
        return
    _LOADING["preload"] = False
    _detector.cache_clear()
    try:
        yield
    finally:
        _LOADING["preload"] = True
        _detector.cache_clear()


@lru_cache(maxsize=1)
def _detector() -> Any:
    """Build the lingua detector once, by default with its n-gram models loaded up front.

    Building takes about a second. Preloading gives the same confidences as lingua's
    default lazy loading, but each call is about 30 % cheaper (296 -> 213 us per bench
    message): lazily loaded models are looked up behind a lock for every n-gram. The
    models of our six languages are loaded on the first message anyway, so preloading
    costs only ~45 MB more per process (216 MB against 169 MB). A process that reads one
    message reads it inside ``models_on_demand``.
    """
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.ENGLISH, Language.SLOVENE, Language.POLISH]
    languages += [Language.SERBIAN, Language.CROATIAN, Language.BOSNIAN]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    if _LOADING["preload"]:
        builder = builder.with_preloaded_language_models()
    return builder.build()


def _code_of(language: Any) -> str:
    """Our code for a lingua language ("sr" for Serbian, Croatian and Bosnian)."""
    iso = str(language.iso_code_639_1.name)
    return _SERBO_CROATIAN.get(iso, iso.lower())


@lru_cache(maxsize=1)
def _codes() -> dict[Any, str]:
    """`_code_of` for each of the detector's languages, read once (lingua's properties are
    calls into Rust, six per message)."""
    from lingua import Language

    return {language: _code_of(language) for language in Language.all()}


def detector_confidences(text: str) -> dict[str, float]:
    """lingua's confidence per supported Latin-script language, Serbo-Croatian merged."""
    merged: dict[str, float] = dict.fromkeys(_LATIN_CODES, 0.0)
    codes = _codes()
    for value in _detector().compute_language_confidence_values(text):
        language = value.language
        code = codes[language] if language in codes else _code_of(language)
        if code in merged:
            merged[code] += float(value.value)
    return {code: round(conf, 4) for code, conf in merged.items()}


def marker_hits(text: str, book: CueBook, within: Screen | None = None) -> Counter[str]:
    """How many marker words of each language the text contains (``within``: a screen)."""
    folded = fold(text)
    screen = book.screen(folded, within)
    return Counter(cue.language for cue in book.matches("markers", folded, text, screen=screen))


def _priors(priors: tuple[str | None, ...]) -> tuple[str, ...]:
    return tuple(p for p in priors if p in LANGUAGES)


def _by_markers(hits: Counter[str]) -> str | None:
    ranked = hits.most_common(2)
    if not ranked or ranked[0][1] < 2:
        return None
    if len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]:
        return None
    return ranked[0][0]


def _russian(text: str) -> bool:
    """Cyrillic with letters only Russian has and none only Serbian has."""
    letters = set(text)
    return bool(letters & _RUSSIAN_ONLY) and not letters & _SERBIAN_ONLY


def detect_language(
    text: str, book: CueBook, priors: tuple[str | None, ...], within: Screen | None = None
) -> LanguageReading:
    """Decide the language of ``text`` among the six, with ``priors`` as the fallback.

    ``within`` is the cue book's screen of a text containing ``text`` (or of ``text``).
    """
    known = _priors(priors) or ("en",)
    shares = script_shares(text)
    for code, share in sorted(shares.items(), key=lambda kv: -kv[1]):
        if share >= 0.5:
            if code == "sr":
                return _cyrillic(text, share)
            return LanguageReading(code, round(share, 4), "script", ((code, round(share, 4)),))
    letters = sum(map(str.isalpha, text))
    if not letters:
        return LanguageReading(known[0], 0.0, "prior")
    if _other_script(text, letters):
        other = other_language(text)
        if other is not None:
            return LanguageReading(other[0], other[1], "all_languages", (other,))
    conf = detector_confidences(text)
    ranked = tuple(sorted(conf.items(), key=lambda kv: (-kv[1], kv[0])))
    reading = _decide(text, ranked, lambda: marker_hits(text, book, within), known)
    return _unsupported(text, reading, ranked) or reading


def _cyrillic(text: str, share: float) -> LanguageReading:
    """A Cyrillic message: Serbian, or the language lingua names (``ru``, ``bg``, ``uk``,
    ...).

    Letters decide before trigrams, since the neighbours share most of them: a text all
    of whose Cyrillic letters are in the Serbian alphabet is Serbian (Macedonian when it
    has one of Macedonian's own letters ѓ, ќ, ѕ); only a text with letters Serbian lacks
    (я, ы, щ, є, ...) is left to lingua, whose answer there cannot be Serbian or
    Macedonian (then: Russian, as before)."""
    letters = set(text)
    if letters & _MACEDONIAN_OWN:
        return LanguageReading("mk", round(share, 4), "script", (("mk", round(share, 4)),))
    if not letters & _NOT_SERBIAN:
        return LanguageReading("sr", round(share, 4), "script", (("sr", round(share, 4)),))
    if enough_words(text):
        other = other_language(text)
        if other is not None and other[0] not in ("sr", "mk"):
            return LanguageReading(other[0], other[1], "all_languages", (other,))
    code = "ru" if _russian(text) else "sr"
    return LanguageReading(code, round(share, 4), "script", ((code, round(share, 4)),))


def _other_script(text: str, letters: int) -> bool:
    """Most letters are in a script none of the six uses (Arabic, Han, Hebrew, ...)."""
    latin = sum(1 for ch in text if ch.isalpha() and ord(ch) < _LATIN_END)
    return latin * 2 < letters


def _unsupported(
    text: str, reading: LanguageReading, ranked: tuple[tuple[str, float], ...]
) -> LanguageReading | None:
    """The reading of all lingua's languages when it names one outside the six (checked
    only when the six-language reading could be wrong: ``all_languages``)."""
    top, top_conf = ranked[0]
    if not needs_all_languages(text, top, top_conf):
        return None
    other = other_language(text)
    if other is None or other[0] in LANGUAGES or other[1] < UNSURE_FROM:
        return None
    if other[1] < OTHER_SURE:  # kept, but flagged: the assessment goes to review
        return replace(reading, method="all_languages", candidates=(other, *ranked))
    return LanguageReading(other[0], other[1], "all_languages", (other, *ranked))


def _decide(
    text: str,
    ranked: tuple[tuple[str, float], ...],
    hits: Callable[[], Counter[str]],
    known: tuple[str, ...],
) -> LanguageReading:
    """The rule of the module docstring; marker words are counted only when they decide."""
    top, top_conf = ranked[0]
    prior_conf = dict(ranked).get(known[0], 0.0)
    short = len(text.split()) < SHORT_WORDS
    if short and prior_conf >= 0.15:
        return LanguageReading(known[0], prior_conf, "prior", ranked)
    if top_conf >= DETECTOR_CONFIDENT:
        return LanguageReading(top, top_conf, "detector", ranked)
    marked = _by_markers(hits())
    if marked is not None and marked in dict(ranked):
        return LanguageReading(marked, dict(ranked)[marked], "markers", ranked)
    if prior_conf >= 0.2:
        return LanguageReading(known[0], prior_conf, "prior", ranked)
    return LanguageReading(top, top_conf, "detector", ranked)
