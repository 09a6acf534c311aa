"""``make bench-stage``: how well the stage (calm / explosion) is read, on its own.

Explosion precision, recall and F1 for three readers of the stage:

- **rules**: the cue rules alone (``engine.understand.stage``);
- **rules + n-grams (before)**: the combination used before the stage combiner: an
  explosion when the rules say so, when the reader's stage head is at least 0.9 sure, or
  when the rules found some stage cue and the head is at least 0.2 sure;
- **combiner**: ``engine.understand.stage_model`` (rules' cues, anger signals and the
  n-gram score in one logistic regression, thresholded).

On three sets: ``train`` by source-grouped cross-validation (every n-gram score and
combiner probability out-of-fold, the folds of ``bench/train_stage.py``; the combiner's
threshold is the one chosen on these same probabilities, so this row is tuned on),
``dev`` (the committed models; thresholds and signals were tuned looking at it), and the
team's written batches ``tests/data/requests_holdout*.yaml`` (sl, sr, el, ka, en, pl).
The test split is never read. ``--sweep`` prints the train-CV figures for other values
of the combiner's regularisation; ``--timing`` the CPU time per message.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Sequence

import numpy as np

from bench.train_stage import (
    COMBINER_C,
    choose_threshold,
    effective,
    feature_matrix,
    folds,
    oof_combiner,
    oof_ngram,
    stage_rows,
)
from bench.understanding import Case, real_cases, written_cases
from roundwise.engine.understand import analyse_request
from roundwise.engine.understand.reader import assess
from roundwise.engine.understand.statistical import read_statistically, reader_model

BEFORE_AT = 0.9
BEFORE_WITH_CUE = 0.2


def prf(gold: Sequence[bool], said: Sequence[bool]) -> tuple[int, int, float, float, float]:
    """Explosions, flagged, precision, recall and F1 (NaN when undefined)."""
    tp = sum(g and s for g, s in zip(gold, said, strict=True))
    flagged, real = sum(said), sum(gold)
    p = tp / flagged if flagged else math.nan
    r = tp / real if real else math.nan
    f1 = 2 * tp / (flagged + real) if flagged + real else math.nan
    return real, flagged, p, r, f1


def _row(name: str, reader: str, gold: Sequence[bool], said: Sequence[bool]) -> str:
    real, flagged, p, r, f1 = prf(gold, said)
    return (
        f"| {name} | {reader} | {len(gold)} | {real} | {flagged} | {p:.2f} | {r:.2f} | {f1:.2f} |"
    )


def _before(rules: bool, score: int, p: float) -> bool:
    return rules or p >= BEFORE_AT or (score > 0 and p >= BEFORE_WITH_CUE)


def train_cv(c: float = COMBINER_C) -> list[str]:
    """The three readers on the real ``train`` messages, out-of-fold."""
    rows = stage_rows()
    splits = folds(rows)
    ngram = oof_ngram(rows, splits)
    x, scores = feature_matrix(rows, ngram)
    p = effective(oof_combiner(x, rows, splits, c), x, scores)
    real = [i for i, r in enumerate(rows) if r.real]
    gold = np.array([rows[i].explosion for i in real])
    threshold = choose_threshold(p[real], gold)
    temperature = reader_model().heads["stage"].temperature
    rules, before = [], []
    for i in real:
        analysis = analyse_request(rows[i].text, rows[i].context, assessed=False)
        p_head = 1.0 / (1.0 + math.exp(-ngram[i] / temperature))
        rules.append(analysis.stage == "explosion")
        before.append(_before(rules[-1], analysis.stage_score, p_head))
    name = f"train CV (C {c}, threshold {threshold:.2f})"
    return [
        _row(name, "rules", list(gold), rules),
        _row(name, "rules + n-grams (before)", list(gold), before),
        _row(name, "combiner", list(gold), list(p[real] >= threshold)),
    ]


def sweep(values: Sequence[float] = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)) -> None:
    """The combiner's train-CV figures for several regularisation strengths."""
    rows = stage_rows()
    splits = folds(rows)
    x, scores = feature_matrix(rows, oof_ngram(rows, splits))
    real = [i for i, r in enumerate(rows) if r.real]
    gold = np.array([rows[i].explosion for i in real])
    for c in values:
        p = effective(oof_combiner(x, rows, splits, c), x, scores)[real]
        threshold = choose_threshold(p, gold)
        print(
            _row(
                f"train CV (C {c}, threshold {threshold:.2f})",
                "combiner",
                list(gold),
                list(p >= threshold),
            )
        )


def held_out(name: str, cases: list[Case]) -> list[str]:
    """The three readers on one set of cases, with the committed models."""
    gold = [c.stage == "explosion" for c in cases]
    rules, before, after = [], [], []
    for case in cases:
        analysis = analyse_request(case.text, case.context, assessed=False)
        p_head = dict(read_statistically(case.text)["stage"].probabilities)["explosion"]
        rules.append(analysis.stage == "explosion")
        before.append(_before(rules[-1], analysis.stage_score, p_head))
        after.append(assess(case.text, analysis).stage == "explosion")
    return [
        _row(name, "rules", gold, rules),
        _row(name, "rules + n-grams (before)", gold, before),
        _row(name, "combiner", gold, after),
    ]


def timing(cases: list[Case]) -> str:
    """Median CPU time per message of analysing it, rules only and with the assessment."""
    for case in cases[:5]:  # warm the caches and models
        analyse_request(case.text, case.context)
    out = []
    for assessed in (False, True):
        times = []
        for case in cases:
            start = time.process_time_ns()
            for _ in range(5):
                analyse_request(case.text, case.context, assessed=assessed)
            times.append((time.process_time_ns() - start) / 5e6)
        out.append(
            f"{'with assessment' if assessed else 'rules only'} {statistics.median(times):.2f} ms"
        )
    return "median CPU time per message on dev: " + ", ".join(out)


HEADER = (
    "| set | reader | messages | explosions | flagged | precision | recall | F1 |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|"
)


def main() -> None:
    """Print the stage figures (markdown)."""
    parser = argparse.ArgumentParser(prog="python -m bench.stage_bench")
    parser.add_argument("--sweep", action="store_true", help="train-CV for other C values")
    parser.add_argument("--timing", action="store_true", help="CPU time per dev message")
    args = parser.parse_args()
    print(HEADER)
    if args.sweep:
        sweep()
        return
    print("\n".join(train_cv()))
    dev = real_cases("dev")
    print("\n".join(held_out("dev", dev)))
    written = written_cases()
    print("\n".join(held_out("written batches", written)))
    for language in sorted({c.language for c in written}):
        cases = [c for c in written if c.language == language]
        print("\n".join(held_out(f"written {language}", cases)[::2]))
    if args.timing:
        print("\n" + timing(dev))


if __name__ == "__main__":
    main()
