"""Reading a long message takes time linear in it (issue 22): the overlap questions over
a clause's cues are answered at once, and they answer exactly as the pairwise checks."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from roundwise.engine.understand import RequestContext, analyse_request
from roundwise.engine.understand.intervals import Cover, longer_overlap_in_other_group

Spans = list[tuple[int, int]]

spans_strategy = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 12)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=30,
)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@given(spans_strategy, st.data())
def test_longer_overlaps_are_found_as_the_pairwise_check_finds_them(
    spans: Spans, data: st.DataObject
) -> None:
    groups = [data.draw(st.sampled_from(["out", "fix", "vague"])) for _ in spans]
    expected = [
        any(
            g != h and _overlap(s, t) and t[1] - t[0] > s[1] - s[0]
            for t, h in zip(spans, groups, strict=True)
        )
        for s, g in zip(spans, groups, strict=True)
    ]
    assert longer_overlap_in_other_group(spans, groups) == expected


@given(spans_strategy, st.tuples(st.integers(0, 50), st.integers(1, 12)))
def test_a_cover_overlaps_and_contains_as_the_pairwise_check_says(
    spans: Spans, probe: tuple[int, int]
) -> None:
    span = (probe[0], probe[0] + probe[1])
    cover = Cover(spans)
    assert cover.overlaps(*span) == any(_overlap(span, s) for s in spans)
    assert cover.contains(*span) == any(s[0] <= span[0] and span[1] <= s[1] for s in spans)


def _seconds(message: str) -> float:
    """The quickest of two readings of ``message``."""
    context = RequestContext(deliverable_id="home", deliverable_kind="text")
    times = []
    for _ in range(2):
        started = time.perf_counter()
        analyse_request(message, context)
        times.append(time.perf_counter() - started)
    return min(times)


def test_a_long_clause_of_one_repeated_cue_word_is_read_in_linear_time() -> None:
    # Before: 64,000 characters of "typo " took 7 s, of '"quoted" ' 5 s for 32,000:
    # four times the text took sixteen times as long. A ratio, not a wall-clock bound,
    # so a busy machine or coverage tracing does not fail it; linear gives about 4.
    _seconds("warm up: please fix the typo.")
    for unit in ("typo ", '"quoted" ', "make it better ", '"w1" "w2" "w3" '):
        short, long = (unit * (size // len(unit)) for size in (6_000, 24_000))
        assert _seconds(long) < 8 * _seconds(short), unit
