"""The technique catalogue: the expert techniques replies are built on, with sources.

Rule: every technique a reply or a lint finding cites exists here, with the seed article
it comes from, so the freelancer can check *why* a reply is shaped the way it is. The
catalogue is data (``techniques.yaml``), read once with ``importlib.resources``; this
module only types and validates it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

VERDICTS: tuple[str, ...] = (
    "included",
    "free_fix",
    "extra_round",
    "too_large",
    "out_of_scope",
    "after_approval",
    "needs_clarification",
)
STAGES: tuple[str, ...] = ("calm", "explosion")


@dataclass(frozen=True, slots=True)
class Source:
    """One seed article (or other public source) a technique is taken from."""

    id: str
    file: str
    language: str
    title: str
    author: str | None

    def cite(self) -> str:
        """A one-line citation: title, author where known, and the seed file."""
        who = f" — {self.author}" if self.author else ""
        return f"{self.title}{who} ({self.file})"


@dataclass(frozen=True, slots=True)
class Technique:
    """A communication technique with its sources and where compose_reply applies it."""

    id: str
    name: str
    description: str
    sources: tuple[Source, ...]
    verdicts: frozenset[str]
    stages: frozenset[str]
    always: bool = False

    def applies_to(self, verdict: str, stage: str) -> bool:
        """Whether a reply for this verdict and stage uses the technique."""
        return verdict in self.verdicts and stage in self.stages


def _source(key: str, raw: dict[str, Any]) -> Source:
    return Source(
        id=key,
        file=str(raw["file"]),
        language=str(raw["language"]),
        title=str(raw["title"]),
        author=None if raw.get("author") is None else str(raw["author"]),
    )


def _checked(values: list[str], allowed: tuple[str, ...], where: str) -> frozenset[str]:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"{where}: unknown {sorted(unknown)}")
    return frozenset(values)


def _technique(raw: dict[str, Any], sources: dict[str, Source]) -> Technique:
    applies = raw["applies"]
    tid = str(raw["id"])
    return Technique(
        id=tid,
        name=str(raw["name"]),
        description=str(raw["description"]),
        sources=tuple(sources[key] for key in raw["sources"]),
        verdicts=_checked(list(applies["verdicts"]), VERDICTS, f"{tid}.verdicts"),
        stages=_checked(list(applies["stages"]), STAGES, f"{tid}.stages"),
        always=bool(raw.get("always", False)),
    )


def parse_catalogue(text: str) -> dict[str, Technique]:
    """Parse catalogue YAML text into techniques by id (validates verdicts and stages)."""
    data = yaml.safe_load(text)
    sources = {key: _source(key, raw) for key, raw in data["sources"].items()}
    techniques = [_technique(raw, sources) for raw in data["techniques"]]
    by_id = {t.id: t for t in techniques}
    if len(by_id) != len(techniques):
        raise ValueError("duplicate technique ids in the catalogue")
    return by_id


@cache
def techniques() -> Mapping[str, Technique]:
    """The shipped catalogue, by technique id (read once; read-only, shared by callers)."""
    text = (
        resources.files("roundwise.engine.replies").joinpath("techniques.yaml").read_text("utf-8")
    )
    return MappingProxyType(parse_catalogue(text))


def technique(tid: str) -> Technique:
    """One technique by id; a KeyError names an id that the catalogue lacks."""
    return techniques()[tid]
