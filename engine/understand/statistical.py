"""The statistical reader: calibrated intent, scope and stage probabilities for a message.

Three logistic regressions share one TF-IDF space of the features in
``engine.understand.features``. They are fitted by ``make train``
(``bench/train_reader.py``, scikit-learn) and exported to ``models/reader.json``: the
vocabulary, the idf of each feature, and per head its classes, weights, intercepts and
calibration temperature. Scoring here is the same arithmetic — sublinear term frequency
times idf, L2-normalised, a dot product per class, softmax (a sigmoid for the two
stages) of the scores divided by the temperature — on one numpy matrix of every head's
weights (a row per feature), so a message costs one gather and one product rather than
a Python loop per class (0.6 ms → tens of µs: the reader runs on every judged request).
The engine needs no scikit-learn, and a test checks the two give the same probabilities.

The file is read once per process, at the first message (``reader_model``). Each reading
keeps the features that weighed most for the chosen class, so the explanation can say
which words made the model think so.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from operator import mul
from typing import Any

import numpy as np
import numpy.typing as npt

from roundwise.engine.understand.features import pair_features, style_features, word_features, words

Matrix = npt.NDArray[np.float64]

EVIDENCE = 5
# At most this many words' indices are kept (the dictionary is emptied when full).
KNOWN_WORDS = 50_000


@dataclass(frozen=True, slots=True)
class Head:
    """One classifier: its classes, its columns of the model's weight matrix (one per
    class, or one for a binary head), intercepts and calibration temperature."""

    name: str
    classes: tuple[str, ...]
    columns: slice
    intercepts: tuple[float, ...]
    temperature: float


@dataclass(frozen=True, slots=True)
class ReaderModel:
    """The exported model: feature index, idf, and the heads by name."""

    vocabulary: dict[str, int]
    idf: tuple[float, ...]
    heads: dict[str, Head]
    rules: dict[str, float]  # precision of each rule decision on the training split
    weights: Matrix  # features x (every head's columns), idf folded in
    names: tuple[str, ...]  # feature by index (the vocabulary, then the dense features)
    dense: tuple[str, ...] = ()  # dense features after the vocabulary (rule_features)
    # A word's own features as indices, kept per word: most of a message's features are
    # a word's letter runs, and words repeat (Zipf), so a known word costs one look-up.
    known_words: dict[str, tuple[int, ...]] = field(default_factory=dict)


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


def parse_model(data: dict[str, Any]) -> ReaderModel:
    """A ``ReaderModel`` from the JSON data of ``models/reader.json``.

    ``dense`` (optional) names the dense features that follow the TF-IDF vocabulary
    (``bench/rule_features.py`` was one such block) and ``dense_scale`` their scale in training; a
    head fitted without them (the stage head) has no weights for them (zeros here).
    """
    idf = tuple(float(v) for v in data["idf"])
    vocabulary = {name: i for i, name in enumerate(data["vocabulary"])}
    dense = tuple(data.get("dense", ()))
    width = len(idf) + len(dense)
    heads: dict[str, Head] = {}
    blocks: list[Matrix] = []
    start = 0
    for name, raw in data["heads"].items():
        coef = np.asarray(raw["coef"], dtype=np.float64)  # classes (or 1) x features
        if coef.shape[1] < width:
            coef = np.hstack([coef, np.zeros((coef.shape[0], width - coef.shape[1]))])
        blocks.append(coef.T)
        columns = slice(start, start + coef.shape[0])
        start = columns.stop
        intercepts = tuple(float(b) for b in raw["intercept"])
        heads[name] = Head(name, tuple(raw["classes"]), columns, intercepts, raw["temperature"])
    scale = [*idf, *([float(data.get("dense_scale", 1.0))] * len(dense))]
    scale_column = np.asarray(scale, dtype=np.float64)[:, None]
    weights = np.ascontiguousarray(np.hstack(blocks) * scale_column)
    rules = {key: float(value) for key, value in data.get("rules", {}).items()}
    names = (*data["vocabulary"], *dense)
    return ReaderModel(vocabulary, idf, heads, rules, weights, names, dense)


# Where ``reader_model`` gets the model's data: the packaged JSON, unless a block of
# ``using_model_data`` hands the same data in a form that is faster to read (the CLI).
_MODEL_DATA: list[Callable[[], dict[str, Any]]] = []


def packaged_model_data() -> dict[str, Any]:
    """The JSON data of the packaged ``models/reader.json``."""
    text = (
        resources.files("roundwise.engine.understand.models")
        .joinpath("reader.json")
        .read_text("utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


@contextmanager
def using_model_data(read: Callable[[], dict[str, Any]]) -> Iterator[None]:
    """Within the block, a first ``reader_model`` takes its data from ``read`` (the
    packaged data, e.g. with numeric lists as numpy arrays); the model is the same."""
    _MODEL_DATA.append(read)
    try:
        yield
    finally:
        _MODEL_DATA.remove(read)


@lru_cache(maxsize=1)
def reader_model() -> ReaderModel:
    """The packaged model, read and indexed once per process."""
    read = _MODEL_DATA[-1] if _MODEL_DATA else packaged_model_data
    return parse_model(read())


def vectorise(text: str, model: ReaderModel) -> Vector:
    """``text`` as the model's TF-IDF vector (scikit-learn's ``sublinear_tf``, ``l2``)."""
    found = words(text)
    counts: Counter[int] = Counter()
    for word in found:
        counts.update(_word_indices(word, model))
    counts.update(_indices(pair_features(found) + style_features(text), model))
    index = tuple(counts)
    tf = [1.0 + math.log(c) if c > 1 else 1.0 for c in counts.values()]
    weighted = list(map(mul, tf, map(model.idf.__getitem__, index)))
    norm = math.sqrt(sum(map(mul, weighted, weighted)))
    scale = 1.0 / norm if norm else 0.0
    names = tuple(map(model.names.__getitem__, index))
    return Vector(index, tuple(t * scale for t in tf), names)


def message_vector(text: str, model: ReaderModel, dense: tuple[float, ...] | None = None) -> Vector:
    """The one vector a message is scored on: its TF-IDF features (``vectorise``) followed
    by its dense features (``dense``, in the order of ``model.dense``, multiplied by the
    model's ``dense_scale`` as in training). Another dense block goes here too, appended
    to ``dense``."""
    vector = vectorise(text, model)
    if not dense or not model.dense:
        return vector
    if len(dense) != len(model.dense):
        raise ValueError(f"{len(dense)} dense values for {len(model.dense)} dense features")
    base = len(model.idf)
    extra = [(base + k, value) for k, value in enumerate(dense) if value]
    return Vector(
        vector.index + tuple(i for i, _ in extra),
        vector.tf + tuple(v for _, v in extra),
        vector.names + tuple(model.names[i] for i, _ in extra),
    )


def _indices(names: list[str], model: ReaderModel) -> tuple[int, ...]:
    get = model.vocabulary.get
    return tuple(i for name in names if (i := get(name)) is not None)


def _word_indices(word: str, model: ReaderModel) -> tuple[int, ...]:
    known = model.known_words
    indices = known.get(word)
    if indices is None:
        if len(known) >= KNOWN_WORDS:
            known.clear()
        indices = known[word] = _indices(word_features(word), model)
    return indices


def _contributions(model: ReaderModel, vector: Vector) -> Matrix:
    """Each feature's part of each column's score: a row per feature of the message."""
    rows = model.weights[np.fromiter(vector.index, dtype=np.intp, count=len(vector.index))]
    tf = np.fromiter(vector.tf, dtype=np.float64, count=len(vector.tf))
    return rows * tf[:, None]


def probabilities(head: Head, scores: list[float]) -> tuple[float, ...]:
    """Calibrated class probabilities from the head's raw scores (``temperature`` 1:
    scikit-learn's predict_proba)."""
    if len(head.classes) == 2 and len(scores) == 1:
        z = scores[0] / head.temperature
        p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        return (1.0 - p, p)
    top = max(scores)
    exps = [math.exp((s - top) / head.temperature) for s in scores]
    total = sum(exps)
    return tuple(e / total for e in exps)


def _evidence(
    head: Head, parts: Matrix, names: tuple[str, ...], label: int
) -> tuple[tuple[str, float], ...]:
    """The features that pushed most towards ``label``: the ``EVIDENCE`` largest positive
    parts, ties by name as ``heapq.nlargest`` orders them (every part tied with the last
    one kept is a candidate, so the choice never depends on numpy's partition order)."""
    if head.columns.stop - head.columns.start == 1:  # binary: the column is the 2nd class
        column = parts[:, head.columns.start] * (1.0 if label == 1 else -1.0)
    else:
        column = parts[:, head.columns.start + label]
    positive = np.flatnonzero(column > 0)
    if len(positive) > EVIDENCE:
        floor = np.partition(column[positive], -EVIDENCE)[-EVIDENCE]
        positive = positive[column[positive] >= floor]
    candidates = ((float(column[i]), names[i]) for i in positive)
    top = heapq.nlargest(EVIDENCE, candidates)
    return tuple((name, round(weight, 3)) for weight, name in top)


def read_head(head: Head, parts: Matrix, names: tuple[str, ...]) -> HeadReading:
    """The head's reading of one message, given its features' parts of every score."""
    sums = parts[:, head.columns].sum(axis=0)
    scores = [b + float(v) for b, v in zip(head.intercepts, sums, strict=True)]
    probs = probabilities(head, scores)
    best = max(range(len(probs)), key=lambda k: (probs[k], -k))
    return HeadReading(
        head.classes[best],
        probs[best],
        tuple(zip(head.classes, probs, strict=True)),
        _evidence(head, parts, names, best),
    )


def read_statistically(
    text: str, model: ReaderModel | None = None, dense: tuple[float, ...] | None = None
) -> dict[str, HeadReading]:
    """Every head's reading of ``text`` (the packaged model unless one is given); ``dense``:
    the message's dense features (``message_vector``), none when not given."""
    model = model or reader_model()
    vector = message_vector(text, model, dense)
    parts = _contributions(model, vector)
    return {name: read_head(head, parts, vector.names) for name, head in model.heads.items()}
