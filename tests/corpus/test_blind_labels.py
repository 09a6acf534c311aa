"""The second labeller's blind sample stays blind and off the test split, and the
agreement report runs on the committed files."""

from __future__ import annotations

import math
import random

import pytest
import yaml

from bench.blind_labels import (
    BLIND,
    BLIND_FIELDS,
    KINDS,
    SAMPLE_SIZE,
    allocate,
    draw,
    kappa,
    pairs,
    report,
)
from bench.real_messages import frozen_splits, load_raw


def _blind() -> list[dict[str, object]]:
    return list(yaml.safe_load(BLIND.read_text(encoding="utf-8")))


def test_the_blind_sample_holds_no_message_of_the_test_split() -> None:
    split_of_id = {str(raw["id"]): frozen_splits()[path.stem] for path, raw in load_raw()}
    splits = {split_of_id[str(r["id"])] for r in _blind()}
    assert "test" not in splits
    assert splits <= {"train", "dev"}


def test_the_blind_sample_carries_no_label_and_no_note() -> None:
    records = _blind()
    assert len(records) == SAMPLE_SIZE == len({r["id"] for r in records})
    assert all(tuple(r) == BLIND_FIELDS for r in records)


def test_every_sampled_record_is_the_corpus_record_without_its_labels() -> None:
    # The sample was drawn (``draw``) from the 313 train and dev messages the corpus held
    # then; the corpus has grown since, so a fresh draw differs. What must stay true is
    # that each blind record is its corpus record's unlabelled fields, unchanged.
    corpus = {str(raw["id"]): raw for _, raw in load_raw()}
    for record in _blind():
        source = corpus[str(record["id"])]
        assert {field: source.get(field) for field in BLIND_FIELDS} == record


def test_a_draw_is_stratified_deterministic_and_off_the_test_split() -> None:
    first, again = draw(), draw()
    assert first == again
    assert len(first) == SAMPLE_SIZE == len({r["id"] for r in first})
    split_of_id = {str(raw["id"]): frozen_splits()[path.stem] for path, raw in load_raw()}
    assert {split_of_id[str(r["id"])] for r in first} <= {"train", "dev"}


def test_allocation_gives_each_source_its_share_rounded_down_or_up() -> None:
    sizes = {"big": 49, "mid": 7, **{f"one-{i}": 1 for i in range(40)}}
    places = allocate(sizes, 30, random.Random(1))
    assert sum(places.values()) == 30
    for source, size in sizes.items():
        quota = size * 30 / sum(sizes.values())
        assert math.floor(quota) <= places[source] <= math.ceil(quota) <= size


def test_kappa_is_one_for_identical_labels_and_zero_point_five_for_a_known_table() -> None:
    assert kappa(["a", "b", "a"], ["a", "b", "a"]) == pytest.approx(1.0)
    # observed 3/4, expected (2*1 + 2*3)/16 = 1/2, so kappa = (3/4 - 1/2) / (1/2).
    assert kappa(["y", "y", "n", "n"], ["y", "n", "n", "n"]) == pytest.approx(0.5)
    assert kappa(["a", "a"], ["a", "a"]) is None


def test_compare_runs_on_the_committed_labels_and_classifies_every_disagreement() -> None:
    both = pairs()
    text = report(both)
    assert f"all      scope        n={SAMPLE_SIZE}" in text
    assert "unclassified" not in text
    differ = {p.id for p in both if any(p.first[k] != p.second[k] for k in p.first)}
    kinds = {str(r["id"]) for r in yaml.safe_load(KINDS.read_text(encoding="utf-8"))}
    assert differ == kinds
