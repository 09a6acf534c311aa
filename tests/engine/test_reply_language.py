"""The reply-language policy (``engine.replies.reply_language``): an explicit choice, else
the client's language, else the contract's client language, else the contract's
language, else English, each only if Roundwise has phrase blocks for it."""

from __future__ import annotations

import pytest

from roundwise.engine.decide import Decision
from roundwise.engine.ledger import fold
from roundwise.engine.replies import (
    LanguageChoice,
    choose_language,
    reply_document,
    reply_language,
)
from roundwise.engine.replies import language as policy
from roundwise.engine.terms import ContractTerms
from tests.engine.bakery_project import at, bakery, play
from tests.engine.decide_support import IN_SCOPE, judge


@pytest.fixture
def decided() -> tuple[Decision, ContractTerms]:
    terms = bakery()
    return judge(terms, play()[:3], IN_SCOPE[0], at(20)), terms


@pytest.fixture
def phrased(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if Roundwise had phrase blocks in Slovenian and German too."""
    monkeypatch.setattr(policy, "reply_languages", lambda: ("de", "en", "sl"))


@pytest.mark.usefixtures("phrased")
def test_an_explicit_language_wins_when_it_can_be_phrased(
    decided: tuple[Decision, ContractTerms],
) -> None:
    decision, terms = decided
    client = decision.model_copy(update={"language": "sl"})
    assert reply_language(client, terms, "de") == "de"
    assert reply_language(client, terms, "fr") == "sl"  # no phrases: the client's instead
    assert reply_language(client, terms) == "sl"


@pytest.mark.usefixtures("phrased")
def test_without_the_clients_language_the_contracts_is_used(
    decided: tuple[Decision, ContractTerms],
) -> None:
    decision, terms = decided
    unknown = decision.model_copy(update={"language": "fr"})
    assert terms.client.language == "sl"
    assert reply_language(unknown, terms) == "sl"  # the contract's client language
    no_client_language = terms.model_copy(
        update={"client": terms.client.model_copy(update={"language": None}), "language": "de"}
    )
    assert reply_language(unknown, no_client_language) == "de"  # the contract's language


def test_english_when_nothing_else_can_be_phrased(
    decided: tuple[Decision, ContractTerms],
) -> None:
    decision, terms = decided
    state = fold(play()[:3], at(20), terms)
    # Neither the message's, the client's nor the contract's language has phrase blocks.
    client = terms.client.model_copy(update={"language": "de"})
    foreign = terms.model_copy(update={"client": client, "language": "fr"})
    unknown = decision.model_copy(update={"language": "fr"})
    assert reply_language(unknown, foreign, "xx") == "en"
    assert reply_document(unknown, foreign, state, "xx")["language"] == "en"


@pytest.mark.usefixtures("phrased")
def test_the_choice_records_which_rule_chose_the_language(
    decided: tuple[Decision, ContractTerms],
) -> None:
    decision, terms = decided
    client = decision.model_copy(update={"language": "sl"})
    assert choose_language(client, terms, "de") == LanguageChoice("de", "override")
    assert choose_language(client, terms) == LanguageChoice("sl", "client_message")
    unknown = decision.model_copy(update={"language": "fr"})
    assert choose_language(unknown, terms) == LanguageChoice("sl", "client_spec")
    foreign_client = terms.model_copy(
        update={"client": terms.client.model_copy(update={"language": "fr"}), "language": "de"}
    )
    assert choose_language(unknown, foreign_client) == LanguageChoice("de", "contract")
    nothing = foreign_client.model_copy(update={"language": "fr"})
    assert choose_language(unknown, nothing) == LanguageChoice("en", "default")


def test_the_reply_document_carries_the_rule(decided: tuple[Decision, ContractTerms]) -> None:
    decision, terms = decided
    state = fold(play()[:3], at(20), terms)
    english = decision.model_copy(update={"language": "en"})
    assert reply_document(english, terms, state)["language_rule"] == "client_message"
    assert reply_document(english, terms, state, "sl")["language_rule"] == "override"
