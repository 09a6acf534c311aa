"""The statistical reader: calibrated intent, scope and stage probabilities for a message.

Three logistic regressions share one TF-IDF space of the features in
``engine.understand.features``. They are fitted by ``make train``
(``bench/train_reader.py``, scikit-learn) and exported to ``models/reader.json``: the
vocabulary, the idf of each feature, and per head its classes, weights, intercepts and
calibration temperature. Scoring here is the same arithmetic in plain Python — sublinear
term frequency times idf, L2-normalised, a dot product per class, softmax (a sigmoid for
the two stages) of the scores divided by the temperature — so the engine needs no
scikit-learn, and a test checks the two give the same probabilities.

The file is read once per process, at the first message (``reader_model``). Each reading
keeps the features that weighed most for the chosen class, so the explanation can say
which words made the model think so.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from operator import mul
from typing import Any

from engine.understand.features import features

EVIDENCE = 5


@dataclass(frozen=True, slots=True)
class Head:
    """One classifier: its classes, per-class weights (idf folded in), intercepts."""

    name: str
    classes: tuple[str, ...]
    weights: tuple[tuple[float, ...], ...]
    intercepts: tuple[float, ...]
    temperature: float


@dataclass(frozen=True, slots=True)
class ReaderModel:
    """The exported model: feature index, idf, and the heads by name."""

    vocabulary: dict[str, int]
    idf: tuple[float, ...]
    heads: dict[str, Head]
    rules: dict[str, float]  # precision of each rule decision on the training split


@dataclass(frozen=True, slots=True)
class Vector:
    """A message in the model's feature space: feature indices and tf-idf values (L2 = 1)."""

    index: tuple[int, ...]
    tf: tuple[float, ...]  # sublinear term frequencies, divided by the vector's norm
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HeadReading:
    """What one head thinks: the likeliest class, its probability, all probabilities, and
    the features that pushed most towards that class (feature, share of the score)."""

    label: str
    probability: float
    probabilities: tuple[tuple[str, float], ...]
    evidence: tuple[tuple[str, float], ...]


def _head(name: str, raw: dict[str, Any], idf: tuple[float, ...]) -> Head:
    weights = tuple(tuple(w * f for w, f in zip(row, idf, strict=True)) for row in raw["coef"])
    return Head(
        name,
        tuple(raw["classes"]),
        weights,
        tuple(float(b) for b in raw["intercept"]),
        float(raw["temperature"]),
    )


def parse_model(data: dict[str, Any]) -> ReaderModel:
    """A ``ReaderModel`` from the JSON data of ``models/reader.json``."""
    idf = tuple(float(v) for v in data["idf"])
    vocabulary = {name: i for i, name in enumerate(data["vocabulary"])}
    heads = {name: _head(name, raw, idf) for name, raw in data["heads"].items()}
    rules = {key: float(value) for key, value in data.get("rules", {}).items()}
    return ReaderModel(vocabulary, idf, heads, rules)


@lru_cache(maxsize=1)
def reader_model() -> ReaderModel:
    """The packaged model, read and indexed once per process."""
    text = resources.files("engine.understand.models").joinpath("reader.json").read_text("utf-8")
    return parse_model(json.loads(text))


def vectorise(text: str, model: ReaderModel) -> Vector:
    """``text`` as the model's TF-IDF vector (scikit-learn's ``sublinear_tf``, ``l2``)."""
    vocabulary, idf = model.vocabulary, model.idf
    found = [(f, c) for f, c in Counter(features(text)).items() if f in vocabulary]
    index = tuple(vocabulary[f] for f, _ in found)
    tf = [1.0 + math.log(c) if c > 1 else 1.0 for _, c in found]
    weighted = list(map(mul, tf, map(idf.__getitem__, index)))
    norm = math.sqrt(sum(map(mul, weighted, weighted)))
    scale = 1.0 / norm if norm else 0.0
    return Vector(index, tuple(t * scale for t in tf), tuple(f for f, _ in found))


def _scores(head: Head, vector: Vector) -> list[float]:
    return [
        b + sum(map(mul, vector.tf, map(row.__getitem__, vector.index)))
        for row, b in zip(head.weights, head.intercepts, strict=True)
    ]


def probabilities(head: Head, vector: Vector) -> tuple[float, ...]:
    """Calibrated class probabilities (``temperature`` 1: scikit-learn's predict_proba)."""
    scores = _scores(head, vector)
    if len(head.classes) == 2 and len(scores) == 1:
        z = scores[0] / head.temperature
        p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        return (1.0 - p, p)
    top = max(scores)
    exps = [math.exp((s - top) / head.temperature) for s in scores]
    total = sum(exps)
    return tuple(e / total for e in exps)


def _evidence(head: Head, vector: Vector, label: int) -> tuple[tuple[str, float], ...]:
    if len(head.weights) == 1:  # binary: the one row points to the second class
        sign = 1.0 if label == 1 else -1.0
        row = head.weights[0]
    else:
        sign, row = 1.0, head.weights[label]
    parts = zip(map(mul, vector.tf, map(row.__getitem__, vector.index)), vector.names, strict=True)
    top = heapq.nlargest(EVIDENCE, ((sign * w, name) for w, name in parts if sign * w > 0))
    return tuple((name, round(weight, 3)) for weight, name in top)


def read_head(head: Head, vector: Vector) -> HeadReading:
    """The head's reading of one vectorised message."""
    probs = probabilities(head, vector)
    best = max(range(len(probs)), key=lambda k: (probs[k], -k))
    return HeadReading(
        head.classes[best],
        probs[best],
        tuple(zip(head.classes, probs, strict=True)),
        _evidence(head, vector, best),
    )


def read_statistically(text: str, model: ReaderModel | None = None) -> dict[str, HeadReading]:
    """Every head's reading of ``text`` (the packaged model unless one is given)."""
    model = model or reader_model()
    vector = vectorise(text, model)
    return {name: read_head(head, vector) for name, head in model.heads.items()}
