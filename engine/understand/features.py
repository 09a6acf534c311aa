"""The features the statistical reader sees in a message: words, word pairs, letter runs.

One function, ``features``, is both the analyser scikit-learn trains with
(``TfidfVectorizer(analyzer=features)`` in ``bench/train_reader.py``) and the one the
engine reads messages with at run time, so training and inference cannot tokenise
differently. The features work in every language without a language-specific list:

- ``w:<word>`` and ``b:<word> <word>``: lower-cased words (digits read as ``0``) and
  neighbouring pairs;
- ``c:<run>``: runs of 2-5 characters inside each word padded with a space (scikit-learn's
  ``char_wb``), which catch stems and endings ("refund", "вернит", "popraw");
- ``s:caps`` per shouted word (four or more letters, all capitals), ``s:!!`` per run of
  repeated ``!``/``?`` marks, ``s:?`` per question mark: the style the stage and the
  intent hang on.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_DIGIT = re.compile(r"\d")
_MARKS = re.compile(r"[!?]{2,}")
CHAR_MIN = 2
CHAR_MAX = 5
SHOUT_LETTERS = 4


def words(text: str) -> list[str]:
    """The lower-cased words of ``text`` (NFKC, digits as ``0``, apostrophes kept)."""
    norm = _DIGIT.sub("0", unicodedata.normalize("NFKC", text))
    return [w.lower().replace("’", "'") for w in _WORD.findall(norm)]


def word_features(word: str) -> list[str]:
    """The features one (lower-cased) word brings on its own: itself and its letter runs."""
    out = [f"w:{word}"]
    padded = f" {word} "
    size = len(padded)
    for n in range(CHAR_MIN, min(CHAR_MAX, size) + 1):
        out += [f"c:{padded[i : i + n]}" for i in range(size - n + 1)]
    return out


def pair_features(found: list[str]) -> list[str]:
    """The word pairs of a message's words, in order."""
    return [f"b:{a} {b}" for a, b in itertools.pairwise(found)]


def style_features(text: str) -> list[str]:
    """Shouted words, runs of ``!``/``?`` and question marks of the raw text."""
    raw = unicodedata.normalize("NFKC", text)
    out = ["s:caps" for w in _WORD.findall(raw) if len(w) >= SHOUT_LETTERS and w.isupper()]
    out += ["s:!!" for _ in _MARKS.finditer(raw)]
    out += ["s:?"] * raw.count("?")
    return out


def features(text: str) -> list[str]:
    """Every feature of ``text``, repeated as often as it occurs (see the module doc)."""
    found = words(text)
    out = [feature for word in found for feature in word_features(word)]
    return out + pair_features(found) + style_features(text)
