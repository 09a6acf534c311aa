"""Every verdict × stage × tone on the three example contracts gives a reply worth sending.

Decisions are real (see tests/golden/scenarios.py); the stage is varied on the decision,
since the same verdict must be answered differently to a calm and to an angry client.
"""

from __future__ import annotations

import itertools

import pytest
import regex
from babel.numbers import get_currency_symbol

from roundwise.engine.decide import BILLABLE_VERDICTS
from roundwise.engine.lint import lint_reply
from roundwise.engine.replies import TONES, Reply, ReplySettings, compose_reply, techniques
from roundwise.engine.replies.inputs import INTENT_ANSWERS
from roundwise.engine.replies.placeholders import date_locale
from tests.golden.scenarios import CONTRACTS, VERDICTS, Scenario, scenario

STAGES = ("calm", "explosion")
CASES = list(itertools.product(CONTRACTS, (*VERDICTS, "mixed"), STAGES, TONES))


def _reply(case: tuple[str, str, str, str], settings: ReplySettings | None = None) -> Reply:
    name, verdict, stage, tone = case
    found = scenario(name, verdict)
    decision = found.decision.model_copy(update={"stage": stage})
    chosen = settings or ReplySettings(tone=tone)
    return compose_reply(decision, found.contract, None, "en", chosen, state=found.state)


def _scenario(case: tuple[str, str, str, str]) -> Scenario:
    return scenario(case[0], case[1])


def _option_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


def _has_price(line: str, found: Scenario) -> bool:
    contract = found.contract
    # One locale per reply: the reply's language with the contract's territory.
    symbol = get_currency_symbol(contract.currency, locale=date_locale(contract, "en"))
    return bool(
        regex.search(rf"\d[\d\s.,]*\s?{regex.escape(symbol)}|{regex.escape(symbol)}\s?\d", line)
    )


@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_the_reply_is_polite_specific_and_passes_the_linter(
    case: tuple[str, str, str, str],
) -> None:
    found = _scenario(case)
    reply = _reply(case)
    text = reply.text
    assert lint_reply(text, client_name=found.contract.client.name) == []
    assert found.contract.client.name.split()[0] in text
    assert regex.search(r"\bthank", text, regex.IGNORECASE)
    route = found.decision.route
    if route is not None and route.intent in INTENT_ANSWERS and route.clauses:
        # A message read as a start over (or a money demand, ...) is answered by its
        # intent's clause: "Honestly none of these work for me" is a new concept (6.7).
        assert any(f"clause {ref.number}," in text for ref in route.clauses)
    else:
        for verdict in found.decision.verdicts:
            rule = next((r for r in found.decision.rules if r.fired and r.verdict == verdict), None)
            if rule is not None:
                assert f"clause {rule.clause.number}," in text
    if found.decision.billable:
        assert any(_has_price(line, found) for line in _option_lines(text))


@pytest.mark.parametrize("case", CASES[::5], ids=["-".join(c) for c in CASES[::5]])
def test_the_same_decision_always_gets_the_same_reply(case: tuple[str, str, str, str]) -> None:
    assert _reply(case) == _reply(case)


@pytest.mark.parametrize("stage", STAGES)
def test_an_angry_client_is_heard_before_any_position(stage: str) -> None:
    reply = _reply(("bakery-web-copy", "extra_round", stage, "warm"))
    listening = reply.text.find("I can hear how frustrating")
    position = reply.text.find("clause ")
    if stage == "explosion":
        assert 0 < listening < position
        assert "T07" in {t.id for t in reply.techniques}
    else:
        assert listening == -1
        assert "T07" not in {t.id for t in reply.techniques}


def test_an_angry_messages_change_is_restated_after_acknowledging_the_anger() -> None:
    """Issue 17: an angry reply names the change it agrees to, after the acknowledgement."""
    calm = _reply(("bakery-web-copy", "included", "calm", "warm"))
    angry = _reply(("bakery-web-copy", "included", "explosion", "warm"))
    assert "rye sourdough" in calm.text
    assert "rye sourdough" in angry.text
    body = angry.text.split("\n", 2)[2]
    assert body.startswith("I'm sorry")
    assert body.index("I'm sorry") < body.index("rye sourdough")


def test_a_mixed_request_answers_both_parts_in_one_reply() -> None:
    reply = _reply(("bakery-web-copy", "mixed", "calm", "neutral"))
    assert "two parts" in reply.text
    assert "three generations" in reply.text
    assert "German" in reply.text
    assert reply.text.index("included revision round") < reply.text.index("change order")


def test_a_too_large_change_says_by_how_much_it_must_shrink() -> None:
    reply = _reply(("bakery-web-copy", "too_large", "calm", "warm"))
    assert "The edits touch 50% of the text" in reply.text
    assert "from 50% to 30%" in reply.text


def test_visual_work_is_measured_in_change_items() -> None:
    reply = _reply(("fox-logo", "too_large", "calm", "neutral"))
    assert "6 change items" in reply.text
    assert "up to 5" in reply.text


def test_prices_are_formatted_for_the_replys_one_locale() -> None:
    # English with the contract's territory (en_IE, en_PL, en_SI), like the dates.
    assert "€180.00" in _reply(("bakery-web-copy", "too_large", "calm", "warm")).text
    assert "400,00\xa0PLN" in _reply(("fox-logo", "extra_round", "calm", "warm")).text
    assert "60,00\xa0€" in _reply(("manual-translation", "extra_round", "calm", "warm")).text


def test_an_approval_date_is_written_in_the_reply_language() -> None:
    reply = _reply(("fox-logo", "after_approval", "calm", "formal"))
    assert "approved on 4 May 2026" in reply.text


def test_every_reply_lists_catalogued_techniques_with_sources() -> None:
    catalogue = techniques()
    for case in CASES[::7]:
        for used in _reply(case).techniques:
            assert used.name == catalogue[used.id].name
            assert used.sources


def test_the_tone_changes_greeting_and_sign_off() -> None:
    greetings = {
        tone: _reply(("fox-logo", "included", "calm", tone)).text.splitlines()[0] for tone in TONES
    }
    assert greetings == {
        "warm": "Hi Eleni,",
        "neutral": "Hello Eleni,",
        "formal": "Dear Eleni Papadopoulou,",
    }


def test_a_custom_sign_off_replaces_the_default() -> None:
    settings = ReplySettings(sign_off="Cheers,", sign_off_name="Ana")
    reply = _reply(("bakery-web-copy", "included", "calm", "warm"), settings)
    assert reply.text.endswith("Cheers,\nAna\n")


def test_new_services_are_promised_only_when_the_freelancer_means_it() -> None:
    case = ("bakery-web-copy", "out_of_scope", "calm", "warm")
    promise = "I'll let you know if I start offering it"
    honest = ReplySettings(offers_out_of_scope_work=False)
    willing = ReplySettings(offers_out_of_scope_work=False, consider_new_services=True)
    assert promise not in _reply(case, honest).text
    assert promise in _reply(case, willing).text
    assert "T02" in {t.id for t in _reply(case, willing).techniques}


def test_a_referral_is_named_only_when_configured() -> None:
    case = ("bakery-web-copy", "out_of_scope", "calm", "warm")
    referred = ReplySettings(offers_out_of_scope_work=False, referral="Maja Kos (maja@kos.example)")
    alone = ReplySettings(offers_out_of_scope_work=False)
    assert "I can recommend Maja Kos (maja@kos.example)" in _reply(case, referred).text
    assert "recommend" not in _reply(case, alone).text
    assert lint_reply(_reply(case, alone).text) == []


def test_billable_verdicts_are_the_decision_modules_own() -> None:
    assert {"extra_round", "too_large", "out_of_scope", "after_approval"} == BILLABLE_VERDICTS


def test_a_given_analysis_decides_the_stage_of_the_reply() -> None:
    from roundwise.engine.understand import RequestContext, analyse_request

    found = scenario("bakery-web-copy", "included")
    terms = found.contract
    context = RequestContext(deliverable_id="home", deliverable_kind="text")
    analysis = analyse_request("THIS IS UNACCEPTABLE!!! Fix it NOW!!", context)
    assert analysis.stage == "explosion"
    reply = compose_reply(found.decision, terms, analysis, "en", ReplySettings())
    assert "I can hear how frustrating" in reply.text
    assert reply.stage == "explosion"
