"""``make train``: fit the statistical message reader and export it as plain JSON.

The reader (``engine/understand/statistical.py``) scores a message's intent, scope
(``none`` when no change is asked) and stage with three logistic regressions over one
TF-IDF space of word, word-pair and letter-run features (``engine.understand.features``:
the same function tokenises here and at run time). Trained on the ``train`` split of the
real corpus only (``corpus/splits.yaml``) — dev and test are never read here — plus, for
scope and stage only, the team's written messages in ``tests/data/requests_labelled.yaml``
and ``requests_shared.yaml`` (they are all change requests, so they say nothing about the
other intents; their weight is capped so they do not drown the real messages).

Confidences are calibrated by temperature scaling: each head's scores are divided by the
one temperature that minimises the log-loss of its cross-validated scores on ``train``
(folds by source, so a source never scores itself).

Everything is deterministic (lbfgs from zeros, fixed folds, sorted vocabulary) and the
export rounds every number, so ``python -m bench.train_reader`` rebuilds the committed
``engine/understand/models/reader.json`` byte for byte; ``--check`` exits 1 if it differs.
"""

from __future__ import annotations

import argparse
import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from bench.real_messages import INTENTS, ROOT, SCOPES, STAGES, load, split_of
from roundwise.engine.understand.features import features

MODEL = ROOT / "engine" / "understand" / "models" / "reader.json"
WRITTEN = (
    ROOT / "tests" / "data" / "requests_labelled.yaml",
    ROOT / "tests" / "data" / "requests_shared.yaml",
)
FORMAT = 1
DIGITS = 5
MIN_DF = 2
C = {"intent": 4.0, "scope": 4.0, "stage": 2.0}
# Each written message counts this much of a real one (scope and stage heads only).
WRITTEN_WEIGHT = 0.3
FOLDS = 5
TEMPERATURES = tuple(round(0.2 + 0.05 * i, 2) for i in range(97))  # 0.2 .. 5.0


@dataclass(frozen=True, slots=True)
class Row:
    """One training message with its labels (``intent`` None: not labelled for intent)."""

    text: str
    intent: str | None
    scope: str
    stage: str
    group: str
    weight: float


def real_rows() -> list[Row]:
    """The ``train`` split of the real corpus."""
    return [
        Row(m.message, m.intent, m.scope, m.stage, m.source, 1.0) for m in split_of(load(), "train")
    ]


def written_rows() -> list[Row]:
    """The team's written change requests (scope and stage labels, no intent)."""
    rows = []
    for path in WRITTEN:
        for number, raw in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or ()):
            group = f"written-{path.stem}-{number % FOLDS}"
            rows.append(
                Row(str(raw["message"]).strip(), None, raw["scope"], raw["stage"], group, 1.0)
            )
    return [Row(r.text, r.intent, r.scope, r.stage, r.group, WRITTEN_WEIGHT) for r in rows]


def _round(value: float) -> float:
    rounded = round(float(value), DIGITS)
    return 0.0 if rounded == 0 else rounded


def _temperature(scores: np.ndarray, labels: np.ndarray, binary: bool) -> float:
    """The temperature minimising the log-loss of cross-validated ``scores``."""
    best, best_loss = 1.0, math.inf
    for t in TEMPERATURES:
        if binary:
            z = scores / t
            p = 1.0 / (1.0 + np.exp(-z))
            p = np.clip(np.where(labels == 1, p, 1 - p), 1e-12, 1.0)
        else:
            z = scores / t
            z = z - z.max(axis=1, keepdims=True)
            p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            p = np.clip(p[np.arange(len(labels)), labels], 1e-12, 1.0)
        loss = float(-np.log(p).mean())
        if loss < best_loss - 1e-12:
            best, best_loss = t, loss
    return best


def _fit(x: Any, y: np.ndarray, w: np.ndarray, c: float) -> LogisticRegression:
    model = LogisticRegression(C=c, max_iter=5000, tol=1e-6, class_weight="balanced")
    return model.fit(x, y, sample_weight=w)


def _head(
    name: str, x: Any, rows: list[Row], labels: list[str], classes: tuple[str, ...]
) -> dict[str, Any]:
    present = tuple(c for c in classes if c in set(labels))
    y = np.array([present.index(label) for label in labels])
    w = np.array([r.weight for r in rows])
    groups = [r.group for r in rows]
    model = _fit(x, y, w, C[name])
    binary = len(present) == 2
    cv = np.zeros(len(rows)) if binary else np.zeros((len(rows), len(present)))
    for fit_idx, score_idx in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        fold_model = _fit(x[fit_idx], y[fit_idx], w[fit_idx], C[name])
        scores = fold_model.decision_function(x[score_idx])
        if binary or len(fold_model.classes_) == len(present):
            cv[score_idx] = scores
            continue
        # a class absent from the fold: its score is very low, the others as fitted
        full = np.full((len(score_idx), len(present)), -30.0)
        if len(fold_model.classes_) == 2:
            full[:, fold_model.classes_[1]] = scores
            full[:, fold_model.classes_[0]] = 0.0
        else:
            full[:, fold_model.classes_] = scores
        cv[score_idx] = full
    return head_json(model, present, _temperature(cv, y, binary))


def head_json(
    model: LogisticRegression, classes: tuple[str, ...], temperature: float
) -> dict[str, Any]:
    """One fitted head as exported: classes, rounded weights and intercepts, temperature."""
    return {
        "classes": list(classes),
        "coef": [[_round(v) for v in row] for row in model.coef_],
        "intercept": [_round(v) for v in model.intercept_],
        "temperature": temperature,
    }


def vectoriser_json(vectoriser: TfidfVectorizer) -> dict[str, Any]:
    """The fitted TF-IDF space as exported: vocabulary in index order, rounded idf."""
    vocabulary = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.__getitem__)
    return {"vocabulary": vocabulary, "idf": [_round(v) for v in vectoriser.idf_]}


def new_vectoriser() -> TfidfVectorizer:
    """The TF-IDF space the reader uses (features from ``engine.understand.features``)."""
    return TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=MIN_DF, dtype=np.float64)


def _laplace(hits: int, total: int) -> float:
    return _round((hits + 1) / (total + 2))


def rule_precision() -> dict[str, float]:
    """How often each rule decision is right on ``train`` (smoothed): the confidence the
    reader gives a decision the rules take (``engine.understand.reader``)."""
    from bench.understanding import context_of
    from roundwise.engine.understand import analyse_request
    from roundwise.engine.understand.intent import NO_CHANGE, rule_intent

    fired: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for m in split_of(load(), "train"):
        analysis = analyse_request(m.message, context_of(m), assessed=False)
        concrete = any(item.scope != "vague" for item in analysis.items)
        intent = rule_intent(m.message, concrete).intent
        key = f"intent.{intent}" if intent else "intent.default"
        fired[key] += 1
        right[key] += m.intent == (intent or "revision_request")
        if intent in NO_CHANGE:
            fired["scope.none"] += 1
            right["scope.none"] += m.scope == "none"
        else:
            key = "scope.concrete" if concrete else "scope.vague"
            fired[key] += 1
            right[key] += m.scope == analysis.scope
    return {key: _laplace(right[key], fired[key]) for key in sorted(fired)}


def train() -> dict[str, Any]:
    """The exported model: vocabulary, idf, and per head the classes and weights."""
    real = real_rows()
    both = real + written_rows()
    vectoriser = new_vectoriser().fit([r.text for r in both])
    x_real = vectoriser.transform([r.text for r in real])
    x_both = vectoriser.transform([r.text for r in both])
    heads = {
        "intent": _head("intent", x_real, real, [str(r.intent) for r in real], INTENTS),
        "scope": _head("scope", x_both, both, [r.scope for r in both], SCOPES),
        "stage": _head("stage", x_both, both, [r.stage for r in both], STAGES),
    }
    return {
        "format": FORMAT,
        "trained_on": "corpus/real train split; written change requests for scope and stage",
        "features": {"sublinear_tf": True, "norm": "l2", "min_df": MIN_DF},
        **vectoriser_json(vectoriser),
        "heads": heads,
        "rules": rule_precision(),
    }


def dumps(model: dict[str, Any]) -> str:
    """The committed text of the model (one head per line group, stable across runs)."""
    return json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main() -> None:
    """Write ``engine/understand/models/reader.json`` (``--check``: compare instead)."""
    parser = argparse.ArgumentParser(prog="python -m bench.train_reader")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs")
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args()
    write_or_check(dumps(train()), args.out, args.check, "model")


def write_or_check(text: str, out: Path, check: bool, what: str) -> None:
    """Write a model file, or with ``check`` exit 1 when the committed one differs (what
    ``make train``'s byte-for-byte guarantee is checked with)."""
    if check:
        same = out.exists() and out.read_text(encoding="utf-8") == text
        print(f"{what} up to date" if same else f"{what} differs from a fresh build")
        raise SystemExit(0 if same else 1)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)} ({len(text.encode()) // 1024} KiB)")


if __name__ == "__main__":
    main()
