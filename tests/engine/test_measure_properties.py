"""Properties of the measurement: identity, round-trip, minimality, k/n and invariances."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import example, given
from hypothesis import strategies as st

from roundwise.engine.measure import MeasureOptions, measure, tokenize
from roundwise.engine.measure import align as align_module
from roundwise.engine.measure import changes as changes_module
from tests.engine.measure_reference import apply_blocks, edit_cost, lcs_length

TINY = ["a", "b", "c"]
SMALL = ["ja", "ne", "da", "je", "to", "ko", "ki", "so"]
MIXED = ["Stranka", "ima", "prav", "πελάτης", "δίκιο", "კლიენტი", "klient", "zawsze", "顾", "客"]


def words(vocabulary: list[str], max_size: int = 40) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(vocabulary), max_size=max_size)


any_words = st.sampled_from([TINY, SMALL, MIXED]).flatmap(words)
text_pairs = st.sampled_from([TINY, SMALL, MIXED]).flatmap(lambda v: st.tuples(words(v), words(v)))


def keys(text: str, options: MeasureOptions | None = None) -> list[str]:
    return [token.key for token in tokenize(text, options)]


@contextmanager
def thresholds(exact: int, verify: int) -> Iterator[None]:
    """Force the anchoring path (and optionally skip the proof) on small inputs."""
    saved = align_module.EXACT_CELLS, align_module.VERIFY_CELLS
    align_module.EXACT_CELLS, align_module.VERIFY_CELLS = exact, verify
    try:
        yield
    finally:
        align_module.EXACT_CELLS, align_module.VERIFY_CELLS = saved


@given(any_words)
def test_identical_texts_change_nothing(tokens: list[str]) -> None:
    result = measure(" ".join(tokens), " ".join(tokens))
    assert result.changed_share == 0.0
    assert result.blocks == ()
    assert result.unchanged == len(tokens)


@given(text_pairs)
def test_applying_the_edit_blocks_to_the_old_tokens_gives_the_new_tokens(
    pair: tuple[list[str], list[str]],
) -> None:
    old, new = (" ".join(side) for side in pair)
    assert apply_blocks(keys(old), measure(old, new)) == keys(new)


@given(text_pairs)
@example((["a", "b", "c", "a"], ["c", "a", "b", "a"]))
def test_the_edit_script_is_as_short_as_the_exact_lcs_allows(
    pair: tuple[list[str], list[str]],
) -> None:
    old, new = pair
    result = measure(" ".join(old), " ".join(new))
    assert result.exact
    assert edit_cost(result) == len(old) + len(new) - 2 * lcs_length(old, new)


@given(text_pairs)
@example((["x", "a", "a", "a", "b"], ["a", "a", "a", "x", "b"]))
def test_anchored_alignment_is_proved_or_repaired_to_be_minimal(
    pair: tuple[list[str], list[str]],
) -> None:
    old, new = pair
    with thresholds(exact=4, verify=10**9):
        result = measure(" ".join(old), " ".join(new))
    assert result.exact
    assert edit_cost(result) == len(old) + len(new) - 2 * lcs_length(old, new)
    assert apply_blocks(old, result) == new


@given(text_pairs)
def test_shallow_anchoring_falls_back_to_an_exact_alignment(
    pair: tuple[list[str], list[str]],
) -> None:
    old, new = pair
    saved = align_module.MAX_DEPTH
    align_module.MAX_DEPTH = 1
    try:
        with thresholds(exact=4, verify=0):
            result = measure(" ".join(old), " ".join(new))
    finally:
        align_module.MAX_DEPTH = saved
    assert apply_blocks(old, result) == new
    if result.exact:
        assert edit_cost(result) == len(old) + len(new) - 2 * lcs_length(old, new)


@given(text_pairs)
def test_without_the_proof_the_script_is_still_valid_and_flagged_when_unproved(
    pair: tuple[list[str], list[str]],
) -> None:
    old, new = pair
    with thresholds(exact=4, verify=0):
        result = measure(" ".join(old), " ".join(new))
    assert apply_blocks(old, result) == new
    minimum = len(old) + len(new) - 2 * lcs_length(old, new)
    assert edit_cost(result) >= minimum
    if edit_cost(result) > minimum:
        assert not result.exact


@given(
    base=words(SMALL + MIXED, max_size=60).filter(bool),
    inserted=st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from(SMALL + MIXED)), max_size=30
    ),
)
def test_inserting_k_words_into_an_n_word_text_changes_k_over_n(
    base: list[str], inserted: list[tuple[int, str]]
) -> None:
    new = list(base)
    for where, word in inserted:
        new.insert(where % (len(new) + 1), word)
    result = measure(" ".join(base), " ".join(new))
    assert result.changed_share == len(inserted) / len(base)
    assert (result.added, result.removed, result.replaced) == (len(inserted), 0, 0)


def _recase(tokens: list[str], flips: list[bool]) -> str:
    return " ".join(t.upper() if f else t.lower() for t, f in zip(tokens, flips, strict=False))


@given(text_pairs, st.lists(st.booleans(), min_size=40, max_size=40))
def test_with_ignore_case_the_share_does_not_depend_on_letter_case(
    pair: tuple[list[str], list[str]], flips: list[bool]
) -> None:
    old, new = pair
    options = MeasureOptions(ignore_case=True)
    plain = measure(" ".join(old), " ".join(new), options)
    recased = measure(_recase(old, flips), _recase(new, flips[::-1]), options)
    assert recased.changed_share == plain.changed_share
    assert recased.words_old == plain.words_old


def _punctuate(tokens: list[str], marks: list[int]) -> str:
    styles = ["{}", "{},", "({})", "«{}»!", "{} —", "{}...", "— {}"]
    return " ".join(styles[m % len(styles)].format(t) for t, m in zip(tokens, marks, strict=False))


@given(text_pairs, st.lists(st.integers(0, 6), min_size=40, max_size=40))
def test_with_ignore_punctuation_the_share_does_not_depend_on_punctuation(
    pair: tuple[list[str], list[str]], marks: list[int]
) -> None:
    old, new = pair
    options = MeasureOptions(ignore_punctuation=True)
    plain = measure(" ".join(old), " ".join(new), options)
    punctuated = measure(_punctuate(old, marks), _punctuate(new, marks[::-1]), options)
    assert punctuated.changed_share == plain.changed_share
    assert punctuated.words_old == plain.words_old == len(old)


@given(any_words)
def test_whitespace_changes_never_count(tokens: list[str]) -> None:
    assert measure(" ".join(tokens), "\n\n  ".join(tokens) + "\t").changed_share == 0.0


@given(text_pairs)
def test_the_figures_add_up_to_the_word_counts(pair: tuple[list[str], list[str]]) -> None:
    result = measure(" ".join(pair[0]), " ".join(pair[1]))
    moved = result.moved
    assert result.words_old == result.unchanged + result.removed + result.replaced + moved
    assert result.words_new == result.unchanged + result.added + result.replaced + moved
    assert result.changed_words == sum(block.cost for block in result.blocks) + len(result.moves)
    assert result.changed_words == result.added + result.removed + result.replaced + len(
        result.moves
    )
    assert result.diff_changed_words == sum(
        max(len(b.deleted), len(b.inserted)) for b in result.blocks
    )
    assert result.changed_share == result.changed_words / max(result.words_old, 1)


@given(any_words, text_pairs, st.booleans())
def test_a_kept_old_text_measures_as_a_fresh_one(
    old: list[str], news: tuple[list[str], list[str]], ignore_case: bool
) -> None:
    """The old text's tokens are memoised (``changes._kept_token_keys``); measuring other
    texts against it first must not change what a fresh measurement gives."""
    options = MeasureOptions(ignore_case=ignore_case)
    old_text = " ".join(old)
    for new in news:
        measure(old_text, " ".join(new), options)
    kept = measure(old_text, " ".join(news[0]), options)
    changes_module.forget_kept_old_texts()
    assert measure(old_text, " ".join(news[0]), options) == kept
