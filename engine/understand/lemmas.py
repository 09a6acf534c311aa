"""Reading a request against the contract by lemma, not by literal word (issue 16, part 4).

"opisov izdelkov" names the deliverable "Opis izdelka", and "can you laminate them?" asks
for work that no deliverable covers: both are invisible to literal matching. Words are
reduced to their dictionary form with ``simplemma`` (its shipped dictionaries cover the
six languages: ``en``, ``sl``, ``pl``, ``el``, ``ka`` and Serbian/Croatian/Bosnian as
``hbs``), in the contract's and the client's languages and English.

Cost. The contract's side (every lemma of its deliverables, briefs and of ``WORK``, the
kinds of work product a client may ask for besides the deliverables) is worked out once
per contract (``contract_lemmas``, cached). A message's words are only lemmatised when
their first three folded letters start one of those lemmas (a set lookup per word;
inflection in these languages rarely changes a word's first letters), and each word's
lemmas are cached, so a request costs a regex scan and a few set lookups.

Loading. simplemma reads a language's dictionary from its own package the first time
that language is asked for (pure data, no network), and keeps it for the process;
``preload`` does it up front, which a server calls while warming up. Sizes measured with
simplemma 2.0: en 25 MB / 0.1 s, sl 14 MB / 0.1 s, hbs 57 MB / 0.4 s, el 29 MB / 0.2 s,
ka 59 MB / 0.3 s, pl 408 MB / 2.9 s, so a language is loaded only when a contract needs it.
Polish is left out: 408 MB and 3 s in every worker that meets one Polish contract is too
much for what it buys (the test split's scope accuracy did not move); Polish titles are
matched by the cue book's stems as before.

Where the dictionaries come from: simplemma's own packaged files unless a caller hands
another source of the same data (``using_dictionaries``): the CLI, which reads one
message per process, keeps each dictionary in a file it can search without loading it
(``api/cli/dictionaries.py``), so a contract costs a few lookups instead of decoding
a whole dictionary. The lemmas are the same either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from roundwise.engine.understand.fold import fold

if TYPE_CHECKING:
    from simplemma.strategies.dictionaries import DictionaryFactory

    # (ids and titles, covered text, dictionaries, work them out) -> the contract's lemmas
    ContractStore = Callable[
        [tuple[tuple[str, str], ...], str, tuple[str, ...], Callable[[], "ContractLemmas"]],
        "ContractLemmas",
    ]

# Roundwise's language codes and the simplemma dictionary that serves each.
DICTIONARIES = {"en": "en", "sl": "sl", "sr": "hbs", "hr": "hbs", "bs": "hbs"}  # no "pl"
DICTIONARIES |= {"el": "el", "ka": "ka"}
# Letters of a word a message's word must share with a lemma to be worth lemmatising.
PREFIX = 3
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# Kinds of work product or service a client may ask for on top of the deliverables, as
# written in each language (each is lemmatised like the message, so a form simplemma
# reduces differently still matches). Only things that are clearly a separate product:
# "text" or "page" would name almost any deliverable, and "invoice", "email", "app",
# "calendar", "presentation", "invitation" or Polish "kartka" (sheet, card) were read on
# the dev and train splits as the freelancer's invoice, "please email me" or a software
# contract's own parts. Space-separated entries.
WORK: dict[str, str] = {
    "en": (
        "laminate lamination cheque template newsletter banner billboard mug t-shirt"
        " merchandise signage postcard podcast slideshow letterhead wallpaper embroidery"
        " engraving tattoo voucher greeting-card e-card"
    ),
    "sl": (
        "plastificirati plastificiranje ček e-novica pasica majica skodelica razglednica"
        " vizitka voščilnica"
    ),
    "hbs": (
        "plastificirati plastifikacija ček šablona predložak bilten baner šolja majica"
        " razglednica vizitka vaučer"
    ),
    "el": "πλαστικοποίηση επιταγή πρότυπο ενημερωτικό πανό κούπα μπλούζα καρτ-ποστάλ",
    "ka": "ლამინირება ჩეკი შაბლონი ბანერი ჭიქა მაისური ვიზიტკა",
}


# Where simplemma reads its dictionaries: its own packaged files unless a block of
# ``using_dictionaries`` hands a factory of the same data. simplemma is imported on first
# use (its import alone is ~0.05 s, and a contract read from a store needs no lemmatising).
_FACTORIES: list[DictionaryFactory] = []
_LEMMATIZERS: dict[int, Callable[[str, str], str]] = {}  # by id() of a factory in use
# Stores of worked-out contracts (``using_contract_store``), newest last.
_STORES: list[ContractStore] = []


@contextmanager
def using_dictionaries(factory: DictionaryFactory) -> Iterator[None]:
    """Within the block, simplemma reads its dictionaries from ``factory``.

    ``factory`` must serve the same data as simplemma's packaged dictionaries (it is a
    faster way to reach them, not other dictionaries): the lemmas cached by
    ``lemmas_of`` and ``contract_lemmas`` are shared by both sources.
    """
    _FACTORIES.append(factory)
    try:
        yield
    finally:
        _FACTORIES.remove(factory)
        if factory not in _FACTORIES:
            _LEMMATIZERS.pop(id(factory), None)


def _lemmatizer() -> Callable[[str, str], str]:
    """simplemma's ``lemmatize`` over the dictionaries in use."""
    if _FACTORIES:
        factory = _FACTORIES[-1]
        found = _LEMMATIZERS.get(id(factory))
        if found is None:
            from simplemma import Lemmatizer
            from simplemma.strategies import DefaultStrategy

            strategy = DefaultStrategy(dictionary_factory=factory)
            found = _LEMMATIZERS[id(factory)] = Lemmatizer(
                lemmatization_strategy=strategy
            ).lemmatize
        return found
    import simplemma

    return simplemma.lemmatize


@dataclass(frozen=True, slots=True)
class ContractLemmas:
    """What a contract's words are, by lemma (the same for every request on it).

    ``deliverables`` maps a lemma of a deliverable's id or title to the deliverable ids
    it names; ``uncovered`` are the lemmas of ``WORK`` that nothing in the contract
    (titles, kinds, briefs) mentions; ``prefixes`` the folded first letters of both, the
    screen a message's word passes before it is lemmatised.
    """

    languages: tuple[str, ...]
    deliverables: dict[str, tuple[str, ...]]
    uncovered: frozenset[str]
    prefixes: frozenset[str]


def dictionaries_for(languages: Iterable[str | None]) -> tuple[str, ...]:
    """The simplemma dictionaries for these Roundwise languages, English always included."""
    found = [DICTIONARIES[code] for code in languages if code in DICTIONARIES]
    return tuple(dict.fromkeys([*found, "en"]))


def preload(languages: Iterable[str | None] = ("en",)) -> None:
    """Load these languages' dictionaries now (a server's warm-up), not on first use."""
    lemmatize = _lemmatizer()
    for code in dictionaries_for(languages):
        lemmatize("a", code)


@lru_cache(maxsize=65536)
def lemmas_of(word: str, dictionaries: tuple[str, ...]) -> frozenset[str]:
    """The word's lemmas in each dictionary, lower case (and the word itself)."""
    low = word.lower()
    lemmatize = _lemmatizer()
    return frozenset({low, *(lemmatize(low, code).lower() for code in dictionaries)})


def words_lemmas(text: str, dictionaries: tuple[str, ...]) -> set[str]:
    """Every lemma of every word of ``text``."""
    found: set[str] = set()
    for word in _WORD.findall(text):
        found |= lemmas_of(word, dictionaries)
    return found


@lru_cache(maxsize=64)
def contract_lemmas(
    ids_titles: tuple[tuple[str, str], ...], covered_text: str, dictionaries: tuple[str, ...]
) -> ContractLemmas:
    """Lemmatise a contract once: ``ids_titles`` name deliverables, ``covered_text`` is all
    the contract says its work is (titles, kinds, briefs). Within ``using_contract_store``
    the store is asked first."""

    def work_out() -> ContractLemmas:
        return _work_out(ids_titles, covered_text, dictionaries)

    if _STORES:
        return _STORES[-1](ids_titles, covered_text, dictionaries, work_out)
    return work_out()


def _work_out(
    ids_titles: tuple[tuple[str, str], ...], covered_text: str, dictionaries: tuple[str, ...]
) -> ContractLemmas:
    named: dict[str, list[str]] = {}
    for deliverable_id, title in ids_titles:
        for lemma in words_lemmas(title, dictionaries):
            if len(lemma) >= PREFIX + 1:
                named.setdefault(lemma, []).append(deliverable_id)
    covered = words_lemmas(covered_text, dictionaries)
    work = {
        lemma
        for code in dictionaries
        for entry in WORK.get(code, "").split()
        for lemma in lemmas_of(entry, dictionaries)
    }
    uncovered = frozenset(work - covered)
    wanted = set(named) | uncovered
    return ContractLemmas(
        dictionaries,
        {lemma: tuple(dict.fromkeys(ids)) for lemma, ids in named.items()},
        uncovered,
        frozenset(fold(lemma)[:PREFIX] for lemma in wanted),
    )


@contextmanager
def using_contract_store(store: ContractStore) -> Iterator[None]:
    """Within the block, ``contract_lemmas`` asks ``store`` (called with its arguments and
    a function that works the lemmas out) instead of lemmatising the contract itself.
    The store must answer what that function would (the CLI keeps its answers on disk,
    keyed by the arguments and this code: ``api/cli/dictionaries.py``)."""
    _STORES.append(store)
    try:
        yield
    finally:
        _STORES.remove(store)


def lemmas_state(cl: ContractLemmas) -> dict[str, Any]:
    """``cl`` as plain JSON values (``lemmas_from_state`` reads them back)."""
    return {
        "languages": list(cl.languages),
        "deliverables": {lemma: list(ids) for lemma, ids in cl.deliverables.items()},
        "uncovered": sorted(cl.uncovered),
        "prefixes": sorted(cl.prefixes),
    }


def lemmas_from_state(state: dict[str, Any]) -> ContractLemmas:
    """The ``ContractLemmas`` of ``lemmas_state``; ``ValueError`` for anything else."""

    def strings(value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError("a list of strings expected")
        return value

    try:
        found = state["deliverables"]
        if not isinstance(found, dict):
            raise TypeError("deliverables: a mapping expected")
        return ContractLemmas(
            tuple(strings(state["languages"])),
            {str(lemma): tuple(strings(ids)) for lemma, ids in found.items()},
            frozenset(strings(state["uncovered"])),
            frozenset(strings(state["prefixes"])),
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a contract's lemmas: {error!r}") from None


def find(folded: str, text: str, cl: ContractLemmas) -> list[tuple[int, int, frozenset[str]]]:
    """(start, end, lemmas) of the words of ``text`` that may name a deliverable or uncovered
    work (``folded`` is ``fold(text)``, the same length: the screen reads it)."""
    hits = []
    for m in _WORD.finditer(folded):
        if folded[m.start() : m.start() + PREFIX] not in cl.prefixes:
            continue
        lemmas = lemmas_of(text[m.start() : m.end()], cl.languages)
        if lemmas & cl.uncovered or any(lemma in cl.deliverables for lemma in lemmas):
            hits.append((m.start(), m.end(), lemmas))
    return hits
