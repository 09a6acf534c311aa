"""Accuracy of engine.understand on the labelled sets, per class and per language.

Run: ``.venv/bin/python -m tests.engine.understand_report [--errors]``
"""

from __future__ import annotations

import sys
from collections import defaultdict

from roundwise.engine.understand import analyse_request
from tests.engine.understand_projects import (
    HOLDOUT,
    HOLDOUT2,
    HOLDOUT3,
    HOLDOUT4,
    HOLDOUT5,
    HOLDOUT6,
    HOLDOUT7,
    LABELLED,
    SHARED_COPY,
    Labelled,
    context_for,
    load_labelled,
)

FIELDS = ("scope", "stage", "language")
# Held-out batches, each measured first before any rule change it could have guided.
HELD_OUT = (
    ("HELD-OUT batch 1 (first measured before the changes, then guided round 1)", HOLDOUT),
    ("HELD-OUT batch 2 (first measured after round 1, then guided round 2)", HOLDOUT2),
    ("HELD-OUT batch 3 (first measured after round 2, then guided round 3)", HOLDOUT3),
    ("HELD-OUT batch 4 (first measured after round 3, then guided round 4)", HOLDOUT4),
    ("HELD-OUT batch 5 (first measured after round 4, then guided round 5)", HOLDOUT5),
    ("HELD-OUT batch 6 (first measured after round 5, then guided round 6)", HOLDOUT6),
    ("HELD-OUT batch 7 (written after round 6, never tuned on)", HOLDOUT7),
)


def predictions(rows: list[Labelled]) -> list[tuple[Labelled, dict[str, str]]]:
    """Analyse each labelled message; the predicted value of each field."""
    out = []
    for row in rows:
        a = analyse_request(row.message, context_for(row.project, row.deliverable))
        out.append((row, {"scope": a.scope, "stage": a.stage, "language": a.language}))
    return out


def _table(title: str, groups: dict[str, list[bool]]) -> list[str]:
    lines = [f"{title:<14} {'n':>4} {'right':>6} {'accuracy':>9}"]
    for key in sorted(groups):
        ok = groups[key]
        lines.append(f"{key:<14} {len(ok):>4} {sum(ok):>6} {sum(ok) / len(ok):>9.1%}")
    return lines


def report(name: str, rows: list[Labelled], show_errors: bool) -> list[str]:
    """Per-field accuracy, per true class (scope, stage) and per language."""
    preds = predictions(rows)
    lines = [f"== {name}: {len(rows)} messages"]
    for f in FIELDS:
        right = sum(getattr(r, f) == p[f] for r, p in preds)
        lines.append(f"{f:<9} accuracy {right}/{len(rows)} = {right / len(rows):.1%}")
    for f, by in (
        ("scope", "scope"),
        ("stage", "stage"),
        ("scope", "language"),
        ("scope", "batch"),
    ):
        groups: dict[str, list[bool]] = defaultdict(list)
        for r, p in preds:
            groups[str(getattr(r, by))].append(getattr(r, f) == p[f])
        lines += ["", *_table(f"{f} by {by}", groups)]
    groups = defaultdict(list)
    for r, p in preds:
        groups[r.language].append(all(getattr(r, f) == p[f] for f in FIELDS))
    lines += ["", *_table("all by lang", groups)]
    if show_errors:
        lines.append("")
        for r, p in preds:
            wrong = [
                f"{f}: want {getattr(r, f)} got {p[f]}" for f in FIELDS if getattr(r, f) != p[f]
            ]
            if wrong:
                lines.append(f"[{r.language}] {r.message[:90]!r} -> {'; '.join(wrong)}")
    return lines


def main(argv: list[str]) -> int:
    errors = "--errors" in argv
    shared = report("shared examples", load_labelled(SHARED_COPY), errors)
    labelled = report("labelled set (tuned on: in-sample)", load_labelled(LABELLED), errors)
    lines = [*shared, "", *labelled]
    for name, path in HELD_OUT:
        if path.exists():
            lines += ["", *report(name, load_labelled(path), errors)]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
