"""Unicode-aware word tokens: what a "word" is when Roundwise counts changed words.

The rule, in plain words:

* A **word** is a run of letters, digits and combining marks (any script: Latin with
  Polish/Serbian/Slovenian diacritics, Greek, Cyrillic, Georgian, Armenian, Arabic, …).
  Apostrophes and hyphens *inside* a word keep it whole (``don't``, ``e-mail``), and so
  do ``. , : /`` between two digits (``1,000``, ``13.11.2019``, ``12:30``).
* Scripts written without spaces — Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar —
  give **one token per character** (with its combining marks).
* **Punctuation** (any character that is neither whitespace nor a letter, digit or mark)
  clings to the word it touches: ``«Zdravo»,`` is one token, just as a person counts it as
  one word. A punctuation run standing alone between spaces (``—``, ``•``, ``...``) is a
  token of its own. So by default a punctuation change is a change of the word it touches
  (``rok`` → ``rok,`` replaces one word), and ``words_old`` is the count a person gets.
* **Whitespace** only separates tokens; it is never a token. Changing spaces, tabs or line
  breaks therefore never counts (joining or splitting words does).

Options change only the comparison *key*, never the token text or its span:
``ignore_case`` compares case-folded keys; ``ignore_punctuation`` compares the word core
without the punctuation clinging to it and drops punctuation-only tokens altogether (they
are then neither counted nor compared).

``tokenize`` returns rich tokens with their character spans (for redlines); ``token_keys``
is the fast path ``measure`` uses and yields the same tokens (a tested invariant): it
splits on whitespace in C and runs the regular expression only on the few chunks that
are not plain letters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from roundwise.engine.measure.model import MeasureOptions

_PER_CHAR = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\u30FC"
_WORD_CHAR = rf"[[\p{{L}}\p{{N}}\p{{M}}]--[{_PER_CHAR}]]"
_JOINER = r"(?:['’ʼ\-‐‑]|(?<=\p{N})[.,:/](?=\p{N}))"
# Whitespace as str.split() knows it (regex's \s lacks the separators U+001C..U+001F).
_PUNCT = r"[^\s\x1c-\x1f\p{L}\p{N}\p{M}]"
_CORE = rf"(?:{_WORD_CHAR}+(?:{_JOINER}{_WORD_CHAR}+)*|[{_PER_CHAR}]\p{{M}}*)"
_TOKEN_RE = regex.compile(rf"{_PUNCT}*(?P<core>{_CORE}){_PUNCT}*|{_PUNCT}+", regex.V1)
# A cheap superset of _PER_CHAR (code-point blocks; a test checks it covers every one),
# searched with the standard library's faster engine: a hit only selects the slow path.
_MAYBE_PER_CHAR = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\u2e80-\u9fff\ua9e0-\ua9ff"
    "\uaa60-\uaa7f\uf900-\ufaff\uff66-\uff9f\U000116d0-\U0003347f]"
)
# Punctuation that commonly clings to words; stripping it from a chunk and finding only
# letters and digits left proves the chunk is one token (every character here is _PUNCT).
_EDGE_PUNCT = ".,;:!?\"'()[]{}<>«»‹›„“”‘’‚—–-…/*&%$#@+=|\\~^_`§•·¡¿"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its text as written, its span in the source, and its comparison key."""

    text: str
    start: int
    end: int
    key: str


def _key(text: str, core: str | None, options: MeasureOptions) -> str | None:
    """The comparison key of a token, or None when the options drop it."""
    if options.ignore_punctuation:
        if core is None:
            return None
        text = core
    return text.casefold() if options.ignore_case else text


def tokenize(text: str, options: MeasureOptions | None = None) -> tuple[Token, ...]:
    """Split ``text`` into the tokens that are compared, with their character spans."""
    opts = options or MeasureOptions()
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        key = _key(match.group(), match.group("core"), opts)
        if key is not None:
            tokens.append(Token(match.group(), match.start(), match.end(), key))
    return tuple(tokens)


def token_keys(text: str, options: MeasureOptions) -> tuple[list[str], list[str]]:
    """The same tokens as ``tokenize`` as two lists, (texts, keys), built fast.

    Most whitespace-separated chunks of prose are one token: letters and digits, perhaps
    wrapped in common punctuation (``word,``). Those are recognised with C-level string
    methods in list comprehensions; only the odd rest (``1,000``, ``don't``, ``—``) and
    texts with per-character scripts go through the regex.
    """
    if _MAYBE_PER_CHAR.search(text) is not None:
        return _regex_keys(text, options)
    texts = text.split()
    cores = [chunk if chunk.isalnum() else chunk.strip(_EDGE_PUNCT) for chunk in texts]
    odd: list[int] = []
    if "" in cores or not "".join(cores).isalnum():  # one C call settles the usual case
        odd = [index for index, core in enumerate(cores) if not core.isalnum()]
    keys = cores if options.ignore_punctuation else texts
    if odd:
        texts, keys = _splice_odd(texts, keys, odd, options)
    if options.ignore_case:
        keys = [key.casefold() for key in keys]
    return texts, keys


def _splice_odd(
    texts: list[str], keys: list[str], odd: list[int], options: MeasureOptions
) -> tuple[list[str], list[str]]:
    """Replace each odd chunk by its regex tokens (keys not yet case-folded)."""
    plain = MeasureOptions(ignore_punctuation=options.ignore_punctuation)
    new_texts: list[str] = []
    new_keys: list[str] = []
    previous = 0
    for index in odd:
        new_texts += texts[previous:index]
        new_keys += keys[previous:index]
        _append_regex_keys(texts[index], plain, new_texts, new_keys)
        previous = index + 1
    new_texts += texts[previous:]
    new_keys += keys[previous:]
    return new_texts, new_keys


def _regex_keys(text: str, options: MeasureOptions) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    keys: list[str] = []
    _append_regex_keys(text, options, texts, keys)
    return texts, keys


def _append_regex_keys(
    text: str, options: MeasureOptions, texts: list[str], keys: list[str]
) -> None:
    for match in _TOKEN_RE.finditer(text):
        key = _key(match.group(), match.group("core"), options)
        if key is not None:
            texts.append(match.group())
            keys.append(key)
