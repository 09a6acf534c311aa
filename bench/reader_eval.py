"""Fast evaluation of reader designs on train (source-grouped CV) and dev — never test.

``python -m bench.reader_eval`` prints, for each design, on train cross-validated by
source (5 folds) and on dev (fitted on the whole train split): intent accuracy, scope
accuracy, scope macro-F1, and the scope and intent accuracy on what is answered with the
review threshold that sends at most a fifth of the messages to review (chosen on the CV
scores, applied to dev). Messages in a language Roundwise does not answer in always go to
review and count in that fifth. The rules-only reader is the baseline row.

The designs are fitted with scikit-learn here (fast to try); the one kept is what
``bench/train_reader.py`` exports and ``engine/understand/reader.py`` runs.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from bench.real_messages import INTENTS, SCOPES, load, split_of
from bench.rule_features import RULE_FEATURES, rule_block
from bench.understanding import context_of, macro_f1
from roundwise.engine.understand import LANGUAGES, analyse_request
from roundwise.engine.understand.features import features
from roundwise.engine.understand.intent import NO_CHANGE, rule_intent

CHANGE_SCOPES = ("in_scope", "out_of_scope", "free_fix", "vague", "mixed")
FOLDS = 5
REVIEW_SHARE = 0.2
TOL = 1e-4


@dataclass(frozen=True, slots=True)
class Sample:
    text: str
    intent: str
    scope: str
    group: str
    supported: bool
    rule_intent: str  # the rules-only reader's intent
    rule_scope: str  # the rules-only reader's scope (``none`` for a no-change intent)
    concrete: bool
    dense: tuple[float, ...]


def samples(split: str) -> list[Sample]:
    """The labelled messages of ``split`` with what the rules found in each."""
    out = []
    for m in split_of(load(), split):
        analysis = analyse_request(m.message, context_of(m), assessed=False)
        concrete = any(item.scope != "vague" for item in analysis.items)
        ruling = rule_intent(m.message, concrete).intent or "revision_request"
        rscope = "none" if ruling in NO_CHANGE else analysis.scope
        out.append(
            Sample(
                m.message,
                m.intent,
                m.scope,
                m.source,
                analysis.language in LANGUAGES,
                ruling,
                rscope,
                concrete,
                rule_block(m.message, analysis).values,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Design:
    name: str
    combine: str = "stacked"  # "current" (rules precedence) | "stacked" | "derived"
    dense: float = 0.0  # scale of the rule features (0: not used)
    c_intent: float = 4.0
    c_scope: float = 4.0
    balanced: bool = True
    confidence: str = "joint"  # "min" | "joint" | "margin"
    min_df: int = 2
    none_at: float = 0.0  # current: scope none when no rule decides and p(none) >= this
    intent_at: float = 0.0  # current: the model's intent only when this sure, else default


@dataclass
class Predicted:
    intent: list[str]
    scope: list[str]
    confidence: list[float]


def _fit(x: Any, y: list[str], c: float, balanced: bool) -> LogisticRegression:
    model = LogisticRegression(
        C=c, max_iter=5000, tol=TOL, class_weight="balanced" if balanced else None
    )
    return model.fit(x, y)


def _proba(model: LogisticRegression, x: Any, classes: tuple[str, ...]) -> np.ndarray:
    p = model.predict_proba(x)
    out = np.zeros((x.shape[0], len(classes)))
    for k, label in enumerate(model.classes_):
        out[:, classes.index(label)] = p[:, k]
    return out


_CACHE: dict[tuple[int, str], Any] = {}


def matrix(design: Design, vec: TfidfVectorizer, rows: list[Sample]) -> Any:
    key = (id(vec), "\x00".join(r.text for r in rows))
    if key not in _CACHE:
        _CACHE[key] = vec.transform([r.text for r in rows])
    x = _CACHE[key]
    if design.dense:
        dense = sparse.csr_matrix(np.array([r.dense for r in rows]) * design.dense)
        x = sparse.hstack([x, dense]).tocsr()
    return x


def fit_predict(design: Design, fit: list[Sample], score: list[Sample], vec: Any) -> Predicted:
    xf, xs = matrix(design, vec, fit), matrix(design, vec, score)
    intent_model = _fit(xf, [r.intent for r in fit], design.c_intent, design.balanced)
    pi = _proba(intent_model, xs, INTENTS)
    if design.combine == "derived":
        change = [i for i, r in enumerate(fit) if r.scope != "none"]
        cs_model = _fit(xf[change], [fit[i].scope for i in change], design.c_scope, design.balanced)
        pcs = _proba(cs_model, xs, CHANGE_SCOPES)
        return _derived(pi, pcs, design)
    scope_model = _fit(xf, [r.scope for r in fit], design.c_scope, design.balanced)
    ps = _proba(scope_model, xs, SCOPES)
    if design.combine == "current":
        return _current(pi, ps, score, design.none_at, design.intent_at)
    if design.combine == "hybrid":
        change = [i for i, r in enumerate(fit) if r.scope != "none"]
        cs_model = _fit(xf[change], [fit[i].scope for i in change], design.c_scope, design.balanced)
        pcs = _proba(cs_model, xs, CHANGE_SCOPES)
        return _hybrid(pi, ps, pcs, score, design)
    return _stacked(pi, ps, design)


def _conf(p: np.ndarray, k: int, kind: str) -> float:
    if kind == "margin":
        top = np.sort(p)[-2:]
        return float(top[1] - top[0])
    return float(p[k])


def _stacked(pi: np.ndarray, ps: np.ndarray, design: Design) -> Predicted:
    out = Predicted([], [], [])
    for a, b in zip(pi, ps, strict=True):
        i, s = int(a.argmax()), int(b.argmax())
        out.intent.append(INTENTS[i])
        out.scope.append(SCOPES[s])
        ci, cs = _conf(a, i, design.confidence), _conf(b, s, design.confidence)
        out.confidence.append(ci * cs if design.confidence == "joint" else min(ci, cs))
    return out


NO_CHANGE_IDX = [k for k, i in enumerate(INTENTS) if i in NO_CHANGE]
CHANGE_IDX = [k for k, i in enumerate(INTENTS) if i not in NO_CHANGE]


def _derived(pi: np.ndarray, pcs: np.ndarray, design: Design) -> Predicted:
    """Scope ``none`` iff the intent asks no change; else the change-scope head's."""
    out = Predicted([], [], [])
    for a, b in zip(pi, pcs, strict=True):
        p_none = float(a[NO_CHANGE_IDX].sum())
        # joint (intent, scope): p(intent) * p(scope | change) for change intents
        joint = {}
        for k in NO_CHANGE_IDX:
            joint[(INTENTS[k], "none")] = float(a[k])
        for k in CHANGE_IDX:
            for j, s in enumerate(CHANGE_SCOPES):
                joint[(INTENTS[k], s)] = float(a[k] * b[j])
        if design.confidence == "scope_first":
            # choose the scope first (none vs the likeliest change scope), then the intent
            j = int(b.argmax())
            if p_none >= 0.5:
                k = max(NO_CHANGE_IDX, key=lambda k: a[k])
                best = (INTENTS[k], "none")
                conf = p_none * a[k] / p_none
                conf = p_none
            else:
                k = max(CHANGE_IDX, key=lambda k: a[k])
                best = (INTENTS[k], CHANGE_SCOPES[j])
                conf = (1 - p_none) * b[j]
        else:
            best = max(joint, key=joint.__getitem__)
            conf = joint[best]
        out.intent.append(best[0])
        out.scope.append(best[1])
        out.confidence.append(float(conf))
    return out


def _current(
    pi: np.ndarray,
    ps: np.ndarray,
    rows: list[Sample],
    none_at: float = 0.0,
    intent_at: float = 0.0,
    concrete: str = "rules",
) -> Predicted:
    """``concrete`` says what a concrete item's scope is: ``rules`` (shipped before),
    ``model`` / ``model_change`` (the model's likeliest scope / change scope),
    ``rules_or_none`` (``none`` when the model's likeliest is ``none``, else the rules';
    shipped), ``..._intent`` (and the intent then a no-change one), ``..._sure_<p>`` (and
    the model's scope when it is at least ``p`` sure)."""
    """The shipped precedence: a fired intent rule wins, else the model; scope none for
    no-change intents, the rules' scope when concrete, else the model's."""
    out = Predicted([], [], [])
    for a, b, r in zip(pi, ps, rows, strict=True):
        fired = r.dense[RULE_FEATURES.index("r:ruling.none")] == 0.0
        intent = r.rule_intent if fired else INTENTS[int(a.argmax())]
        if not fired and a.max() < intent_at:
            intent = "revision_request"
        ci = float(a[INTENTS.index(intent)]) if not fired else max(0.5, a[INTENTS.index(intent)])
        if intent in NO_CHANGE:
            scope, cs = "none", float(b[SCOPES.index("none")])
        elif r.concrete and concrete.startswith("rules_or_none"):
            p_none = float(b[SCOPES.index("none")])
            if (p_none >= none_at) if none_at else int(b.argmax()) == SCOPES.index("none"):
                scope, cs = "none", p_none
                if concrete.endswith("_intent") and intent == "revision_request":
                    k = max(NO_CHANGE_IDX, key=lambda k: a[k])
                    intent, ci = INTENTS[k], float(a[k])
            elif concrete.startswith("rules_or_none_sure") and b.max() >= float(
                concrete.rsplit("_", 1)[1]
            ):
                scope, cs = SCOPES[int(b.argmax())], float(b.max())
            else:
                scope, cs = r.rule_scope, float(b[SCOPES.index(r.rule_scope)])
        elif r.concrete and concrete == "rules":
            scope, cs = r.rule_scope, float(b[SCOPES.index(r.rule_scope)])
        elif r.concrete and concrete == "model_change":
            j = max((k for k, s in enumerate(SCOPES) if s != "none"), key=lambda k: b[k])
            scope, cs = SCOPES[j], float(b[j])
        elif none_at and b[SCOPES.index("none")] >= none_at:
            scope, cs = "none", float(b[SCOPES.index("none")])
        elif none_at:
            j = max((k for k, s in enumerate(SCOPES) if s != "none"), key=lambda k: b[k])
            scope, cs = SCOPES[j], float(b[j])
        else:
            scope = SCOPES[int(b.argmax())]
            cs = float(b.max())
        out.intent.append(intent)
        out.scope.append(scope)
        out.confidence.append(min(ci, cs))
    return out


def _hybrid(
    pi: np.ndarray, ps: np.ndarray, pcs: np.ndarray, rows: list[Sample], design: Design
) -> Predicted:
    """Intent by the shipped precedence; scope ``none`` iff that intent asks no change,
    else the rules' scope when concrete, else the change-scope head's."""
    out = Predicted([], [], [])
    for a, _b, c, r in zip(pi, ps, pcs, rows, strict=True):
        fired = r.dense[RULE_FEATURES.index("r:ruling.none")] == 0.0
        intent = r.rule_intent if fired else INTENTS[int(a.argmax())]
        k = INTENTS.index(intent)
        p_none = float(a[NO_CHANGE_IDX].sum())
        ci = max(0.5, a[k]) if fired else float(a[k])
        if intent in NO_CHANGE:
            scope, cs = "none", p_none
        elif r.concrete and design.confidence != "model_scope":
            scope = r.rule_scope
            cs = (
                (1 - p_none) * float(c[CHANGE_SCOPES.index(scope)])
                if scope in CHANGE_SCOPES
                else 0.0
            )
            cs = max(cs, 0.5)
        else:
            j = int(c.argmax())
            scope, cs = CHANGE_SCOPES[j], (1 - p_none) * float(c[j])
        out.intent.append(intent)
        out.scope.append(scope)
        out.confidence.append(min(ci, cs))
    return out


def threshold_for(rows: list[Sample], conf: list[float], share: float = REVIEW_SHARE) -> float:
    """The highest confidence threshold that sends at most ``share`` of rows to review."""
    best = 0.0
    for t in sorted(set(conf)):
        review = sum((not r.supported) or c < t for r, c in zip(rows, conf, strict=True))
        if review <= share * len(rows):
            best = t
    return best


def metrics(rows: list[Sample], pred: Predicted, threshold: float) -> dict[str, float]:
    answered = [k for k, r in enumerate(rows) if r.supported and pred.confidence[k] >= threshold]
    n = len(rows)
    return {
        "intent": sum(r.intent == p for r, p in zip(rows, pred.intent, strict=True)) / n,
        "scope": sum(r.scope == p for r, p in zip(rows, pred.scope, strict=True)) / n,
        "scope_f1": macro_f1([r.scope for r in rows], pred.scope),
        "review": 1 - len(answered) / n,
        "ans_scope": sum(rows[k].scope == pred.scope[k] for k in answered) / max(1, len(answered)),
        "ans_intent": sum(rows[k].intent == pred.intent[k] for k in answered)
        / max(1, len(answered)),
    }


def rules_only(rows: list[Sample]) -> Predicted:
    return Predicted([r.rule_intent for r in rows], [r.rule_scope for r in rows], [1.0] * len(rows))


def vectoriser(min_df: int, texts: list[str]) -> TfidfVectorizer:
    vec = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=min_df, dtype=np.float64)
    return vec.fit(texts)


def cross_validate(design: Design, train: list[Sample], vec: Any) -> Predicted:
    pred = Predicted([""] * len(train), [""] * len(train), [0.0] * len(train))
    groups = [r.group for r in train]
    for fit_idx, score_idx in GroupKFold(n_splits=FOLDS).split(train, groups=groups):
        part = fit_predict(design, [train[i] for i in fit_idx], [train[i] for i in score_idx], vec)
        for k, i in enumerate(score_idx):
            pred.intent[i], pred.scope[i] = part.intent[k], part.scope[k]
            pred.confidence[i] = part.confidence[k]
    return pred


def evaluate(design: Design, train: list[Sample], dev: list[Sample]) -> dict[str, dict[str, float]]:
    vec = vectoriser(design.min_df, [r.text for r in train])
    cv = cross_validate(design, train, vec)
    threshold = threshold_for(train, cv.confidence)
    dv = fit_predict(design, train, dev, vec)
    return {"cv": metrics(train, cv, threshold), "dev": metrics(dev, dv, threshold)}


KEYS = ("intent", "scope", "scope_f1", "review", "ans_scope", "ans_intent")


def show(name: str, result: dict[str, dict[str, float]], flush: bool = True) -> None:
    cells = []
    for split in ("cv", "dev"):
        cells.append(" ".join(f"{100 * result[split][k]:5.1f}" for k in KEYS))
    print(f"{name:42s} | {cells[0]} | {cells[1]}", flush=True)


def _designs() -> list[Design]:
    """Every design tried (docs/understanding.md, "Tuning the reader's combination")."""
    current = {"combine": "current", "confidence": "min"}
    return [
        Design("current (precedence)", **current),  # type: ignore[arg-type]
        Design("current, unbalanced", balanced=False, **current),  # type: ignore[arg-type]
        Design("current, C=1", c_intent=1.0, c_scope=1.0, **current),  # type: ignore[arg-type]
        Design("current, C=16", c_intent=16.0, c_scope=16.0, **current),  # type: ignore[arg-type]
        Design("current + rule features .3", dense=0.3, **current),  # type: ignore[arg-type]
        Design("current, model intent only if >= .3", intent_at=0.3, **current),  # type: ignore[arg-type]
        Design("stacked (model decides), no rule features"),
        Design("stacked, rule features 1", dense=1.0),
        Design("stacked, rule features .3", dense=0.3),
        Design("stacked, rule features .3, unbalanced", dense=0.3, balanced=False),
        Design("derived (scope none iff intent asks none)", combine="derived"),
        Design("derived, rule features 1", combine="derived", dense=1.0),
        Design("derived, rule features .3, unbal.", combine="derived", dense=0.3, balanced=False),
        Design("hybrid (precedence + change-scope head)", combine="hybrid"),
    ]


SHIPPED_SWEEP: tuple[tuple[float, str], ...] = (
    (0.0, "rules"),
    (0.2, "rules"),
    (0.3, "rules"),
    (0.5, "rules"),
    (0.0, "model"),
    (0.0, "model_change"),
    (0.0, "rules_or_none"),
    (0.0, "rules_or_none_intent"),
    (0.0, "rules_or_none_sure_0.5"),
    (0.0, "rules_or_none_sure_0.7"),
    (0.5, "rules_or_none"),
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reader_eval")
    parser.add_argument(
        "--designs", action="store_true", help="every design tried (slow: ~2 min each)"
    )
    args = parser.parse_args()
    train, dev = samples("train"), samples("dev")
    header = " ".join(f"{k[:5]:>5s}" for k in KEYS)
    print(f"{'design (train CV | dev)':42s} | {header} | {header}")
    base = {"cv": metrics(train, rules_only(train), 0.0), "dev": metrics(dev, rules_only(dev), 0.0)}
    show("rules only", base)
    if args.designs:
        for design in _designs():
            show(design.name, evaluate(design, train, dev))
        return
    # the shipped trainer's temperatures (bench/train_reader.py fits them on train CV)
    none_sweep(SHIPPED_SWEEP, 0.7, 0.4)


def _written() -> list[Sample]:
    from bench.train_reader import written_rows

    return [Sample(r.text, "", r.scope, r.group, True, "", "", False, ()) for r in written_rows()]


def _calibrate(p: np.ndarray, temperature: float) -> np.ndarray:
    z = np.log(np.clip(p, 1e-300, 1.0)) / temperature
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def none_sweep(values: tuple[tuple[float, str], ...], t_intent: float, t_scope: float) -> None:
    """The shipped design (rules precedence; intent and scope heads as ``make train``
    fits them: written change requests at 0.3 weight in the scope head, temperatures),
    with scope ``none`` when nothing decides and the calibrated p(none) >= each value."""
    train, dev, written = samples("train"), samples("dev"), _written()
    vec = vectoriser(2, [r.text for r in train + written])

    def probs(fit: list[Sample], score: list[Sample]) -> tuple[np.ndarray, np.ndarray]:
        xf, xs = vec.transform([r.text for r in fit]), vec.transform([r.text for r in score])
        xw = vec.transform([r.text for r in written])
        im = _fit(xf, [r.intent for r in fit], 4.0, True)
        both = sparse.vstack([xf, xw]).tocsr()
        w = np.array([1.0] * len(fit) + [0.3] * len(written))
        sm = LogisticRegression(C=4.0, max_iter=5000, tol=TOL, class_weight="balanced")
        sm.fit(both, [r.scope for r in fit + written], sample_weight=w)
        pi = _calibrate(_proba(im, xs, INTENTS), t_intent)
        return pi, _calibrate(_proba(sm, xs, SCOPES), t_scope)

    cv_pi, cv_ps = np.zeros((len(train), len(INTENTS))), np.zeros((len(train), len(SCOPES)))
    for fit_idx, score_idx in GroupKFold(n_splits=FOLDS).split(
        train, groups=[r.group for r in train]
    ):
        pi, ps = probs([train[i] for i in fit_idx], [train[i] for i in score_idx])
        cv_pi[score_idx], cv_ps[score_idx] = pi, ps
    dv_pi, dv_ps = probs(train, dev)
    for value, mode in values:
        cv = _current(cv_pi, cv_ps, train, value, concrete=mode)
        threshold = threshold_for(train, cv.confidence)
        dv = _current(dv_pi, dv_ps, dev, value, concrete=mode)
        show(
            f"shipped-like, none_at {value} {mode}",
            {"cv": metrics(train, cv, threshold), "dev": metrics(dev, dv, threshold)},
        )


if __name__ == "__main__":
    main()
