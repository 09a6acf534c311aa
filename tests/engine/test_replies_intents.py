"""Answers to what a message is for, in every language: golden files and the rubric.

A refund or non-payment demand, a cancellation and a legal threat are answered with the
contract's fees and cancellation clauses, the deposit, payment days and kill fee, and
the revision statement; an approval is thanked for and confirmed; a start-over gets a
change order. For each language tag × intent × stage the reply is composed on the local
contract of ``tests/golden/languages.py`` (with a 30 % deposit) and compared with its
golden file, ``tests/golden/languages/intents/<tag>.txt`` (machine-written text, not
reviewed by a native speaker: ``docs/languages.md``). Each must pass the reply rubric,
be lint-clean in its language, and be detected as the language it was written in.
Regenerate with ``ROUNDWISE_REGENERATE_GOLDEN=1``.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from roundwise.engine.lint import lint_reply
from roundwise.engine.replies import Reply, ReplySettings, compose_facts
from roundwise.engine.replies.rubric import Answered, check_answer
from roundwise.engine.terms import ContractTerms
from roundwise.engine.understand.cuebook import cuebook
from roundwise.engine.understand.language import detect_language
from tests.golden.languages import LANGUAGE_TAGS, LOCALS, STAGES, local_contract, local_facts

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "languages" / "intents"
INTENTS = ("payment_dispute", "cancellation", "legal_threat", "approval", "start_over")
CASES = list(itertools.product(LANGUAGE_TAGS, INTENTS, STAGES))


@cache
def _contract(tag: str) -> ContractTerms:
    terms = local_contract(tag)
    payment = terms.payment.model_copy(update={"deposit_share": Decimal("0.3")})
    return terms.model_copy(update={"payment": payment})


def _reply(tag: str, intent: str, stage: str, address: str = "formal") -> Reply:
    facts = local_facts(tag, "needs_clarification", stage)
    groups = tuple(dataclasses.replace(g, items=()) for g in facts.groups)
    asked = dataclasses.replace(facts, intent=intent, groups=groups)
    settings = ReplySettings(address=address)  # type: ignore[arg-type]
    return compose_facts(asked, _contract(tag), tag, settings)


# An intent with change items besides: a vague one (restated, then the answer) and an
# included change (the answer, then the change's own part).
WITH_ITEMS = (
    ("payment_dispute", "needs_clarification"),
    ("cancellation", "included"),
    ("start_over", "needs_clarification"),
)


def _with_items(tag: str, intent: str, verdict: str, stage: str) -> Reply:
    facts = local_facts(tag, verdict, stage)
    change = (LOCALS[tag].change,)
    groups = tuple(dataclasses.replace(g, items=change) for g in facts.groups)
    asked = dataclasses.replace(facts, intent=intent, groups=groups)
    return compose_facts(asked, _contract(tag), tag, ReplySettings())


def golden_text(tag: str) -> str:
    """Every intent answer of one language, formal and informal, in the golden form."""
    sections = []
    for intent, stage in itertools.product(INTENTS, STAGES):
        for address in ("formal", "informal"):
            reply = _reply(tag, intent, stage, address)
            used = ", ".join(t.id for t in reply.techniques)
            sections.append(
                f"===== {intent} / {stage} / {address}\nSubject: {reply.subject}\n\n"
                f"{reply.text}\nTechniques: {used}\n"
            )
    for (intent, verdict), stage in itertools.product(WITH_ITEMS, STAGES):
        reply = _with_items(tag, intent, verdict, stage)
        used = ", ".join(t.id for t in reply.techniques)
        sections.append(
            f"===== {intent} + {verdict} item / {stage}\nSubject: {reply.subject}\n\n"
            f"{reply.text}\nTechniques: {used}\n"
        )
    return "\n".join(sections)


@pytest.mark.parametrize("tag", LANGUAGE_TAGS)
def test_the_intent_answers_match_their_golden_file(tag: str) -> None:
    path = GOLDEN / f"{tag}.txt"
    text = golden_text(tag)
    if os.environ.get("ROUNDWISE_REGENERATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("case", CASES, ids=["/".join(c) for c in CASES])
@pytest.mark.parametrize("address", ["formal", "informal"])
def test_an_intent_answer_passes_the_rubric_and_the_linter(
    case: tuple[str, str, str], address: str
) -> None:
    tag, intent, stage = case
    reply = _reply(tag, intent, stage, address)
    terms = _contract(tag)
    answer = Answered(intent, (), billable=False, deliverable="home")
    assert check_answer(reply, terms, answer) == [], reply.text
    assert lint_reply(reply.text, tag, client_name=terms.client.name) == [], reply.text


@pytest.mark.parametrize("case", CASES, ids=["/".join(c) for c in CASES])
def test_an_intent_answers_detected_language_is_the_language_chosen(
    case: tuple[str, str, str],
) -> None:
    tag, intent, stage = case
    reply = _reply(tag, intent, stage)
    detected = detect_language(reply.text, cuebook(), priors=()).code
    assert detected == tag.split("-")[0], reply.text


ITEM_CASES = list(itertools.product(LANGUAGE_TAGS, WITH_ITEMS, STAGES))


@pytest.mark.parametrize(
    "case", ITEM_CASES, ids=[f"{t}/{i}+{v}/{s}" for t, (i, v), s in ITEM_CASES]
)
def test_an_intent_with_change_items_restates_them_and_answers_both(
    case: tuple[str, tuple[str, str], str],
) -> None:
    tag, (intent, verdict), stage = case
    reply = _with_items(tag, intent, verdict, stage)
    terms = _contract(tag)
    answer = Answered(intent, (LOCALS[tag].change,), billable=False, deliverable="home")
    assert check_answer(reply, terms, answer) == [], reply.text
    assert lint_reply(reply.text, tag, client_name=terms.client.name) == [], reply.text
    detected = detect_language(reply.text, cuebook(), priors=()).code
    assert detected == tag.split("-")[0]


def test_a_money_answer_states_the_contracts_terms_in_the_replys_locale() -> None:
    reply = _reply("pl", "payment_dispute", "calm")
    assert "pkt 5 „Wynagrodzenie i płatności”" in reply.text
    assert "pkt 7 „Odstąpienie od umowy”" in reply.text
    assert "30%" in reply.text or "30 %" in reply.text
    assert "zestawienie poprawek" in reply.text
    assert reply.subject.startswith("Płatność")
