"""The technique catalogue: complete, cited and consistent with TECHNIQUES.md."""

from __future__ import annotations

import pytest

from roundwise.engine.replies.catalogue import (
    STAGES,
    VERDICTS,
    parse_catalogue,
    technique,
    techniques,
)


def test_the_catalogue_holds_every_technique_from_t01_to_t26() -> None:
    assert sorted(techniques()) == [f"T{n:02d}" for n in range(1, 27)]


def test_every_technique_cites_a_seed_file_with_a_title() -> None:
    for entry in techniques().values():
        assert entry.sources
        for source in entry.sources:
            assert source.file.endswith(".txt")
            assert source.title
            assert source.file in source.cite()


def test_every_verdict_and_stage_has_techniques_that_apply() -> None:
    for verdict in VERDICTS:
        for stage in STAGES:
            assert any(t.applies_to(verdict, stage) for t in techniques().values())


def test_the_conflict_map_applies_to_explosions_only() -> None:
    assert technique("T07").applies_to("included", "explosion")
    assert not technique("T07").applies_to("included", "calm")


def test_an_unknown_verdict_in_catalogue_data_is_rejected() -> None:
    text = """
sources: {S: {file: a.txt, language: en, title: t, author: null}}
techniques:
  - {id: T1, name: n, description: d, sources: [S], applies: {verdicts: [maybe], stages: []}}
"""
    with pytest.raises(ValueError, match="maybe"):
        parse_catalogue(text)
