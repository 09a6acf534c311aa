"""What a word is: tokenisation across scripts, options, and the fast path's fidelity."""

from __future__ import annotations

import sys

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from roundwise.engine.measure import MeasureOptions, tokenize
from roundwise.engine.measure.tokens import (
    _EDGE_PUNCT,
    _MAYBE_PER_CHAR,
    _PER_CHAR,
    _PUNCT,
    token_keys,
)

ALL_OPTIONS = [
    MeasureOptions(),
    MeasureOptions(ignore_case=True),
    MeasureOptions(ignore_punctuation=True),
    MeasureOptions(ignore_case=True, ignore_punctuation=True),
]


def texts(text: str, options: MeasureOptions | None = None) -> list[str]:
    return [token.text for token in tokenize(text, options)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zażółć gęślą jaźń.", ["Zażółć", "gęślą", "jaźń."]),  # Polish
        ("Stranka ima vedno prav, kajne?", ["Stranka", "ima", "vedno", "prav,", "kajne?"]),
        (
            "Klijent je uvek u pravu: đak, džep.",
            ["Klijent", "je", "uvek", "u", "pravu:", "đak,", "džep."],
        ),
        ("Клијент је увек у праву!", ["Клијент", "је", "увек", "у", "праву!"]),  # Serbian
        ("Ο πελάτης έχει πάντα δίκιο;", ["Ο", "πελάτης", "έχει", "πάντα", "δίκιο;"]),
        ("მომხმარებელი ყოველთვის მართალია.", ["მომხმარებელი", "ყოველთვის", "მართალია."]),
        ("顾客永远是对的。", ["顾", "客", "永", "远", "是", "对", "的。"]),
        ("お客様は神様です", ["お", "客", "様", "は", "神", "様", "で", "す"]),
        ("ลูกค้าถูกเสมอ", ["ลู", "ก", "ค้", "า", "ถู", "ก", "เ", "ส", "ม", "อ"]),  # Thai + marks
        ("«Zdravo», rekla je — 13.11.2019.", ["«Zdravo»,", "rekla", "je", "—", "13.11.2019."]),
        ("Don't e-mail 1,000 people", ["Don't", "e-mail", "1,000", "people"]),
    ],
)
def test_each_script_is_split_into_the_words_a_reader_would_count(
    text: str, expected: list[str]
) -> None:
    assert texts(text) == expected


def test_punctuation_clings_to_its_word_and_stands_alone_only_between_spaces() -> None:
    assert texts('("Da!") — ne...') == ['("Da!")', "—", "ne..."]


def test_ignoring_punctuation_compares_word_cores_and_drops_lone_punctuation() -> None:
    tokens = tokenize('("Da!") — ne...', MeasureOptions(ignore_punctuation=True))
    assert [t.key for t in tokens] == ["Da", "ne"]
    assert [t.text for t in tokens] == ['("Da!")', "ne..."]


def test_ignoring_case_compares_case_folded_keys_but_keeps_the_text() -> None:
    tokens = tokenize("STRASSE Straße Σίσυφος", MeasureOptions(ignore_case=True))
    assert [t.key for t in tokens] == ["strasse", "strasse", "σίσυφοσ"]
    assert tokens[1].text == "Straße"


def test_whitespace_is_never_a_token_and_spans_point_into_the_source() -> None:
    text = "  Ena\tdva\n\ntri \u3000 štiri\x1c pet "
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["Ena", "dva", "tri", "štiri", "pet"]
    assert all(text[t.start : t.end] == t.text for t in tokens)


_ALPHABET = st.sampled_from(
    [
        *"aZžŁđΣσςბ顾すลู้ 0129",
        " ",
        "\n",
        "\t",
        "\x1c",
        ",",
        ".",
        "'",
        "-",
        "—",
        "«",
        "»",
        "’",
        "\u0301",
    ]
)


@given(text=st.text(_ALPHABET, max_size=60) | st.text(max_size=40))
def test_the_fast_tokeniser_gives_exactly_the_tokens_of_the_reference_one(text: str) -> None:
    for options in ALL_OPTIONS:
        fast_texts, fast_keys = token_keys(text, options)
        tokens = tokenize(text, options)
        assert fast_texts == [t.text for t in tokens]
        assert fast_keys == [t.key for t in tokens]


def test_the_fast_path_notices_every_character_that_is_split_per_character() -> None:
    per_char = regex.compile(rf"[{_PER_CHAR}]", regex.V1)
    missed = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if per_char.match(chr(code)) and not _MAYBE_PER_CHAR.match(chr(code))
    ]
    assert missed == []


def test_every_edge_punctuation_character_is_punctuation_to_the_tokeniser() -> None:
    punct = regex.compile(_PUNCT, regex.V1)
    assert [c for c in _EDGE_PUNCT if not punct.fullmatch(c)] == []
