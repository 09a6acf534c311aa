"""Reading one clause: which cues it holds and what scope they point to.

The rule, in order (every cue found is kept as evidence, the first rule that applies
decides):

1. ``out_of_scope`` — it asks for work the contract excludes (``exclusion.*`` with a
   request or edit: "our Instagram followers love it" mentions social media but asks for
   nothing) or for new work ("could you also write…", "we added a new chapter":
   ``new_work.*``).
2. ``free_fix`` — it points at the freelancer's own error: typo, a fact against the
   brief, a broken export, a missing part, a glossary term not followed. Two quoted
   spellings a letter or two apart («COFEE» … «COFFEE») are a misspelling to correct,
   in any language, and so is a capitalised word one slip away from a party's name
   ("Horvath Bakery" when the contract says Horvat Bakery).
3. ``in_scope`` — a concrete target (a part of the work, quoted words, a deliverable's
   name, a topic of the brief) together with a concrete edit, or with a request and no
   vague complaint.
4. ``vague`` — a feeling about the work with no actionable target ("make it more wow").
5. Untargeted — a request or edit without its own target ("Please fix it everywhere."),
   or one inside a threat ("if the corrected version isn't here tomorrow, I'll sue"):
   the caller joins it to the item before it, or calls it vague when there is none.
6. Context — no cue at all (greetings, praise, a statement of fact).

Where cues of two deciding kinds overlap, the longer wins: "something is missing" is a
vague feeling, not the free-fix cue "is missing" inside it; an edit cue inside a vague
one ("make it better") is not a concrete edit.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import OSA

from roundwise.engine.literal_screen import Screen
from roundwise.engine.understand.cuebook import CueBook
from roundwise.engine.understand.fold import fold
from roundwise.engine.understand.intervals import Cover, longer_overlap_in_other_group
from roundwise.engine.understand.lemmas import ContractLemmas, contract_lemmas, dictionaries_for
from roundwise.engine.understand.lemmas import find as find_lemmas
from roundwise.engine.understand.model import Cue, DeliverableInfo, ItemScope, RequestContext
from roundwise.engine.understand.negation import (
    drop_negated,
    negation_starts,
    single_quote_cues,
)

Verdict = ItemScope | Literal["untargeted", "context"]
# Cue kinds that name *what* to change: a part of the work, quoted words, a deliverable's
# title, a topic of the brief.
CONCRETE_KINDS = frozenset({"target", "quote", "deliverable", "brief"})

_QUOTE = re.compile(r'"[^"\n]+"|“[^”\n]+”|„[^“”"\n]+[“”"]|»[^«\n]+«|«[^»\n]+»|‘[^’\n]+’')
# Distinct quoted passages of one clause compared pairwise for a misspelling.
QUOTES_COMPARED = 48
_WORD = re.compile(r"[^\W\d_]{5,}")
_BRIEF_WORD = 6
# A party's name word worth checking for misspellings, and the length from which two
# slips are still a misspelling ("Papadopolou").
_NAME_WORD = re.compile(r"[^\W\d_]{5,}")
_LONG_NAME = 10
# Letters of case endings in the six languages' Latin spellings (Horvat-u, -om, -ovi).
_ENDING_LETTERS = frozenset("aeiouyvmwj")
_TITLE_STOP = frozenset(
    {"about", "three", "initial", "chosen", "concept", "refined", "delivered", "colour"}
    | {"pages", "words", "which", "their", "there", "other", "should", "please"}
)
# Deciding cue kinds, grouped by the verdict they lead to: overlaps within a group are
# agreement, overlaps across groups are resolved by length.
_GROUP = {"exclusion": "out", "new_work": "out", "uncovered": "out", "free_fix": "fix"}
_GROUP["vague"] = "vague"
# A clause of at most this many words that names uncovered work is itself the ask ("A
# Christmas e-mail template.", "Use it for the background on my cheques.").
UNCOVERED_ASK_WORDS = 8
# Lemmas of title words too general to name one deliverable ("pages" for "Home page").
_LEMMA_STOP = _TITLE_STOP | {"page", "word", "copy", "text", "description"}
_SCOPE_CUES = ("new_work", "free_fix", "vague", "change", "target", "request")
_THREAT = frozenset({"stage.threat"})
_NAME_SPELLING = "free_fix.name_spelling"


@dataclass(frozen=True, slots=True)
class ContractCues:
    """What the contract adds to the cue book: excluded concepts and deliverable names."""

    excluded: Mapping[str, str]
    # (stem, rule, explanation): deliverable titles and the brief's topics, folded
    reference_stems: tuple[tuple[str, str, str], ...]
    # (folded word, the name it belongs to): the parties' names and businesses
    names: tuple[tuple[str, str], ...] = ()
    # The contract by lemma: deliverable names and the work no deliverable covers
    lemmas: ContractLemmas | None = None


@dataclass(frozen=True, slots=True)
class ClauseReading:
    """The verdict for one clause and every cue behind it."""

    verdict: Verdict
    cues: tuple[Cue, ...]


def contract_cues(context: RequestContext, book: CueBook) -> ContractCues:
    """Map the contract's exclusion phrases to concepts, and its deliverable titles to stems."""
    exclusions, deliverables = tuple(context.exclusions), tuple(context.deliverables)
    found = _contract_cues(exclusions, deliverables, context.brief, book)
    names = _name_parts(context.names)
    return ContractCues(found.excluded, found.reference_stems, names, _lemmas(context))


def _lemmas(context: RequestContext) -> ContractLemmas:
    """The contract by lemma (cached per contract in ``contract_lemmas``)."""
    ds = context.deliverables
    covered = " ".join([context.brief, *(f"{d.title} {d.kind} {d.brief}" for d in ds)])
    languages = dictionaries_for((context.contract_language, context.client_language))
    return contract_lemmas(tuple((d.id, d.title) for d in ds), covered, languages)


@lru_cache(maxsize=64)
def _name_parts(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(folded word, name) for each word of the parties' names (the same for every request)."""
    return tuple((w, name) for name in names for w in _NAME_WORD.findall(fold(name)))


@lru_cache(maxsize=64)
def _contract_cues(
    exclusions: tuple[str, ...],
    deliverables: tuple[DeliverableInfo, ...],
    brief: str,
    book: CueBook,
) -> ContractCues:
    excluded: dict[str, str] = {}
    for phrase in exclusions:
        for concept in book.concepts.values():
            if concept.exclusion.search(fold(phrase)) and concept.id not in excluded:
                excluded[concept.id] = phrase
    stems: list[tuple[str, str, str]] = []
    for d in deliverables:
        why = f"{book.explain('deliverable')}: {d.id}"
        stems += [(w[:6], f"deliverable.{d.id}", why) for w in _words(f"{d.id} {d.title}")]
    why = book.explain("brief")
    stems += [(w[:6], "brief.topic", why) for w in _words(brief) if len(w) >= _BRIEF_WORD]
    return ContractCues(excluded, tuple(dict.fromkeys(stems)))


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(fold(text)) if w not in _TITLE_STOP]


def _exclusion_cues(
    folded: str, text: str, offset: int, book: CueBook, cc: ContractCues, screen: Screen
) -> list[Cue]:
    cues: list[Cue] = []
    if not cc.excluded:
        return cues
    excluded = _excluded_rules(tuple(cc.excluded))
    for cue in book.matches("concepts", folded, text, offset, only=excluded, screen=screen):
        concept_id = cue.rule.split(".", 1)[1]
        if concept_id in cc.excluded:
            concept = book.concepts[concept_id]
            why = f"{concept.explanation} (contract: “{cc.excluded[concept_id]}”)"
            cues.append(
                Cue(f"exclusion.{concept_id}", cue.text, cue.start, cue.end, why, cue.language)
            )
    return cues


@lru_cache(maxsize=64)
def _excluded_rules(concept_ids: tuple[str, ...]) -> frozenset[str]:
    """The ``concepts.*`` rules worth scanning for: only excluded concepts become cues."""
    return frozenset(f"concepts.{concept_id}" for concept_id in concept_ids)


def _quote_and_deliverable_cues(
    folded: str, text: str, offset: int, book: CueBook, cc: ContractCues
) -> list[Cue]:
    cues = [
        Cue("quote.text", m.group(), offset + m.start(), offset + m.end(), book.explain("quote"))
        for m in _QUOTE.finditer(text)
    ]
    if "'" in text:  # "change it to 'Y'": the replacement text is quoted (issue 16.4)
        cues += single_quote_cues(text, offset, book.explain("quote"))
    cues += _spelling_pair_cues(list(cues), book)
    for stem, rule, why in cc.reference_stems:
        if stem not in folded:  # the regex below needs the stem itself: skip its scan
            continue
        for m in _stem_regex(stem).finditer(folded):
            span = (offset + m.start(), offset + m.end())
            cues.append(Cue(rule, text[m.start() : m.end()], *span, why))
    return cues


def _lemma_cues(
    folded: str, text: str, offset: int, book: CueBook, cc: ContractCues, found: list[Cue]
) -> list[Cue]:
    """Cues found by lemma: an inflected deliverable name ("opisov izdelkov" for "Opis
    izdelka") the stems missed, and work that no deliverable covers ("laminate")."""
    cl = cc.lemmas
    if cl is None:
        return []
    starts = {c.start for c in found if c.kind == "deliverable"}
    cues = []
    for start, end, lemmas in find_lemmas(folded, text, cl):
        span, word = (offset + start, offset + end), text[start:end]
        for lemma in sorted(lemmas & cl.uncovered)[:1]:
            why = f"{book.explain('uncovered')} ({lemma})"
            cues.append(Cue(f"uncovered.{lemma}", word, *span, why))
        if span[0] in starts or word.lower() in lemmas & cl.deliverables.keys():
            continue  # found by its stem already, or not inflected: literal rules decide
        for lemma in sorted(lemmas & cl.deliverables.keys() - _LEMMA_STOP)[:1]:
            for d_id in cl.deliverables[lemma]:
                why = f"{book.explain('deliverable')}: {d_id} (as “{lemma}”)"
                cues.append(Cue(f"deliverable.{d_id}", word, *span, why))
    return cues


@lru_cache(maxsize=1024)
def _stem_regex(stem: str) -> re.Pattern[str]:
    """A word starting with ``stem`` (compiled once per stem, not looked up per clause)."""
    return re.compile(rf"\b{re.escape(stem)}\w*")


def _misspelt(a: str, b: str) -> bool:
    """Do two quoted passages differ only in one word, by one edit per five letters?

    Edits are insertions, deletions, substitutions and swaps of neighbouring letters
    ("sourdoguh"), so a typo counts once however it happened.
    """
    pairs = [(x, y) for x, y in zip(a.split(), b.split(), strict=False) if x != y]
    if len(a.split()) != len(b.split()) or len(pairs) != 1:
        return False
    x, y = pairs[0]
    shorter = min(len(x), len(y))
    return shorter >= 3 and OSA.distance(x, y) <= max(1, shorter // 5)


def _spelling_pair_cues(quotes: list[Cue], book: CueBook) -> list[Cue]:
    """A cue for two quoted spellings of one word ("kruhk" instead of "kruh").

    Only the first ``QUOTES_COMPARED`` distinct quoted passages of a clause are compared
    pairwise (a repeated passage cannot be a misspelling of itself): comparing every pair
    of a long clause of quotes took time quadratic in it.
    """
    firsts: dict[str, int] = {}
    for index, quote in enumerate(quotes):
        firsts.setdefault(fold(quote.text[1:-1]).strip(), index)
    distinct = list(firsts.items())[:QUOTES_COMPARED]
    for (a, i), (b, j) in itertools.combinations(distinct, 2):
        if _misspelt(a, b):
            first, second = quotes[i], quotes[j]
            text = f"{first.text} … {second.text}"
            why = book.explain("free_fix.spelling_pair")
            return [Cue("free_fix.spelling_pair", text, first.start, second.end, why)]
    return []


def _is_inflected(word: str, name: str) -> bool:
    """ "Horvatu", "Horvatom": the name with a case ending, not a misspelling of it."""
    return word.startswith(name) and set(word[len(name) :]) <= _ENDING_LETTERS


def _name_spelling_cues(text: str, offset: int, book: CueBook, cc: ContractCues) -> list[Cue]:
    """A capitalised word one slip away from a party's name ("Horvath" for Horvat)."""
    cues = []
    for m in _NAME_WORD.finditer(text):
        if not m.group()[0].isupper():
            continue
        word = fold(m.group())
        for part, name in cc.names:
            limit = 1 if len(part) < _LONG_NAME else 2
            near = word != part and OSA.distance(word, part) <= limit
            if near and not _is_inflected(word, part):
                why = f"{book.explain('free_fix.name_spelling')} (contract: “{name}”)"
                span = (offset + m.start(), offset + m.end())
                cues.append(Cue("free_fix.name_spelling", m.group(), *span, why))
                break
    return cues


def resolve_overlaps(cues: list[Cue]) -> list[Cue]:
    """Drop a deciding cue when a longer one pointing to another verdict overlaps it.

    Overlaps are found for all cues at once (``intervals``), in time n log n: a clause
    with thousands of cues ("typo typo typo …") took time quadratic in its length.
    """
    kinds = [c.kind for c in cues]  # once per cue: the tests below read them repeatedly
    deciding = [i for i, k in enumerate(kinds) if k in _GROUP]
    beaten = longer_overlap_in_other_group(
        [(cues[i].start, cues[i].end) for i in deciding], [_GROUP[kinds[i]] for i in deciding]
    )
    dropped = {i for i, lost in zip(deciding, beaten, strict=True) if lost}
    # "make it better": a comparative inside a vague cue is not a concrete edit.
    vague = Cover([(c.start, c.end) for c, k in zip(cues, kinds, strict=True) if k == "vague"])
    return [
        c
        for i, (c, k) in enumerate(zip(cues, kinds, strict=True))
        if i not in dropped and not (k == "change" and vague.overlaps(c.start, c.end))
    ]


def drop_quoted(cues: list[Cue]) -> list[Cue]:
    """Ignore cues inside quoted words: "pečat" cited as a wrong term is not a request."""
    quoted = [c.kind == "quote" for c in cues]  # once per cue, as in `resolve_overlaps`
    quotes = Cover([(c.start, c.end) for c, q in zip(cues, quoted, strict=True) if q])
    if not quotes.starts:  # nothing is inside a quote: every cue stays
        return list(cues)
    kept = zip(cues, quoted, strict=True)
    # A misspelt party name is the freelancer's error wherever it stands, quoted too
    # ("calls us 'Horvath Bakery'").
    return [
        c for c, q in kept if q or c.rule == _NAME_SPELLING or not quotes.contains(c.start, c.end)
    ]


def find_cues(
    text: str, offset: int, book: CueBook, cc: ContractCues, within: Screen | None = None
) -> list[Cue]:
    """Every scope cue in ``text`` (offsets shifted by ``offset``), overlaps resolved.

    ``within`` is the cue book's screen of a text containing this one (the message).
    """
    folded = fold(text)
    screen = book.screen(folded, within)
    cues = _exclusion_cues(folded, text, offset, book, cc, screen)
    cues += _quote_and_deliverable_cues(folded, text, offset, book, cc)
    cues += _lemma_cues(folded, text, offset, book, cc, cues)
    cues += _name_spelling_cues(text, offset, book, cc)
    for category in _SCOPE_CUES:
        cues += book.matches(category, folded, text, offset, screen=screen)
    cues += book.matches("stage", folded, text, offset, only=_THREAT, screen=screen)
    cues = drop_negated(drop_quoted(cues), negation_starts(text, offset))
    cues = resolve_overlaps(cues)
    cues.sort(key=lambda c: (c.start, c.end, c.rule))
    return cues


def decide(kinds: set[str], question: bool = False) -> Verdict:
    """Apply the rule in the module docstring to the kinds of cue found.

    ``question`` says the clause is a question, which makes a mention of excluded work an
    ask ("Animation for the logo, maybe?"); the same holds for work that no deliverable
    covers ("Can you laminate them?").
    """
    concrete = bool(kinds & CONCRETE_KINDS)
    asks = question or bool(kinds & {"request", "change", "new_work"})
    if "new_work" in kinds or (bool(kinds & {"exclusion", "uncovered"}) and asks):
        return "out_of_scope"
    if "free_fix" in kinds:
        return "free_fix"
    if concrete and ("change" in kinds or ("request" in kinds and "vague" not in kinds)):
        # "If I don't get a corrected version, I'll call a lawyer" repeats a demand as a
        # threat; it is read with the sentence it refers to, not as a new change.
        return "untargeted" if "stage" in kinds else "in_scope"
    if "vague" in kinds:
        return "vague"
    if kinds & {"change", "request"}:
        return "untargeted"
    return "context"


def item_scope(verdict: Verdict) -> ItemScope | None:
    """The item scope a verdict stands for, or None for untargeted requests and context."""
    if verdict == "untargeted" or verdict == "context":
        return None
    return verdict


def read_clause(
    text: str, offset: int, book: CueBook, cc: ContractCues, within: Screen | None = None
) -> ClauseReading:
    """Find the cues in one clause and decide its verdict (``within``: see ``find_cues``)."""
    cues = find_cues(text, offset, book, cc, within)
    question = "?" in text or "\u037e" in text or text.rstrip().endswith(";")
    # A short clause naming uncovered work is the ask itself ("A Christmas e-mail template.")
    if any(c.kind == "uncovered" for c in cues):
        question = question or len(text.split()) <= UNCOVERED_ASK_WORDS
    return ClauseReading(decide({c.kind for c in cues}, question), tuple(cues))
