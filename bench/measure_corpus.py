"""Deterministic benchmark documents built from the multilingual seed articles.

A document is a list of sentences. Words are drawn, Zipf-like, from the seed articles'
own vocabulary of one script family, enlarged with compounds of two seed words so that a
100,000-word document has a realistic spread of rare words (Heaps' law), not the handful
a single article has. Edits are applied at a chosen share of the words: replacements,
insertions and deletions of single words, and whole sentences moved elsewhere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import regex

_WORD = regex.compile(r"[\p{L}\p{M}]{2,}")


@dataclass(frozen=True, slots=True)
class Corpus:
    """A named vocabulary, most frequent words first."""

    name: str
    words: tuple[str, ...]


def load_corpus(name: str, paths: list[Path], scripts: tuple[str, ...]) -> Corpus:
    """The words of ``paths`` written in one of ``scripts`` (regex script names), by frequency."""
    counts: dict[str, int] = {}
    letters = "".join(rf"\p{{{script}}}" for script in scripts)
    in_script = regex.compile(rf"^[{letters}]+$")
    for path in paths:
        for word in _WORD.findall(path.read_text(encoding="utf-8")):
            if in_script.match(word):
                lowered = word.lower()
                counts[lowered] = counts.get(lowered, 0) + 1
    ranked = sorted(counts, key=lambda w: (-counts[w], w))
    return Corpus(name, tuple(ranked))


def _vocabulary(corpus: Corpus, size: int, rng: random.Random) -> list[str]:
    """Seed words first, then compounds of two seed words, up to ``size`` words."""
    words = list(corpus.words)
    seen = set(words)
    while len(words) < size:
        left, right = rng.choice(corpus.words), rng.choice(corpus.words)
        compound = left[: max(2, len(left) // 2)] + right[len(right) // 2 :]
        if compound not in seen:
            seen.add(compound)
            words.append(compound)
    return words


def _draw(vocabulary: list[str], rng: random.Random) -> str:
    """A Zipf-like draw: rank r is picked with probability about 1/r."""
    rank = int(len(vocabulary) ** rng.random()) - 1
    return vocabulary[min(rank, len(vocabulary) - 1)]


def build_document(corpus: Corpus, words: int, seed: int) -> list[list[str]]:
    """Sentences of 6-24 words totalling ``words`` words."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(corpus, max(len(corpus.words), int(3.0 * words**0.75)), rng)
    sentences: list[list[str]] = []
    total = 0
    while total < words:
        length = min(rng.randint(6, 24), words - total)
        sentence = [_draw(vocabulary, rng) for _ in range(length)]
        sentence[0] = sentence[0].capitalize()
        sentence[-1] += "."
        if length > 8:
            sentence[length // 2] += ","
        sentences.append(sentence)
        total += length
    return sentences


def edit_document(
    corpus: Corpus, sentences: list[list[str]], share: float, seed: int
) -> list[list[str]]:
    """A copy with about ``share`` of its words edited (10% of that as moved sentences)."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(corpus, len(corpus.words) * 2, rng)
    edited = [list(sentence) for sentence in sentences]
    budget = int(share * sum(len(s) for s in sentences))
    moved = 0
    while moved < budget // 10 and len(edited) > 2:
        sentence = edited.pop(rng.randrange(len(edited)))
        edited.insert(rng.randrange(len(edited) + 1), sentence)
        moved += len(sentence)
    for _ in range(budget - moved):
        _edit_word(edited[rng.randrange(len(edited))], vocabulary, rng)
    return edited


def _edit_word(sentence: list[str], vocabulary: list[str], rng: random.Random) -> None:
    position = rng.randrange(len(sentence))
    roll = rng.random()
    if roll < 0.5:
        sentence[position] = _draw(vocabulary, rng)
    elif roll < 0.75 or len(sentence) < 3:
        sentence.insert(position, _draw(vocabulary, rng))
    else:
        del sentence[position]


def render(sentences: list[list[str]]) -> str:
    """Paragraphs of five sentences."""
    lines = [
        " ".join(" ".join(s) for s in sentences[k : k + 5]) for k in range(0, len(sentences), 5)
    ]
    return "\n\n".join(lines) + "\n"


__all__ = ["Corpus", "build_document", "edit_document", "load_corpus", "render"]
