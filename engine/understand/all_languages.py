"""Every language lingua knows: telling a message in another language from the six.

The six-language detector (``language.py``) must pick one of the six, so a Czech or
Slovak message comes out as Serbian with 0.99 confidence, a Turkish one as Polish, a
Spanish one as English: a wrong supported language, which the issue forbids. This module
asks lingua's detector of all its languages (75) whether the message is in a language
Roundwise does not answer in, and with which ISO 639-1 code, so the assessment goes to
review saying so.

Cost (measured, ``docs/understanding.md``): the all-language detector in lingua's low
accuracy mode (trigrams only) takes about 1.3 ms per message and up to about 80 MB once
all its models are loaded; in high accuracy mode 11 ms and 1.25 GB, far over the
issue's 2 ms and 50 MB. So it runs in low accuracy mode, loads a language's models only
when a message needs them (never preloaded), and is asked only when the six-language
reading could be wrong:

- a Latin-script message that the six-language detector does not read as English with
  at least ``ENGLISH_SURE`` confidence (English is most messages, and no language lingua
  knows is confused with English at that confidence in our measurements);
- a Cyrillic message (Russian, Bulgarian, Ukrainian, Macedonian ... share the script
  with Serbian);
- a message in a script none of the six uses (Arabic, Han, Hebrew, Devanagari ...).

Its answer overrides the six-language reading of a Latin-script message only when it
names a language outside the six (Croatian and Bosnian count as Serbian) with at least
``OTHER_SURE`` confidence, for a message of at least ``MIN_WORDS`` words: the trigram
model is unreliable on a few words (where the prior decides as before), and on the
train and dev splits and the team's written batches every wrong answer it gave for a
supported message (English read as Norwegian, Dutch, Latin or Tagalog, Slovenian as
Esperanto) had a confidence below 0.95, every right one for another language above.
Between ``UNSURE_FROM`` and ``OTHER_SURE`` the six-language reading is kept but marked
unsure, and the message goes to review: an Indonesian sentence lingua reads as Malay
(0.93) would otherwise be answered as Serbian.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

ENGLISH_SURE = 0.9
MIN_WORDS = 4
OTHER_SURE = 0.95
# From here to ``OTHER_SURE`` the other language is not taken, but the reading is marked
# unsure (method ``all_languages`` with a supported code): the assessment goes to review.
# Below it lingua's trigram answers were noise on train and the written batches (English
# as Norwegian 0.34 and 0.44, Dutch 0.31; Serbian as Nynorsk 0.44).
UNSURE_FROM = 0.9
# Our code for lingua's ISO 639-1 name where it differs from the lower-cased name.
_MERGED = {"HR": "sr", "BS": "sr"}


@lru_cache(maxsize=1)
def _all_detector() -> Any:
    """lingua's detector of every language it knows, low accuracy, loaded on demand."""
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def code_of(language: Any) -> str:
    """The ISO 639-1 code we report for a lingua language (``sr`` for hr and bs)."""
    iso = str(language.iso_code_639_1.name)
    return _MERGED.get(iso, iso.lower())


def other_language(text: str) -> tuple[str, float] | None:
    """The language of ``text`` among all lingua knows, with its confidence, or None when
    lingua cannot tell (no letters of any language it knows)."""
    values = _all_detector().compute_language_confidence_values(text)
    if not values:
        return None
    best = values[0]
    return code_of(best.language), round(float(best.value), 4)


def enough_words(text: str) -> bool:
    """At least ``MIN_WORDS`` words of two letters or more (digits and signs are no
    evidence of a language)."""
    return sum(1 for w in text.split() if sum(map(str.isalpha, w)) >= 2) >= MIN_WORDS


def needs_all_languages(text: str, six_top: str, six_conf: float) -> bool:
    """Whether a Latin-script reading by the six-language detector must be checked."""
    if not enough_words(text):
        return False
    return not (six_top == "en" and six_conf >= ENGLISH_SURE)
