"""``make train`` (second step): fit the stage combiner and export ``models/stage.json``.

The combiner (``engine/understand/stage_model.py``) is a logistic regression over the
anger signals (``engine.understand.anger``), the cue rules' stage cues by kind and the
statistical reader's n-gram stage score. It learns from the same rows as the reader's
stage head (``bench/train_reader.py``): the ``train`` split of the real corpus, plus the
team's written change requests at 0.3 weight. The n-gram score of each row is
*out-of-fold* (the reader's stage head refitted on the other source-grouped folds), so
the combiner learns how much that score is worth on messages it has not seen.

The threshold is chosen on the combiner's own cross-validated probabilities for the real
``train`` messages (same folds): the lowest probability at which precision is still at
least ``PRECISION_TARGET``, i.e. the highest recall at that precision (with the warm-only
and rules-agree checks of ``stage_model`` applied, as the decision applies them). ``dev`` and
``test`` are never read here. Deterministic (lbfgs from zeros, fixed folds, rounded
numbers): ``--check`` exits 1 if the committed file differs from a fresh build.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from bench.real_messages import ROOT, load, split_of
from bench.train_reader import FOLDS, WRITTEN, WRITTEN_WEIGHT, C, new_vectoriser, write_or_check
from roundwise.engine.understand import RequestContext, analyse_request
from roundwise.engine.understand.anger import mask_quoted
from roundwise.engine.understand.cuebook import cuebook
from roundwise.engine.understand.stage_model import FEATURES, effective_probability, stage_values

MODEL = ROOT / "engine" / "understand" / "models" / "stage.json"
PRECISION_TARGET = 0.8
COMBINER_C = 4.0
DIGITS = 5


@dataclass(frozen=True, slots=True)
class StageRow:
    """One training message for the stage: text, label, fold group, weight, context."""

    text: str
    explosion: bool
    group: str
    weight: float
    context: RequestContext
    real: bool


def stage_rows() -> list[StageRow]:
    """The real ``train`` messages, then the written ones (as ``train_reader`` reads them)."""
    from bench.understanding import context_of
    from tests.engine.understand_projects import context_for

    rows = [
        StageRow(m.message, m.stage == "explosion", m.source, 1.0, context_of(m), True)
        for m in split_of(load(), "train")
    ]
    for path in WRITTEN:
        for number, raw in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or ()):
            context = context_for(raw["project"], raw["deliverable"])
            text = str(raw["message"]).strip()
            group = f"written-{path.stem}-{number % FOLDS}"
            explosion = raw["stage"] == "explosion"
            rows.append(StageRow(text, explosion, group, WRITTEN_WEIGHT, context, False))
    return rows


def folds(rows: list[StageRow]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The source-grouped folds ``train_reader`` calibrates with."""
    groups = [r.group for r in rows]
    y = np.array([r.explosion for r in rows])
    return list(GroupKFold(n_splits=FOLDS).split(np.zeros(len(rows)), y, groups))


def _ngram_fit(x: Any, y: np.ndarray, w: np.ndarray) -> LogisticRegression:
    model = LogisticRegression(C=C["stage"], max_iter=5000, tol=1e-6, class_weight="balanced")
    return model.fit(x, y, sample_weight=w)


def oof_ngram(rows: list[StageRow], splits: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Each row's n-gram stage score from a head fitted on the other folds (on the text
    with quotes blanked, as the engine scores it)."""
    vectoriser = new_vectoriser().fit([r.text for r in rows])
    x = vectoriser.transform([r.text for r in rows])
    x_masked = vectoriser.transform([mask_quoted(r.text) for r in rows])
    y = np.array([r.explosion for r in rows], dtype=int)
    w = np.array([r.weight for r in rows])
    scores = np.zeros(len(rows))
    for fit_idx, score_idx in splits:
        model = _ngram_fit(x[fit_idx], y[fit_idx], w[fit_idx])
        scores[score_idx] = model.decision_function(x_masked[score_idx])
    return scores


def feature_matrix(rows: list[StageRow], ngram: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every row's ``FEATURES`` and the rules' stage score (the rules read each row in its
    own context)."""
    book = cuebook()
    out, scores = [], []
    for row, score in zip(rows, ngram, strict=True):
        analysis = analyse_request(row.text, row.context, assessed=False)
        values, _ = stage_values(
            row.text, analysis.stage_cues, book.stage_weights, float(score), book.acronyms
        )
        out.append(values)
        scores.append(analysis.stage_score)
    return np.array(out, dtype=np.float64), np.array(scores)


def effective(p: np.ndarray, x: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The probabilities the decision uses (``stage_model.effective_probability``)."""
    triples = zip(p, x, scores, strict=True)
    return np.array([effective_probability(float(v), list(row), int(s)) for v, row, s in triples])


def fit_combiner(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float) -> LogisticRegression:
    """The combiner: class-weighted, L2-regularised logistic regression."""
    model = LogisticRegression(C=c, max_iter=5000, tol=1e-8, class_weight="balanced")
    return model.fit(x, y, sample_weight=w)


def oof_combiner(
    x: np.ndarray, rows: list[StageRow], splits: list[tuple[np.ndarray, np.ndarray]], c: float
) -> np.ndarray:
    """The combiner's cross-validated probability of an explosion for every row."""
    y = np.array([r.explosion for r in rows], dtype=int)
    w = np.array([r.weight for r in rows])
    p = np.zeros(len(rows))
    for fit_idx, score_idx in splits:
        p[score_idx] = fit_combiner(x[fit_idx], y[fit_idx], w[fit_idx], c).predict_proba(
            x[score_idx]
        )[:, 1]
    return p


def choose_threshold(p: np.ndarray, gold: np.ndarray, target: float = PRECISION_TARGET) -> float:
    """The lowest threshold (the highest recall) at which precision on ``p`` is at least
    ``target``; when none reaches it, the threshold with the best F1."""
    scored = []
    for t in sorted({round(float(v), DIGITS) for v in p}):
        said = p >= t
        tp = int((said & gold).sum())
        if tp:
            precision = tp / int(said.sum())
            scored.append((t, precision, 2 * tp / (int(said.sum()) + int(gold.sum()))))
    reaching = [t for t, precision, _ in scored if precision >= target]
    if reaching:
        return reaching[0]
    return max(scored, key=lambda s: (s[2], -s[0]))[0] if scored else 0.5


def _round(value: float) -> float:
    rounded = round(float(value), DIGITS)
    return 0.0 if rounded == 0 else rounded


def train() -> dict[str, Any]:
    """The exported combiner: features, weights, intercept, threshold."""
    rows = stage_rows()
    splits = folds(rows)
    x, scores = feature_matrix(rows, oof_ngram(rows, splits))
    y = np.array([r.explosion for r in rows], dtype=int)
    w = np.array([r.weight for r in rows])
    real = np.array([r.real for r in rows])
    p = effective(oof_combiner(x, rows, splits, COMBINER_C), x, scores)
    threshold = choose_threshold(p[real], y[real].astype(bool))
    model = fit_combiner(x, y, w, COMBINER_C)
    return {
        "format": 1,
        "trained_on": "corpus/real train split; written change requests at 0.3 weight",
        "features": list(FEATURES),
        "coef": [_round(v) for v in model.coef_[0]],
        "intercept": _round(model.intercept_[0]),
        "threshold": threshold,
        "precision_target": PRECISION_TARGET,
        "C": COMBINER_C,
    }


def dumps(model: dict[str, Any]) -> str:
    """The committed text of the combiner (stable across runs)."""
    return json.dumps(model, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def main() -> None:
    """Write ``engine/understand/models/stage.json`` (``--check``: compare instead)."""
    parser = argparse.ArgumentParser(prog="python -m bench.train_stage")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs")
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args()
    write_or_check(dumps(train()), args.out, args.check, "stage model")


if __name__ == "__main__":
    main()
