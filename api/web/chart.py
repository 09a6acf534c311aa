"""The scope report's chart, drawn on the server as SVG (no script, no library).

Two panels share one axis of judged requests (rounds asked for), in the order they came:
the share of the text each round changed (bars, with the contract's limit per round as
a dashed line) and the out-of-scope asks each request held. The numbers are also given
as a table on the page, for screen readers and for anyone who wants the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from xml.sax.saxutils import escape

from markupsafe import Markup

from roundwise.engine.ledger import DecisionMade, Event, RevisionDelivered, VersionSubmitted
from roundwise.engine.measure import measure

WIDTH, PANEL, GAP, LEFT, BOTTOM = 640, 120, 40, 48, 28


@dataclass(frozen=True, slots=True)
class Point:
    """One judged request: its number, deliverable, changed share (0-1) and asks."""

    number: int
    deliverable: str
    verdict: str
    share: Decimal | None
    asks: int


def points(events: Sequence[Event]) -> list[Point]:
    """The chart's points: one per decision in the ledger (a round asked for).

    A round's changed share is the change of the next version of its deliverable
    delivered after the request (what the round actually changed), else the share the
    decision measured on a revised text the client sent, else unknown.
    """
    found: list[Point] = []
    last_text: dict[str, str] = {}
    waiting: dict[str, list[int]] = {}  # deliverable -> indexes of points awaiting a version
    for event in events:
        if isinstance(event, DecisionMade):
            asks = sum(1 for item in event.items if item.verdict == "out_of_scope")
            if not event.items and event.verdict == "out_of_scope":
                asks = 1
            point = Point(
                len(found) + 1, event.deliverable, event.verdict, event.changed_share, asks
            )
            waiting.setdefault(event.deliverable, []).append(len(found))
            found.append(point)
        elif isinstance(event, VersionSubmitted | RevisionDelivered) and event.text is not None:
            previous = last_text.get(event.deliverable)
            pending = waiting.pop(event.deliverable, [])
            if previous is not None and pending:
                share = Decimal(str(round(measure(previous, event.text).changed_share, 4)))
                first = found[pending[0]]
                found[pending[0]] = replace(first, share=share)
            last_text[event.deliverable] = event.text
    return found


def _bar(x: float, width: float, top: float, height: float, css: str) -> str:
    return (
        f'<rect class="{css}" x="{x:.1f}" y="{top + PANEL - height:.1f}" '
        f'width="{width:.1f}" height="{height:.1f}"/>'
    )


def _line(css: str, y: float) -> str:
    return f'<line class="{css}" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}"/>'


def _text(x: float, y: float, text: str, anchor: str = "middle") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'


def scope_chart(
    data: Sequence[Point], limit: Decimal | None, title: str, labels: tuple[str, str]
) -> Markup:
    """The SVG of ``data``; ``limit`` is the largest share a round may change (or None)."""
    height = 2 * PANEL + GAP + BOTTOM + 24
    step = (WIDTH - LEFT - 8) / max(len(data), 1)
    most_asks = max([p.asks for p in data] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="chart-title" class="chart">',
        f'<title id="chart-title">{escape(title)}</title>',
        _text(LEFT, 14, labels[0], "start"),
        _text(LEFT, PANEL + GAP + 14, labels[1], "start"),
    ]
    shares_top, asks_top = 20, 20 + PANEL + GAP
    for top in (shares_top, asks_top):
        parts.append(_line("axis", top + PANEL))
    parts.append(_text(LEFT - 6, shares_top + PANEL, "0%", "end"))
    parts.append(_text(LEFT - 6, shares_top + 10, "100%", "end"))
    parts.append(_text(LEFT - 6, asks_top + PANEL, "0", "end"))
    parts.append(_text(LEFT - 6, asks_top + 10, str(most_asks), "end"))
    if limit is not None:
        y = shares_top + PANEL - float(limit) * PANEL
        parts.append(_line("limit", y))
    for index, point in enumerate(data):
        width = min(step * 0.6, 48.0)
        x = LEFT + index * step + (step - width) / 2
        if point.share is not None:
            parts.append(_bar(x, width, shares_top, float(point.share) * PANEL, "share"))
        parts.append(_bar(x, width, asks_top, point.asks / most_asks * PANEL, "asks"))
        parts.append(_text(x + width / 2, asks_top + PANEL + 18, f"#{point.number}"))
    parts.append("</svg>")
    return Markup("".join(parts))


__all__ = ["Point", "points", "scope_chart"]
