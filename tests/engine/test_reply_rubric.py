"""The reply rubric (``engine.replies.rubric``) and the replies it judges.

Every message of the real-message test split (``corpus/splits.yaml``) is judged by the
real engine and answered; the reply must pass the rubric. The one that does not is listed
with the reason (``docs/languages.md``): the test fails if any other reply fails, or if
it starts to pass (then the list is out of date).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bench.real_messages import load, split_of
from bench.reply_rubric import Judged, judge, judged_split
from roundwise.engine.lint import lint_reply
from roundwise.engine.replies import Reply, compose_reply
from roundwise.engine.replies.placeholders import share_text
from roundwise.engine.replies.rubric import check_reply
from roundwise.engine.terms import KillFeeByStage
from roundwise.engine.understand.cuebook import cuebook
from roundwise.engine.understand.language import detect_language

# Known failures on the test split, and why (kept honest: a real defect).
KNOWN_FAILURES = {
    # "The phone number on the website is wrong!!!" is the client's change, but quoted
    # back it trips the linter's "you're wrong" rule, so the free-fix part restates
    # nothing ("You're right — well spotted.").
    "en-shoutsfromtheabyss-001": {"items"},
}


@pytest.fixture(scope="module")
def test_split() -> list[Judged]:
    return judged_split("test")


def test_every_reply_to_the_real_test_split_passes_the_rubric_but_the_known_one(
    test_split: list[Judged],
) -> None:
    failing = {j.message.id: {f.rule for f in j.findings} for j in test_split if j.findings}
    assert failing == KNOWN_FAILURES
    assert len(test_split) == 117  # the frozen split and the sources placed in it since


def test_every_reply_to_the_real_test_split_is_lint_clean_in_its_language(
    test_split: list[Judged],
) -> None:
    for judged in test_split:
        name = judged.terms.client.name
        assert lint_reply(judged.reply.text, judged.reply.language, client_name=name) == []


def test_every_reply_is_detected_as_the_language_chosen_for_it(
    test_split: list[Judged],
) -> None:
    for judged in test_split:
        detected = detect_language(judged.reply.text, cuebook(), priors=()).code
        assert detected == judged.reply.language.split("-")[0], judged.message.id


def test_an_angry_reply_opens_with_the_acknowledgement(test_split: list[Judged]) -> None:
    angry = [j for j in test_split if j.reply.stage == "explosion"]
    assert angry
    for judged in angry:
        first = judged.reply.text.split("\n\n")[1]
        assert first.startswith(("I'm sorry", "I am sorry")), judged.message.id


def _one(message_id: str) -> Judged:
    found = next(m for m in split_of(load(), "test") if m.id == message_id)
    return judge(found)


def _with_text(reply: Reply, text: str) -> Reply:
    return replace(reply, text=text, techniques=())


def test_the_rubric_catches_cheerful_thanks_for_an_insult() -> None:
    judged = _one("en-adchick-001")
    assert judged.reply.stage == "explosion"
    assert not judged.findings
    cheerful = "Hi Eleni,\n\nThank you so much for your feedback on the final logo!\n"
    rules = {
        f.rule
        for f in check_reply(_with_text(judged.reply, cheerful), judged.decision, judged.terms)
    }
    assert "anger" in rules


def test_the_rubric_catches_a_stand_in_for_the_change() -> None:
    judged = _one("en-childofatom-002")
    vague = judged.reply.text.replace(
        "“Can the edges be a bit more pronounced”", "what you'd like changed"
    )
    assert vague != judged.reply.text
    findings = check_reply(_with_text(judged.reply, vague), judged.decision, judged.terms)
    assert {f.rule for f in findings} == {"items"}


def test_a_money_demand_is_answered_with_the_clauses_and_the_statement() -> None:
    judged = next(
        j for j in judged_split("test") if j.decision.intent == "payment_dispute" and not j.findings
    )
    text = judged.reply.text
    assert "clause 5, “Fees and payment”" in text
    assert "clause 7, “Cancellation”" in text
    assert "revision statement" in text
    without = text.replace("revision statement", "summary")
    findings = check_reply(_with_text(judged.reply, without), judged.decision, judged.terms)
    assert [f.detail for f in findings] == ["does not offer the revision statement"]


def test_a_listed_technique_without_its_marker_is_a_finding() -> None:
    judged = _one("en-childofatom-002")
    claims = judged.reply.techniques
    assert claims
    assert not judged.findings
    apology = replace(claims[0], id="T26", name="Take responsibility")
    claimed = replace(judged.reply, techniques=(*claims, apology))
    findings = check_reply(claimed, judged.decision, judged.terms)
    assert [f.rule for f in findings] == ["techniques"]


def test_a_kill_fee_by_stage_is_stated_as_the_stage_fee_not_one_share() -> None:
    judged = next(
        j for j in judged_split("test") if j.decision.intent == "payment_dispute" and not j.findings
    )
    stages = KillFeeByStage(
        before_first_delivery=Decimal("0.1"),
        after_first_draft=Decimal("0.4"),
        after_revisions=Decimal("0.8"),
    )
    payment = judged.terms.payment.model_copy(update={"kill_fee_by_stage": stages})
    terms = judged.terms.model_copy(update={"payment": payment})
    reply = compose_reply(judged.decision, terms, None, judged.reply.language)
    assert (
        "the cancellation fee the agreement sets for the stage the work has reached" in reply.text
    )
    single = share_text(judged.terms.payment.kill_fee_share, None, "en")
    assert f"cancellation fee of {single}" not in reply.text
    assert check_reply(reply, judged.decision, terms) == []
