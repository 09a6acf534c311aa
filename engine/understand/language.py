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
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from engine.understand.cuebook import CueBook
from engine.understand.fold import fold
from engine.understand.model import LANGUAGES, LanguageMethod

_GEORGIAN = ((0x10A0, 0x10FF), (0x1C90, 0x1CBF), (0x2D00, 0x2D2F))
_GREEK = ((0x0370, 0x03FF), (0x1F00, 0x1FFF))
_CYRILLIC = ((0x0400, 0x052F),)
_SCRIPTS = (("ka", _GEORGIAN), ("el", _GREEK), ("sr", _CYRILLIC))
_LATIN_CODES = ("en", "sl", "pl", "sr")
_SERBO_CROATIAN = {"SR": "sr", "HR": "sr", "BS": "sr"}
DETECTOR_CONFIDENT = 0.6
SHORT_WORDS = 4


@dataclass(frozen=True, slots=True)
class LanguageReading:
    """The decided language, how sure we are, how it was decided, and the runners-up."""

    code: str
    confidence: float
    method: LanguageMethod
    candidates: tuple[tuple[str, float], ...] = ()


def _script_of(ch: str) -> str | None:
    point = ord(ch)
    for code, ranges in _SCRIPTS:
        if any(lo <= point <= hi for lo, hi in ranges):
            return code
    return None


def script_shares(text: str) -> dict[str, float]:
    """Share of the letters of ``text`` in each non-Latin script we know."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return {}
    counts = Counter(code for ch in letters if (code := _script_of(ch)) is not None)
    return {code: n / len(letters) for code, n in counts.items()}


@lru_cache(maxsize=1)
def _detector() -> Any:
    """Build the lingua detector once; building it takes a noticeable fraction of a second."""
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.ENGLISH, Language.SLOVENE, Language.POLISH]
    languages += [Language.SERBIAN, Language.CROATIAN, Language.BOSNIAN]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detector_confidences(text: str) -> dict[str, float]:
    """lingua's confidence per supported Latin-script language, Serbo-Croatian merged."""
    merged: dict[str, float] = dict.fromkeys(_LATIN_CODES, 0.0)
    for value in _detector().compute_language_confidence_values(text):
        iso = value.language.iso_code_639_1.name
        code = _SERBO_CROATIAN.get(iso, iso.lower())
        if code in merged:
            merged[code] += float(value.value)
    return {code: round(conf, 4) for code, conf in merged.items()}


def marker_hits(text: str, book: CueBook) -> Counter[str]:
    """How many marker words of each language the text contains."""
    folded = fold(text)
    return Counter(cue.language for cue in book.matches("markers", folded, text))


def _priors(priors: tuple[str | None, ...]) -> tuple[str, ...]:
    return tuple(p for p in priors if p in LANGUAGES)


def _by_markers(hits: Counter[str]) -> str | None:
    ranked = hits.most_common(2)
    if not ranked or ranked[0][1] < 2:
        return None
    if len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]:
        return None
    return ranked[0][0]


def detect_language(text: str, book: CueBook, priors: tuple[str | None, ...]) -> LanguageReading:
    """Decide the language of ``text`` among the six, with ``priors`` as the fallback."""
    known = _priors(priors) or ("en",)
    shares = script_shares(text)
    for code, share in sorted(shares.items(), key=lambda kv: -kv[1]):
        if share >= 0.5:
            return LanguageReading(code, round(share, 4), "script", ((code, round(share, 4)),))
    if not any(ch.isalpha() for ch in text):
        return LanguageReading(known[0], 0.0, "prior")
    conf = detector_confidences(text)
    ranked = tuple(sorted(conf.items(), key=lambda kv: (-kv[1], kv[0])))
    return _decide(text, ranked, marker_hits(text, book), known)


def _decide(
    text: str,
    ranked: tuple[tuple[str, float], ...],
    hits: Counter[str],
    known: tuple[str, ...],
) -> LanguageReading:
    top, top_conf = ranked[0]
    prior_conf = dict(ranked).get(known[0], 0.0)
    short = len(text.split()) < SHORT_WORDS
    if short and prior_conf >= 0.15:
        return LanguageReading(known[0], prior_conf, "prior", ranked)
    if top_conf >= DETECTOR_CONFIDENT:
        return LanguageReading(top, top_conf, "detector", ranked)
    marked = _by_markers(hits)
    if marked is not None and marked in dict(ranked):
        return LanguageReading(marked, dict(ranked)[marked], "markers", ranked)
    if prior_conf >= 0.2:
        return LanguageReading(known[0], prior_conf, "prior", ranked)
    return LanguageReading(top, top_conf, "detector", ranked)


__all__ = ["LanguageReading", "detect_language", "detector_confidences", "script_shares"]
