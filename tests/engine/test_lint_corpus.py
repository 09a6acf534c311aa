"""The linter against labelled corpora: bad replies (with expected rule ids) and good ones.

Three corpora: ``lint_bad``/``lint_good`` (written with the patterns), then
``lint_holdout`` and ``lint_holdout2``, each written after the previous fixes; their
first, held-out measurements are recorded in their headers and in docs/benchmarks.md.

Run ``python -m tests.engine.test_lint_corpus`` to print precision and recall.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from roundwise.engine.lint import lint_reply

DATA = Path(__file__).resolve().parents[1] / "data"
LATER: list[dict[str, Any]] = [
    yaml.safe_load((DATA / name).read_text("utf-8"))
    for name in ("lint_holdout.yaml", "lint_holdout2.yaml")
]
BAD: list[dict[str, Any]] = [
    *yaml.safe_load((DATA / "lint_bad.yaml").read_text("utf-8")),
    *(sample for corpus in LATER for sample in corpus["bad"]),
]
GOOD: list[str] = [
    *yaml.safe_load((DATA / "lint_good.yaml").read_text("utf-8")),
    *(text for corpus in LATER for text in corpus["good"]),
]


@dataclass(frozen=True)
class Scores:
    """Counts over (reply, rule id) pairs; good replies contribute only false positives."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def corpus_scores() -> Scores:
    tp = fp = fn = 0
    for sample in BAD:
        found = {f.rule for f in lint_reply(sample["text"])}
        expected = set(sample["expect"])
        tp, fp, fn = (
            tp + len(found & expected),
            fp + len(found - expected),
            fn + len(expected - found),
        )
    for text in GOOD:
        fp += len({f.rule for f in lint_reply(text)})
    return Scores(tp, fp, fn)


def test_the_corpora_are_large_enough_to_mean_something() -> None:
    assert len(BAD) >= 40
    assert len(GOOD) >= 20


def test_every_rule_of_the_linter_is_exercised_by_the_bad_corpus() -> None:
    from roundwise.engine.lint.patterns import rules_for

    labelled = {rule for sample in BAD for rule in sample["expect"]}
    assert {r.id for r in rules_for("en")} <= labelled


@pytest.mark.parametrize("index", range(len(BAD)))
def test_a_bad_reply_gets_exactly_its_labelled_findings(index: int) -> None:
    sample = BAD[index]
    assert {f.rule for f in lint_reply(sample["text"])} == set(sample["expect"])


@pytest.mark.parametrize("index", range(len(GOOD)))
def test_a_good_reply_has_no_findings(index: int) -> None:
    assert lint_reply(GOOD[index]) == []


def test_precision_and_recall_on_the_corpora_are_perfect() -> None:
    scores = corpus_scores()
    assert (scores.precision, scores.recall) == (1.0, 1.0)


if __name__ == "__main__":
    s = corpus_scores()
    print(
        f"bad={len(BAD)} good={len(GOOD)} tp={s.true_positives} fp={s.false_positives} "
        f"fn={s.false_negatives} precision={s.precision:.3f} recall={s.recall:.3f}"
    )
