"""Shortcuts on the judging path give exactly what the plain computation gave.

``evaluate`` skips settling a state that settling would not change, the request context
is memoised per terms object, the request id's JSON encoder is built once, lingua's
languages are mapped to our codes through a table, cue kinds are read once per cue
when overlaps are resolved, and runs of capitals visit only the upper-case words. Each is
compared here with the plain version it replaced (kept below as the reference).
"""

from __future__ import annotations

import hashlib
import importlib
import json
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from roundwise.engine.decide import RevisionRequest, decision_json, evaluate, request_context
from roundwise.engine.decide.context import build_request_context
from roundwise.engine.ledger import (
    ContractState,
    Event,
    fold,
    load_events,
    settle,
    settles_something,
)
from roundwise.engine.terms import ContractTerms, parse_spec
from roundwise.engine.understand.classify import _GROUP, drop_quoted, resolve_overlaps
from roundwise.engine.understand.cuebook import CueBook, cuebook
from roundwise.engine.understand.language import (
    _LATIN_CODES,
    _SERBO_CROATIAN,
    _detector,
    detector_confidences,
)
from roundwise.engine.understand.model import Cue
from roundwise.engine.understand.stage import (
    _QUOTED,
    _WORD,
    _caps_runs,
    _is_capital,
    _is_name,
    name_words,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "examples"
NAMES = ("bakery-web-copy", "fox-logo", "manual-translation")
BOOK = cuebook()
# The module (``engine.decide.evaluate`` as an attribute is the function of that name).
evaluate_module = importlib.import_module("roundwise.engine.decide.evaluate")


def _example(name: str) -> tuple[ContractTerms, tuple[Event, ...]]:
    terms = parse_spec((EXAMPLES / f"{name}.yaml").read_text("utf-8"))
    return terms, load_events((EXAMPLES / f"{name}.ledger.jsonl").read_text("utf-8"))


def _moments(events: tuple[Event, ...]) -> list[datetime]:
    """Every event's time, and a little and a long while after each."""
    ats = sorted({e.at for e in events})
    return sorted({m for at in ats for m in (at, at + timedelta(hours=1), at + timedelta(days=30))})


# --- settling ------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_settling_changes_a_deliverable_exactly_when_settles_something_says_so(
    name: str,
) -> None:
    terms, events = _example(name)
    seen = set()
    for at in _moments(events):
        state = fold([e for e in events if e.at <= at], at, terms)
        for later in (at, at + timedelta(days=3), at + timedelta(days=60)):
            settled = settle(terms, state, later)
            changes = settled.deliverables != state.deliverables
            assert settles_something(state, later) == changes
            assert settled.completed_at == state.completed_at
            seen.add(changes)
    assert seen == {True, False}  # both cases were met


@pytest.mark.parametrize("name", NAMES)
def test_evaluate_on_an_unsettled_state_is_evaluate_on_the_settled_one(name: str) -> None:
    terms, events = _example(name)
    for at in _moments(events)[::3]:
        state = fold([e for e in events if e.at <= at], at, terms)
        later = at + timedelta(days=20)
        for deliverable in terms.deliverables:
            request = RevisionRequest(deliverable=deliverable.id, message="Please fix the typo.")
            plain = evaluate(terms, settle(terms, state, later), request, later)
            assert decision_json(evaluate(terms, state, request, later)) == decision_json(plain)


def _count_settles(monkeypatch: pytest.MonkeyPatch) -> list[ContractState]:
    calls: list[ContractState] = []
    real = evaluate_module.settle

    def counting(terms: ContractTerms, state: ContractState, now: datetime) -> ContractState:
        calls.append(state)
        return real(terms, state, now)

    monkeypatch.setattr(evaluate_module, "settle", counting)
    return calls


def test_evaluate_does_not_settle_a_state_already_settled_to_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terms, events = _example("bakery-web-copy")
    now = events[-1].at + timedelta(hours=1)
    state = fold(events, now, terms)
    calls = _count_settles(monkeypatch)
    evaluate(terms, state, RevisionRequest(deliverable="home", message="Shorter, please."), now)
    assert calls == []


def test_evaluate_settles_a_state_whose_review_window_has_ended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terms, events = _example("bakery-web-copy")
    delivered = next(e for e in events if e.type == "version_submitted")
    state = fold([e for e in events if e.at <= delivered.at], delivered.at, terms)
    later = delivered.at + timedelta(days=60)
    assert settles_something(state, later)
    request = RevisionRequest(deliverable="home", message="Please fix the typo.")
    plain = evaluate(terms, settle(terms, state, later), request, later)
    calls = _count_settles(monkeypatch)
    assert decision_json(evaluate(terms, state, request, later)) == decision_json(plain)
    assert calls == [state]


# --- the request context -------------------------------------------------------------


def test_the_request_context_is_built_once_per_terms_and_deliverable() -> None:
    terms, _ = _example("bakery-web-copy")
    for deliverable in terms.deliverables:
        first = request_context(terms, deliverable)
        assert first == build_request_context(terms, deliverable)
        assert request_context(terms, deliverable) is first


def test_equal_terms_in_another_object_get_their_own_equal_context() -> None:
    terms, _ = _example("fox-logo")
    twin = parse_spec((EXAMPLES / "fox-logo.yaml").read_text("utf-8"))
    ours = request_context(terms, terms.deliverables[0])
    theirs = request_context(twin, twin.deliverables[0])
    assert theirs == ours
    assert theirs is not ours


def test_the_context_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import roundwise.engine.decide.context as context_module

    monkeypatch.setattr(context_module, "_contexts", {})
    monkeypatch.setattr(context_module, "_CONTEXTS_KEPT", 2)
    terms = [_example(name)[0] for name in NAMES]
    for t in terms:
        request_context(t, t.deliverables[0])
        assert len(context_module._contexts) <= 2
    assert request_context(terms[0], terms[0].deliverables[0]) == build_request_context(
        terms[0], terms[0].deliverables[0]
    )


# --- the request id --------------------------------------------------------------------


@given(
    message=st.text(max_size=60),
    revised=st.none() | st.text(max_size=30),
    items=st.lists(st.text(min_size=1, max_size=10), max_size=3),
)
@example(message='«Ž» "quoted" \\ \u2028 \x00', revised=None, items=[])
def test_the_request_id_is_the_hash_of_the_json_dumps_text(
    message: str, revised: str | None, items: list[str]
) -> None:
    now = datetime.fromisoformat("2026-03-12T08:30:00+01:00")
    request = RevisionRequest(
        deliverable="home", message=message, revised_text=revised, items=tuple(items)
    )
    content = {
        "deliverable": "home",
        "message": message,
        "revised_text": revised,
        "items": items,
        "received_at": now.isoformat(),
    }
    raw = json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    assert request.key(now) == "req-" + hashlib.sha256(raw).hexdigest()[:16]


# --- lingua's languages --------------------------------------------------------------


def _reference_confidences(text: str) -> dict[str, float]:
    """The per-value property reads ``detector_confidences`` replaced."""
    merged: dict[str, float] = dict.fromkeys(_LATIN_CODES, 0.0)
    for value in _detector().compute_language_confidence_values(text):
        iso = value.language.iso_code_639_1.name
        code = _SERBO_CROATIAN.get(iso, iso.lower())
        if code in merged:
            merged[code] += float(value.value)
    return {code: round(conf, 4) for code, conf in merged.items()}


@pytest.mark.parametrize(
    "text",
    [
        "Could you make the opening paragraph a bit shorter?",
        "Živjo Ana, hvala za besedilo. Bi lahko omenili še našo pekarno v Kranju?",
        "Da li možete molim vas da promenite naslov?",
        "Czy możesz poprawić literówkę w tytule?",
        "Hvala!",
        "",
        "!!!",
    ],
)
def test_detector_confidences_are_those_of_reading_each_languages_code(text: str) -> None:
    assert list(detector_confidences(text).items()) == list(_reference_confidences(text).items())


@lru_cache(maxsize=1)
def _lazy_detector() -> Any:
    """lingua's default detector (models loaded lazily), as ``_detector`` was built before."""
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.ENGLISH, Language.SLOVENE, Language.POLISH]
    languages += [Language.SERBIAN, Language.CROATIAN, Language.BOSNIAN]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def _values_of(detector: Any, text: str) -> dict[str, float]:
    return {
        v.language.name: float(v.value) for v in detector.compute_language_confidence_values(text)
    }


_LATIN_WORDS = st.sampled_from(
    [
        *("hvala", "lahko", "prosim", "molim", "vas", "czy", "możesz", "poprawić", "the"),
        *("opening", "shorter", "besedilo", "naslov", "promenite", "tytule", "ščit", "žaba"),
        *("đak", "ćevap", "łódź", "zażółć", "please", "change"),
    ]
)


@given(st.lists(_LATIN_WORDS, min_size=1, max_size=30).map(" ".join))
@example("Da li možete molim vas da promenite naslov?")
@example("Czy możesz poprawić literówkę w tytule?")
def test_preloaded_models_give_the_lazy_detectors_confidences(text: str) -> None:
    """Equal up to the last bits of a float: lingua sums in hash-map order, which varies
    from one detector (and process) to the next; we round to four decimals."""
    assert _values_of(_detector(), text) == pytest.approx(
        _values_of(_lazy_detector(), text), rel=1e-12, abs=1e-15
    )


# --- cue kinds read once -------------------------------------------------------------


def _reference_resolve_overlaps(cues: list[Cue]) -> list[Cue]:
    deciding = [c for c in cues if c.kind in _GROUP]

    def beaten(c: Cue) -> bool:
        return any(
            _GROUP[d.kind] != _GROUP[c.kind]
            and c.start < d.end
            and d.start < c.end
            and (d.end - d.start) > (c.end - c.start)
            for d in deciding
        )

    vague = [c for c in cues if c.kind == "vague"]

    def softened(c: Cue) -> bool:
        return c.kind == "change" and any(c.start < v.end and v.start < c.end for v in vague)

    return [c for c in cues if not softened(c) and (c.kind not in _GROUP or not beaten(c))]


def _reference_drop_quoted(cues: list[Cue]) -> list[Cue]:
    quotes = [c for c in cues if c.kind == "quote"]

    def inside(c: Cue) -> bool:
        return any(q.start <= c.start and c.end <= q.end for q in quotes)

    return [c for c in cues if c.kind == "quote" or not inside(c)]


_KINDS = ("quote", "vague", "change", "free_fix", "new_work", "exclusion", "target", "stage")


@st.composite
def _cues(draw: st.DrawFn) -> list[Cue]:
    cues = []
    for n in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, 30))
        end = start + draw(st.integers(0, 12))
        rule = f"{draw(st.sampled_from(_KINDS))}.r{n % 3}"
        cues.append(Cue(rule, "x" * (end - start), start, end, "why"))
    return cues


@given(_cues())
def test_overlaps_and_quotes_resolve_as_when_each_kind_was_read_per_test(
    cues: list[Cue],
) -> None:
    assert drop_quoted(cues) == _reference_drop_quoted(cues)
    assert resolve_overlaps(cues) == _reference_resolve_overlaps(cues)
    quoted = drop_quoted(cues)
    assert resolve_overlaps(quoted) == _reference_resolve_overlaps(_reference_drop_quoted(cues))


# --- runs of capitals ----------------------------------------------------------------


def _reference_caps_runs(text: str, book: CueBook, names: frozenset[str]) -> list[list[str]]:
    """The loop over every word ``_caps_runs`` replaced (as the runs' spans)."""
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    runs: list[list[tuple[int, int]]] = []
    previous: tuple[int, int] | None = None
    for match in _WORD.finditer(text):
        word = match.group()
        if quoted and any(a <= match.start() < b for a, b in quoted):
            previous = None
            continue
        start, end = match.span()  # letters touching a digit (an id) never shout
        if (start and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
            previous = None
            continue
        capital = _is_capital(word, book)
        single = len(word) == 1 and word.isupper()
        if not capital and not single:
            previous = match.span()
            continue
        if _is_name(word, names):
            previous = None
            continue
        joins = previous is not None and runs and runs[-1][-1] == previous
        if capital or (joins and single):
            if joins:
                runs[-1].append(match.span())
            else:
                runs.append([match.span()])
        previous = match.span()
    return [[f"{a}:{b}" for a, b in run] for run in runs]


_TOKENS = (
    *("I", "A", "a", "X", "THIS", "IS", "NOT", "ok", "SVG", "PDF", "RED", "FOX", "COFEE"),
    *("Horvat", "HORVAT", "é", "ÉTÉ", "ǅ", "Ǆ", "ϒ", "ΑΠΑΡΑΔΕΚΤΟ", "WHY", "ABC1", "_"),
    *('"', "«", "»", "„", "“", "!!", "1", "\n"),
)


@given(st.lists(st.tuples(st.sampled_from(_TOKENS), st.sampled_from(("", " ", ", ")))))
@example([("THIS", " "), ("IS", " "), ("I", " "), ("NOT", "")])
@example([('"', ""), ("RED", " "), ("FOX", ""), ('"', " "), ("NOT", " "), ("OK", "")])
def test_capital_runs_are_those_of_visiting_every_word(parts: list[tuple[str, str]]) -> None:
    text = "".join(token + gap for token, gap in parts)
    names = name_words(("Red Fox Coffee", "Marko Horvat", "Horvat Bakery"))
    runs = [[f"{m.start()}:{m.end()}" for m in run] for run in _caps_runs(text, BOOK, names)]
    assert runs == _reference_caps_runs(text, BOOK, names)
