"""The scope creep score over time: the score the scope report gives, recomputed after
each event that can move it, drawn as a server-made SVG line (no script, no library).

The score is ``engine.scope.scope_report``'s own, computed on the ledger as it stood after
the event (its prefix) and as of that event's time, so the last point is the score the
report shows now (but for time passing since). Only decisions (asks, approvals, round
limits, unclear requests) and delivered versions (the cumulative drift) move it. Each
point costs one fold of the prefix, so a long ledger is sampled: at most ``MOST_POINTS``
points, evenly spread, always with the first and the last.

Accessible without colour: the SVG has a title and a description, the bands are named in
text (low, elevated, high) with dashed lines at their limits, every point is a marker
with its score written above it, and the page gives the same figures as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from markupsafe import Markup

from roundwise.engine.ledger import DecisionMade, Event, RevisionDelivered, VersionSubmitted
from roundwise.engine.scope import scope_report
from roundwise.engine.terms import ContractTerms

MOST_POINTS = 60
ELEVATED, HIGH = 30, 60  # the report's level limits (engine.scope.report)
WIDTH, HEIGHT, LEFT, TOP, PLOT = 640, 230, 48, 16, 170
RIGHT = 540  # the plot's right end; the band names are written beyond it


@dataclass(frozen=True, slots=True)
class CreepPoint:
    """The score after one event: its order, time, what happened, score and level."""

    number: int
    at: datetime
    kind: str  # "decision" | "version"
    deliverable: str
    detail: str  # the verdict of a decision, the number of a version
    score: int
    level: str


def _moves_the_score(event: Event) -> bool:
    return isinstance(event, DecisionMade | VersionSubmitted | RevisionDelivered)


def _sampled(indexes: list[int]) -> list[int]:
    """At most ``MOST_POINTS`` of ``indexes``, evenly spread, first and last kept."""
    if len(indexes) <= MOST_POINTS:
        return indexes
    step = (len(indexes) - 1) / (MOST_POINTS - 1)
    return sorted({indexes[round(i * step)] for i in range(MOST_POINTS)})


def creep_points(terms: ContractTerms, events: Sequence[Event]) -> list[CreepPoint]:
    """The creep score after each decision and delivered version (sampled when many)."""
    moving = [i for i, event in enumerate(events) if _moves_the_score(event)]
    found: list[CreepPoint] = []
    for index in _sampled(moving):
        event = events[index]
        report = scope_report(terms, events[: index + 1], event.at)
        kind, detail = "decision", ""
        if isinstance(event, DecisionMade):
            detail = event.verdict
        else:
            assert isinstance(event, VersionSubmitted | RevisionDelivered)
            kind, detail = "version", str(event.version)
        found.append(
            CreepPoint(
                len(found) + 1,
                event.at,
                kind,
                event.deliverable,
                detail,
                report.creep_score,
                report.creep_level,
            )
        )
    return found


def _y(score: int) -> float:
    return TOP + PLOT - score / 100 * PLOT


def _text(x: float, y: float, text: str, anchor: str = "middle", css: str = "") -> str:
    style = f' class="{css}"' if css else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{style}>{escape(text)}</text>'


def creep_chart(
    data: Sequence[CreepPoint], title: str, description: str, bands: tuple[str, str, str]
) -> Markup:
    """The SVG of ``data``: the score (0-100) by event, with the level bands named."""
    step = (RIGHT - LEFT - 16) / max(len(data) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="creep-title creep-desc" class="chart creep">',
        f'<title id="creep-title">{escape(title)}</title>',
        f'<desc id="creep-desc">{escape(description)}</desc>',
        f'<line class="axis" x1="{LEFT}" y1="{_y(0):.1f}" x2="{RIGHT}" y2="{_y(0):.1f}"/>',
    ]
    for limit in (ELEVATED, HIGH):
        parts.append(
            f'<line class="band" x1="{LEFT}" y1="{_y(limit):.1f}" x2="{RIGHT}" '
            f'y2="{_y(limit):.1f}"/>'
        )
    for value in (0, ELEVATED, HIGH, 100):
        parts.append(_text(LEFT - 6, _y(value) + 4, str(value), "end"))
    low, elevated, high = bands
    for name, middle in ((low, 15), (elevated, 45), (high, 80)):
        parts.append(_text(RIGHT + 8, _y(middle) + 4, name, "start", "band-name"))
    xy = [
        (LEFT + 8 + i * step if len(data) > 1 else LEFT + 8, _y(p.score))
        for i, p in enumerate(data)
    ]
    if len(xy) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        parts.append(f'<polyline class="score" points="{path}"/>')
    for (x, y), point in zip(xy, data, strict=True):
        parts.append(f'<circle class="marker" cx="{x:.1f}" cy="{y:.1f}" r="4"/>')
        if len(data) <= 20 or point is data[-1]:
            parts.append(_text(x, y - 8, str(point.score)))
        if len(data) <= 20:
            parts.append(_text(x, _y(0) + 18, f"{point.number}"))
    parts.append("</svg>")
    return Markup("".join(parts))


__all__ = ["MOST_POINTS", "CreepPoint", "creep_chart", "creep_points"]
