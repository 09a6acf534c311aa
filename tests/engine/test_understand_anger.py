"""The stage combiner and its anger signals: built reproducibly, scored like scikit-learn,
blind to quoted text, folded across scripts, and shown in the explanation."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from bench.train_stage import MODEL, dumps, train
from roundwise.engine.understand import RequestContext, analyse_request
from roundwise.engine.understand.anger import SIGNALS, anger_signals, mask_quoted, quoted_spans
from roundwise.engine.understand.stage_model import (
    FEATURES,
    RULES_ALONE_AT,
    StageModel,
    effective_probability,
    judge_stage,
    parse_stage_model,
)

CONTEXT = RequestContext(deliverable_id="home", deliverable_kind="text")
CALM = (
    "Could you make the headline a bit shorter?",
    "Thanks for the draft, please move the logo to the left.",
    "I think the second paragraph needs a warmer tone.",
    "Hvala za osnutek, prosim spremenite naslov.",
    "Možete li da promenite boju dugmeta u plavu?",
    "Μπορείτε να αλλάξετε τον τίτλο;",
    "გთხოვთ, შეცვალეთ სათაური.",
    "Poproszę o krótszy nagłówek.",
)
WORDS = ("the", "logo", "please", "change", "colour", "draft", "text", "fine", "blue", "we", "it")


def _stage(message: str) -> str:
    assessment = analyse_request(message, CONTEXT).assessment
    assert assessment is not None
    return assessment.stage


def test_the_committed_stage_model_is_what_make_train_builds() -> None:
    assert MODEL.read_text(encoding="utf-8") == dumps(train())


def test_the_combiner_scores_like_scikit_learn() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(80, len(FEATURES)))
    x[:, FEATURES.index("rules.caps")] = 0.0  # a run of capitals lets the rules decide alone
    y = (x[:, 0] + x[:, -1] + rng.normal(size=80) > 0).astype(int)
    fitted = LogisticRegression(C=1.0).fit(x, y)
    exported = {
        "features": list(FEATURES),
        "coef": fitted.coef_[0].tolist(),
        "intercept": float(fitted.intercept_[0]),
        "threshold": 0.5,
    }
    model = parse_stage_model(json.loads(json.dumps(exported)))
    for row, expected in zip(x[:10], fitted.predict_proba(x[:10])[:, 1], strict=True):
        verdict = judge_stage(row.tolist(), (), model)
        assert verdict.probability == pytest.approx(expected, abs=1e-9)
        assert verdict.explosion == (expected >= 0.5)


def test_a_model_built_for_other_features_is_refused() -> None:
    with pytest.raises(ValueError, match="make train"):
        parse_stage_model({"features": ["caps"], "coef": [1.0], "intercept": 0, "threshold": 0.5})


def test_the_weights_that_pushed_towards_an_explosion_are_the_positive_parts() -> None:
    model = StageModel(tuple(1.0 if i % 2 else -1.0 for i in range(len(FEATURES))), 0.0, 0.5)
    verdict = judge_stage([1.0] * len(FEATURES), (), model)
    assert [name for name, _ in verdict.weights] == sorted(FEATURES[1::2])
    assert all(weight > 0 for _, weight in verdict.weights)


@pytest.mark.parametrize(
    "message",
    [
        "You ruined it. You people never listen!!",
        "Are you KIDDING ME?! This is GARBAGE, I want my money back NOW!!!",
        "What the hell is this? My five-year-old could do better.",
        "Вы меня изуродовали! Возвращайте деньги, мошенники!",
        "Pan się nie napracował, to jest skandal!!",
        "Upropastili ste logo, ovo je sramota!!",
        "Απαράδεκτο!! Καταστρέψατε το λογότυπο, είστε απατεώνες!",
        "ეს რა არის?! მიუღებელია! თაღლითები ხართ!",
    ],
)
def test_angry_messages_are_explosions_and_say_which_signals_fired(message: str) -> None:
    assessment = analyse_request(message, CONTEXT).assessment
    assert assessment is not None
    assert assessment.stage == "explosion"
    explained = "\n".join(assessment.explain())
    assert "stage signals:" in explained
    assert any(cue.rule.startswith("anger.") for cue in assessment.stage_cues)


@pytest.mark.parametrize("message", CALM)
def test_calm_change_requests_stay_calm(message: str) -> None:
    assert _stage(message) == "calm"


def test_serbian_reads_the_same_in_both_scripts() -> None:
    latin = anger_signals("Vi ljudi ste upropastili sve, hvala na ničemu!")
    cyrillic = anger_signals("Ви људи сте упропастили све, хвала на ничему!")
    assert latin.values == cyrillic.values
    named = dict(zip(SIGNALS, latin.values, strict=True))
    assert named["blame"] > 0
    assert named["sarcasm"] > 0


def test_quoted_copy_in_capitals_is_not_shouting() -> None:
    message = 'Please change the button to "BOOK NOW!!" and the title to **BEST BREAD IN TOWN**.'
    assert mask_quoted(message).count(" ") > message.count(" ")
    signals = dict(zip(SIGNALS, anger_signals(message).values, strict=True))
    assert signals["caps_words"] == signals["marks"] == 0.0
    assert _stage(message) == "calm"


def test_masking_keeps_every_offset() -> None:
    message = "He wrote 'YOU ARE FIRED' and “NEVER AGAIN” in the draft."
    masked = mask_quoted(message)
    assert len(masked) == len(message)
    assert all(masked[a:b].strip() == "" for a, b in quoted_spans(message))


_QUOTABLE = st.text(
    alphabet=st.characters(blacklist_characters='"\n\r', blacklist_categories=("Cs",)),
    min_size=1,
    max_size=60,
).filter(lambda q: q.strip() != "")


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(CALM), _QUOTABLE)
@example(CALM[0], "YOU IDIOTS!!! I WILL SUE YOU, YOU RUINED IT?!")
@example(CALM[1], "refund, lawyer, what the hell")
def test_text_inside_quotes_never_raises_the_stage(message: str, quoted: str) -> None:
    before = analyse_request(message, CONTEXT)
    after = analyse_request(f'{message} It says "{quoted}"', CONTEXT)
    assert before.stage == after.stage == "calm"
    assert before.assessment is not None
    assert after.assessment is not None
    assert before.assessment.stage == after.assessment.stage == "calm"


_SHOUTABLE = st.lists(
    st.tuples(st.sampled_from(WORDS), st.booleans(), st.sampled_from(("", ",", "!", "?", "."))),
    min_size=1,
    max_size=14,
).map(lambda parts: " ".join(w.upper() + p if up else w + p for w, up, p in parts))


@settings(max_examples=40, deadline=None)
@given(_SHOUTABLE)
@example("PLEASE CHANGE THE LOGO!")
def test_lowercasing_a_calm_message_never_makes_it_an_explosion(message: str) -> None:
    if _stage(message) == "calm":
        assert _stage(message.lower()) == "calm"


@pytest.mark.parametrize(
    "message", ["THANK YOU!!! I LOVE IT!!!", "Thank you so much!! Lovely text.", "Perfect!!"]
)
def test_warm_enthusiasm_in_capitals_and_marks_is_not_an_explosion(message: str) -> None:
    assert _stage(message) == "calm"


def test_the_rules_decide_alone_when_their_cues_agree_and_warmth_alone_vetoes() -> None:
    named = dict.fromkeys(FEATURES, 0.0)
    assert effective_probability(0.1, list(named.values()), RULES_ALONE_AT) == 1.0
    assert effective_probability(0.1, list(named.values()), RULES_ALONE_AT - 1) == 0.1
    warm = list({**named, "warmth": 0.7}.values())
    assert effective_probability(0.99, warm, RULES_ALONE_AT) == 0.0
    angry_and_warm = list({**named, "warmth": 0.7, "blame": 0.7}.values())
    assert effective_probability(0.99, angry_and_warm, 0) == 0.99
