"""Worked examples: every script, the seed articles, moves, empty texts, the JSON shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from roundwise import engine
from roundwise.engine.measure import MOVE_COST, MeasureOptions, measure, tokenize
from tests.engine.measure_reference import apply_blocks

DATA = Path(__file__).resolve().parents[1] / "data" / "measure"
SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_FILES = sorted(DATA.glob("seed_*.txt")) + sorted(SHARED_SEEDS.glob("*.txt"))


def test_the_public_api_is_pinned() -> None:
    assert sorted(engine.measure.__all__) == sorted(
        [
            "MIN_MOVE_WORDS",
            "MOVE_COST",
            "EditBlock",
            "MeasureOptions",
            "Measurement",
            "MovedBlock",
            "Token",
            "measure",
            "tokenize",
        ]
    )


@pytest.mark.parametrize(
    ("old", "new", "changed", "words_old"),
    [
        ("Stranka ima vedno prav.", "Stranka nima vedno prav.", 1, 4),  # Slovenian
        ("Klient ma zawsze rację.", "Klient nie ma zawsze rację!", 2, 4),  # Polish
        ("Klijent je uvek u pravu.", "Klijent je skoro uvek u pravu.", 1, 5),  # Serbian Latin
        ("Клијент је увек у праву.", "Клијент је често у праву.", 1, 5),  # Serbian Cyrillic
        ("Ο πελάτης έχει πάντα δίκιο.", "Ο πελάτης δεν έχει πάντα δίκιο.", 1, 5),  # Greek
        ("მომხმარებელი ყოველთვის მართალია.", "მომხმარებელი ხშირად მართალია.", 1, 3),
        ("顾客永远是对的。", "顾客总是对的。", 2, 7),  # Chinese: 永远 -> 总是
        ("お客様は神様です", "お客様は王様です", 1, 8),  # Japanese: 神 -> 王
        ("ลูกค้าถูกเสมอ", "ลูกค้าผิดเสมอ", 2, 10),  # Thai: ถูก -> ผิด
    ],
)
def test_a_small_edit_in_each_script_counts_the_words_it_changes(
    old: str, new: str, changed: int, words_old: int
) -> None:
    result = measure(old, new)
    assert (result.changed_words, result.words_old) == (changed, words_old)
    assert result.changed_share == changed / words_old


def test_a_replacement_counts_the_larger_side_of_the_block() -> None:
    result = measure("one two three four", "one 2 2b 2c four")
    assert result.blocks[0].kind == "replace"
    assert (result.changed_words, result.replaced, result.added) == (3, 2, 1)
    assert result.changed_share == 3 / 4


def test_by_default_a_punctuation_change_changes_the_word_it_touches() -> None:
    assert measure("Rok je petek.", "Rok je petek!").changed_words == 1
    options = MeasureOptions(ignore_punctuation=True)
    assert measure("Rok je petek.", "Rok je — petek!", options).changed_share == 0.0


def test_a_moved_paragraph_is_charged_as_one_move_not_as_a_rewrite() -> None:
    first = "Prvi odstavek govori o roku oddaje in o tem, kdo ga potrdi."
    second = "Drugi odstavek opisuje ceno dodatnega kroga popravkov."
    third = "Tretji odstavek našteje, kaj ni vključeno v ponudbo."
    result = measure(f"{first}\n\n{second}\n\n{third}", f"{second}\n\n{third}\n\n{first}")
    assert len(result.moves) == 1
    assert result.moves[0].tokens == tuple(first.split())
    assert result.moved == len(first.split())
    assert result.changed_words == MOVE_COST
    assert result.diff_changed_words == 2 * len(first.split())  # deleted here, inserted there
    assert (result.added, result.removed, result.replaced) == (0, 0, 0)


def test_short_repeated_phrases_are_not_mistaken_for_moves() -> None:
    result = measure("a b c d x y z", "x y z a b c d e")
    assert result.moves == ()


@pytest.mark.parametrize(
    ("old", "new", "share"),
    [("", "", 0.0), ("  \n", "\t", 0.0), ("", "tri nove besede", 3.0), ("dve besedi", "", 1.0)],
)
def test_empty_texts_give_a_defined_share(old: str, new: str, share: float) -> None:
    result = measure(old, new)
    assert result.changed_share == share
    assert result.exact


def test_the_json_object_has_every_documented_figure() -> None:
    data = measure("a b c d", "a x c d e").as_dict()
    for key in ("changed_share", "words_old", "words_new", "added", "removed", "replaced"):
        assert key in data
    for key in ("unchanged", "moved", "blocks", "moves", "changed_words", "exact", "options"):
        assert key in data
    assert data["blocks"][0] == {
        "kind": "replace",
        "old_start": 1,
        "old_end": 2,
        "new_start": 1,
        "new_end": 2,
        "deleted": ["b"],
        "inserted": ["x"],
        "moved_deleted": 0,
        "moved_inserted": 0,
        "cost": 1,
    }


def _lightly_edit(text: str) -> tuple[str, int, int]:
    """Replace every 13th word and insert a word after every 29th, with words not in text.

    Returns the edited text, the number of words in the original and the words changed.
    Positions whose word equals a neighbour are skipped so that the minimal alignment
    is unambiguous.
    """
    tokens = [token.text for token in tokenize(text)]
    out: list[str] = []
    changed = 0
    for index, token in enumerate(tokens):
        neighbours = tokens[max(0, index - 1) : index + 2]
        if index % 13 == 5 and neighbours.count(token) == 1:
            out.append(f"⟦{index}⟧")
            changed += 1
        else:
            out.append(token)
        if index % 29 == 7:
            out.append(f"⟪{index}⟫")
            changed += 1
    return " ".join(out), len(tokens), changed


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_lightly_edited_seed_article_changes_exactly_the_edited_words(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    edited, words, changed = _lightly_edit(text)
    result = measure(text, edited)
    assert result.words_old == words
    assert result.changed_words == changed
    assert result.changed_share == changed / words
    assert apply_blocks([t.key for t in tokenize(text)], result) == [
        t.key for t in tokenize(edited)
    ]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_seed_article_reflowed_recased_or_unpunctuated_is_unchanged_under_the_options(
    path: Path,
) -> None:
    text = path.read_text(encoding="utf-8")
    assert measure(text, " ".join(text.split())).changed_share == 0.0
    assert measure(text, text.upper(), MeasureOptions(ignore_case=True)).changed_share == 0.0
    bare = " ".join(t.key for t in tokenize(text, MeasureOptions(ignore_punctuation=True)))
    assert measure(text, bare, MeasureOptions(ignore_punctuation=True)).changed_share == 0.0
    assert measure(text, bare).changed_share > 0.0
