"""Properties of engine.understand that must hold for any text a client can send."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from roundwise.engine.understand import ITEM_SCOPES, LANGUAGES, SCOPES, analyse_request
from roundwise.engine.understand.cuebook import cuebook
from roundwise.engine.understand.fold import fold
from roundwise.engine.understand.split import split_message
from tests.engine.understand_projects import context_for

CONTEXT = context_for("fox-logo", "final")
ANY_TEXT = st.text(max_size=300)
WORDS = st.sampled_from(
    ["Please", "make", "the", "fox", "ΑΠΑΡΑΔΕΚΤΟ", "!!", "typo", "also", "design",
     "cards", "შეგიძლიათ", "literówka", ".", ",", "\n", "Could you", "SVG", "?"]
)  # fmt: skip
MESSAGES = st.one_of(ANY_TEXT, st.lists(WORDS, max_size=30).map(" ".join))
ACRONYMS = sorted(a for a in cuebook().acronyms if a.isalpha())


def _squeeze(text: str) -> str:
    return "".join(text.split())


@given(MESSAGES)
@example("")
@example("   \n ")
@example("!!!???;;;")
def test_any_message_is_analysed_into_valid_values(message: str) -> None:
    analysis = analyse_request(message, CONTEXT)
    assert analysis.scope in SCOPES
    assert analysis.stage in ("calm", "explosion")
    # One of the six, or another language's ISO 639-1 code, sent to review (issue 16.7).
    if analysis.language not in LANGUAGES:
        assert len(analysis.language) == 2
        assert analysis.language.isalpha()
        assert analysis.language.islower()
        assert analysis.assessment is not None
        assert analysis.assessment.needs_review
    assert 0.0 <= analysis.language_confidence <= 1.0
    assert all(item.scope in ITEM_SCOPES for item in analysis.items)


@given(MESSAGES)
def test_analysis_is_deterministic(message: str) -> None:
    assert analyse_request(message, CONTEXT) == analyse_request(message, CONTEXT)


@given(MESSAGES)
def test_splitting_partitions_the_message_without_losing_a_character(message: str) -> None:
    spans = split_message(message, cuebook())
    assert "".join(message[a:b] for a, b in spans) == message
    assert all(a < b for a, b in spans)


@given(MESSAGES)
def test_items_and_context_together_keep_all_non_whitespace_text(message: str) -> None:
    analysis = analyse_request(message, CONTEXT)
    spans = sorted(span for item in analysis.items for span in item.spans)
    kept = "".join(message[a:b] for a, b in spans) + "".join(analysis.context)
    assert sorted(_squeeze(kept)) == sorted(_squeeze(message))


@given(MESSAGES)
def test_every_cue_points_at_its_own_words_in_the_message(message: str) -> None:
    analysis = analyse_request(message, CONTEXT)
    cues = [*analysis.stage_cues, *(c for item in analysis.items for c in item.reasons)]
    assert all(message[c.start : c.end] == c.text for c in cues)


@given(st.lists(st.sampled_from(ACRONYMS), min_size=1, max_size=12))
@example(["SVG", "PNG", "PDF", "CMYK", "RGB", "HTML"])
def test_messages_of_acronyms_only_are_never_an_explosion(acronyms: list[str]) -> None:
    analysis = analyse_request(", ".join(acronyms) + ".", CONTEXT)
    assert analysis.stage == "calm"


@given(ANY_TEXT)
def test_folding_keeps_the_length_so_offsets_stay_valid(text: str) -> None:
    assert len(fold(text)) == len(text)


@given(st.lists(MESSAGES, max_size=5))
def test_explicit_items_give_exactly_one_verdict_each(items: list[str]) -> None:
    analysis = analyse_request("", CONTEXT, items=items)
    assert [i.text for i in analysis.items] == [t.strip() for t in items]
