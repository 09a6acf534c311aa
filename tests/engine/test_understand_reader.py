"""The statistical reader and the assessment: trained reproducibly, scored like
scikit-learn, deterministic, and honest about what it is unsure of."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from bench.train_reader import MODEL, dumps, head_json, new_vectoriser, train, vectoriser_json
from roundwise.engine.understand import RequestContext, analyse_request
from roundwise.engine.understand.reader import REVIEW_BELOW, assess
from roundwise.engine.understand.statistical import parse_model, read_statistically, vectorise

CONTEXT = RequestContext(deliverable_id="home", deliverable_kind="text")
TEXTS = (
    "Approved, thanks!",
    "Looks great, go ahead and print.",
    "I want my money back, this is not what we paid for.",
    "Please refund the deposit.",
    "Could you make the headline shorter?",
    "Please change the blue to a darker shade.",
    "We are cancelling the project, sorry.",
    "Put it on hold until next month.",
    "When will the next draft be ready?",
    "What font did you use?",
    "Could you also move the logo to the left?",
    "Thank you so much, we love it!",
)
LABELS = ("approval",) * 2 + ("payment",) * 2 + ("revision",) * 2 + ("cancel",) * 2
LABELS += ("question",) * 2 + ("revision", "praise")


def test_the_committed_model_is_what_make_train_builds() -> None:
    assert MODEL.read_text(encoding="utf-8") == dumps(train())


@pytest.mark.parametrize("classes", [LABELS, tuple("yn"[i % 2] for i in range(len(TEXTS)))])
def test_pure_python_scoring_equals_scikit_learn(classes: tuple[str, ...]) -> None:
    vectoriser = new_vectoriser()
    vectoriser.min_df = 1
    x = vectoriser.fit_transform(TEXTS)
    names = tuple(sorted(set(classes)))
    model = LogisticRegression(C=10.0, max_iter=2000).fit(x, [names.index(c) for c in classes])
    exported = {**vectoriser_json(vectoriser), "heads": {"h": head_json(model, names, 1.0)}}
    ours = parse_model(json.loads(json.dumps(exported)))
    probe = ["Approved, go ahead!", "refund please, NOW!!", "What? Why?", *TEXTS[:3]]
    theirs = model.predict_proba(vectoriser.transform(probe))
    for text, expected in zip(probe, theirs, strict=True):
        got = read_statistically(text, ours)["h"].probabilities
        assert np.allclose([p for _, p in got], expected, atol=1e-3)


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=200))
def test_the_same_message_twice_gives_the_same_assessment(message: str) -> None:
    first = analyse_request(message, CONTEXT)
    second = analyse_request(message, CONTEXT)
    assert first == second
    assert first.assessment is not None
    a = first.assessment
    assert 0.0 <= a.intent_confidence <= 1.0
    assert 0.0 <= a.scope_confidence <= 1.0
    assert a.needs_review == bool(a.review_reasons)


def test_an_approval_is_an_approval_with_no_scope() -> None:
    a = analyse_request("Approved, thanks!", CONTEXT).assessment
    assert a is not None
    assert (a.intent, a.scope, a.intent_by) == ("approval", "none", "rules")


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("I want a refund for the logo, it is useless.", "payment_dispute"),
        ("If you don't fix this my lawyer will be in touch.", "legal_threat"),
        ("We've decided to cancel the project.", "cancellation"),
        ("This is all wrong, please start over from scratch.", "start_over"),
    ],
)
def test_unmistakable_phrasings_decide_the_intent(message: str, intent: str) -> None:
    a = analyse_request(message, CONTEXT).assessment
    assert a is not None
    assert a.intent == intent
    assert any(c.rule.startswith("intent.") for c in a.intent_cues)


def test_russian_is_read_as_russian_and_goes_to_review() -> None:
    analysis = analyse_request("Сделайте, пожалуйста, логотип побольше.", CONTEXT)
    assert analysis.language == "ru"
    assert analysis.assessment is not None
    assert analysis.assessment.needs_review
    assert any("ru" in r for r in analysis.assessment.review_reasons)


def test_serbian_cyrillic_stays_serbian() -> None:
    text = "Молим вас, промените боју логотипа у плаву, хвала."
    assert analyse_request(text, CONTEXT).language == "sr"


def test_the_explanation_shows_the_rules_and_the_weightiest_ngrams() -> None:
    analysis = analyse_request("I want a refund, this is useless!", CONTEXT)
    lines = "\n".join(analysis.explain())
    assert "intent payment_dispute (rules" in lines
    assert "intent.refund" in lines
    assert "model intent:" in lines


def test_a_low_confidence_reading_needs_review() -> None:
    analysis = analyse_request("Hmm.", CONTEXT, assessed=False)
    a = assess("Hmm.", analysis)
    low = min(a.intent_confidence, a.scope_confidence) < REVIEW_BELOW
    assert a.needs_review == low


def test_vectorising_ignores_unknown_features() -> None:
    model = parse_model(json.loads(MODEL.read_text(encoding="utf-8")))
    vector = vectorise("zzzqqq xxyyzz", model)
    assert all(0 <= i < len(model.idf) for i in vector.index)


def test_a_dense_block_after_the_vocabulary_scores_like_scikit_learn() -> None:
    """One extra dense vector per message (rule outputs, embeddings) is concatenated to
    the TF-IDF features; the pure-Python scoring matches scikit-learn on the hstack, and a
    head fitted without the block (zeros) ignores it."""
    from scipy import sparse

    vectoriser = new_vectoriser()
    vectoriser.min_df = 1
    x = vectoriser.fit_transform(TEXTS)
    dense = np.array([[float(i % 3 == 0), float(len(t) > 30)] for i, t in enumerate(TEXTS)])
    scale = 0.5
    names = tuple(sorted(set(LABELS)))
    y = [names.index(c) for c in LABELS]
    both = sparse.hstack([x, sparse.csr_matrix(dense * scale)]).tocsr()
    with_block = LogisticRegression(C=10.0, max_iter=2000).fit(both, y)
    without = LogisticRegression(C=10.0, max_iter=2000).fit(x, y)
    exported = {
        **vectoriser_json(vectoriser),
        "dense": ["d:first", "d:long"],
        "dense_scale": scale,
        "heads": {
            "h": head_json(with_block, names, 1.0),
            "plain": head_json(without, names, 1.0),
        },
    }
    ours = parse_model(json.loads(json.dumps(exported)))
    probe = list(TEXTS[:4])
    rows = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    theirs = with_block.predict_proba(
        sparse.hstack([vectoriser.transform(probe), sparse.csr_matrix(rows * scale)])
    )
    plain = without.predict_proba(vectoriser.transform(probe))
    for text, row, expected, expected_plain in zip(probe, rows, theirs, plain, strict=True):
        got = read_statistically(text, ours, tuple(row))
        assert np.allclose([p for _, p in got["h"].probabilities], expected, atol=1e-3)
        assert np.allclose([p for _, p in got["plain"].probabilities], expected_plain, atol=1e-3)
    with pytest.raises(ValueError, match="dense"):
        read_statistically("x", ours, (1.0,))
