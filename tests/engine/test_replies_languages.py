"""Replies in every language: golden files, the linter, names, thanks, prices, plurals.

For each language tag (en, sl, pl, sr, sr-Cyrl, el, ka), every verdict at both stages is
composed on a local contract (tests/golden/languages.py) and compared with its reviewed
golden file, tests/golden/languages/<tag>.txt. Each reply must be lint-clean in its own
language, greet the client by name in the form the language needs, thank them, show
the price when the work is billable, and be detected — by the engine's own language
detection, without a prior to fall back on — as the language it was written in.

Regenerate after a deliberate wording change with
``ROUNDWISE_REGENERATE_GOLDEN=1 pytest tests/engine/test_replies_languages.py`` and
review the diff like any other change.
"""

from __future__ import annotations

import itertools
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel import Locale
from babel.numbers import format_currency

from roundwise.engine.decide import RevisionRequest, evaluate
from roundwise.engine.ledger import ContractSigned, Event, VersionSubmitted, fold
from roundwise.engine.lint import lint_reply
from roundwise.engine.lint.script import to_cyrillic, to_latin
from roundwise.engine.replies import (
    Reply,
    ReplySettings,
    UnsupportedReplyLanguageError,
    compose_facts,
    compose_reply,
)
from roundwise.engine.replies.address import name_forms
from roundwise.engine.replies.phrasebook import phrase_files, reply_languages
from roundwise.engine.replies.placeholders import date_locale
from roundwise.engine.terms import ContractTerms, terms_sha256
from roundwise.engine.understand.cuebook import cuebook
from roundwise.engine.understand.language import detect_language
from tests.golden.languages import (
    LANGUAGE_TAGS,
    LOCALS,
    STAGES,
    VERDICTS,
    base,
    local_contract,
    local_facts,
    local_reply,
)
from tests.golden.scenarios import DRAFT, START, contract

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "languages"
PHRASES = Path(__file__).resolve().parents[2] / "engine" / "replies" / "phrases"
CASES = list(itertools.product(LANGUAGE_TAGS, VERDICTS, STAGES))
BILLABLE = {"too_large": 90, "extra_round": 90, "after_approval": 90, "out_of_scope": 180}
BILLABLE["mixed"] = 180
REFERRAL = {
    "en": "Maja Kos (maja@kos.example)",
    "sl": "Maja Kos (maja@kos.example)",
    "pl": "Ewa Lis (ewa@lis.example)",
    "sr": "Ana Ilić (ana@ilic.example)",
    "sr-Cyrl": "Ana Ilić (ana@ilic.example)",
    "el": "Μαρία Κ. (maria@k.example)",
    "ka": "ნინო კ. (nino@k.example)",
}
# Extra replies per language: the other tones, informal address, and a referral.
EXTRAS: dict[str, tuple[str, str, dict[str, object]]] = {
    "included-calm-formal-tone": ("included", "calm", {"tone": "formal"}),
    "included-calm-neutral-tone": ("included", "calm", {"tone": "neutral"}),
    "included-calm-informal": ("included", "calm", {"address": "informal"}),
    "extra_round-explosion-informal": ("extra_round", "explosion", {"address": "informal"}),
    "out_of_scope-calm-referral": (
        "out_of_scope",
        "calm",
        {"offers_out_of_scope_work": False, "consider_new_services": True},
    ),
}


def _reply(tag: str, verdict: str, stage: str, settings: dict[str, Any] | None = None) -> Reply:
    chosen = dict(settings or {})
    if chosen.get("offers_out_of_scope_work") is False:
        chosen["referral"] = REFERRAL[tag]
    return local_reply(tag, verdict, stage, **chosen)


def _section(title: str, reply: Reply) -> str:
    used = ", ".join(t.id for t in reply.techniques)
    return f"===== {title}\nSubject: {reply.subject}\n\n{reply.text}\nTechniques: {used}\n"


def golden_text(tag: str) -> str:
    """Every reply of one language, in the reviewed file's form."""
    sections = [
        _section(f"{verdict} / {stage}", _reply(tag, verdict, stage))
        for verdict in VERDICTS
        for stage in STAGES
    ]
    sections += [_section(name, _reply(tag, *case)) for name, case in EXTRAS.items()]
    return "\n".join(sections)


@pytest.mark.parametrize("tag", LANGUAGE_TAGS)
def test_the_replies_match_their_reviewed_golden_file(tag: str) -> None:
    path = GOLDEN / f"{tag}.txt"
    text = golden_text(tag)
    if os.environ.get("ROUNDWISE_REGENERATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


def _all_replies(tag: str) -> list[Reply]:
    replies = [_reply(tag, v, s) for v, s in itertools.product(VERDICTS, STAGES)]
    return replies + [_reply(tag, *case) for case in EXTRAS.values()]


@pytest.mark.parametrize("tag", LANGUAGE_TAGS)
def test_every_reply_is_lint_clean_in_its_own_language(tag: str) -> None:
    name = local_contract(tag).client.name
    for reply in _all_replies(tag):
        assert lint_reply(reply.text, tag, client_name=name) == [], reply.text


def _expected_name(tag: str) -> str:
    name = LOCALS[tag].greeting_name
    return to_cyrillic(name) if tag == "sr-Cyrl" else name


@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_the_greeting_names_the_client_and_the_reply_thanks_them(
    case: tuple[str, str, str],
) -> None:
    tag, verdict, stage = case
    text = _reply(tag, verdict, stage).text
    greeting = text.splitlines()[0]
    assert _expected_name(tag) in greeting
    thanks = LOCALS[tag].thanks
    words = [to_cyrillic(t) for t in thanks] if tag == "sr-Cyrl" else thanks
    assert any(w.lower() in text.lower() for w in words)


@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_a_billable_reply_states_its_price_in_the_replys_locale(
    case: tuple[str, str, str],
) -> None:
    tag, verdict, stage = case
    if verdict not in BILLABLE:
        return
    contract = local_contract(tag)
    price = format_currency(BILLABLE[verdict], contract.currency, locale=_locale(contract, tag))
    options = [line for line in _reply(tag, verdict, stage).text.splitlines() if line[:2] == "- "]
    assert any(price in line for line in options), (price, options)


def _locale(contract: ContractTerms, tag: str) -> str:
    return date_locale(contract, tag)


@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_a_replys_detected_language_is_the_language_chosen(case: tuple[str, str, str]) -> None:
    tag, verdict, stage = case
    reply = _reply(tag, verdict, stage)
    # No prior: a reply the detector cannot place would fall back to English and fail.
    reading = detect_language(reply.text, cuebook(), priors=())
    assert reading.code == base(tag)
    assert reading.method != "prior"
    assert reply.language == tag


@pytest.mark.parametrize("tag", LANGUAGE_TAGS)
def test_informal_replies_are_detected_and_lint_clean_too(tag: str) -> None:
    name = local_contract(tag).client.name
    for verdict, stage in itertools.product(VERDICTS, STAGES):
        reply = _reply(tag, verdict, stage, {"address": "informal", "tone": "neutral"})
        assert lint_reply(reply.text, tag, client_name=name) == [], reply.text
        assert detect_language(reply.text, cuebook(), priors=()).code == base(tag)


# Words only the formal (V) or only the informal (T) form of a language uses.
FORMS = {
    "sl": (r"\bvaše?\b|\bvam\b", r"\btvoje?\b|\bti\b"),
    "pl": (r"\bPaństw[ao]\b|\bPaństwu\b", r"\btwoj[eaą]\b|\bci\b|\bodpisz\b|\bdaj\b"),
    "sr": (r"\bVam\b|\bVaš[aeu]?\b", r"\bti\b|\btvoj[aeu]?\b"),
    "el": (r"\bσας\b", r"\bσου\b"),  # (σε is also the preposition "in")
    "ka": (r"გმადლობთ|\bთქვენ", r"\bგმადლობ\b|\bშენ(?:ი|ს|თვის)?\b"),
}


@pytest.mark.parametrize("language", sorted(FORMS))
def test_the_formal_address_is_the_default_and_informal_is_a_setting(language: str) -> None:
    formal_words, informal_words = FORMS[language]
    for verdict, stage in itertools.product(VERDICTS, STAGES):
        formal = _reply(language, verdict, stage).text
        informal = _reply(language, verdict, stage, {"address": "informal"}).text
        body = lambda text: "\n".join(text.splitlines()[1:])  # noqa: E731 - the greeting aside
        assert re.search(formal_words, body(formal)), formal
        assert not re.search(informal_words, body(formal)), formal
        assert re.search(informal_words, body(informal)), informal
        assert not re.search(formal_words, body(informal)), informal


def test_serbian_cyrillic_is_the_latin_reply_transliterated() -> None:
    for verdict, stage in itertools.product(VERDICTS, STAGES):
        latin = _reply("sr", verdict, stage)
        cyrillic = _reply("sr-Cyrl", verdict, stage)
        assert to_latin(cyrillic.text) == latin.text
        assert to_latin(cyrillic.subject) == latin.subject
        assert cyrillic.language == "sr-Cyrl"
        assert latin.language == "sr"


def test_the_serbian_script_tag_has_the_usual_spellings() -> None:
    facts, contract = local_facts("sr", "included", "calm"), local_contract("sr")
    cyrillic = compose_facts(facts, contract, "sr-Cyrl").text
    assert compose_facts(facts, contract, "sr_Cyrl").text == cyrillic
    assert (
        compose_facts(facts, contract, "sr-Latn").text == compose_facts(facts, contract, "sr").text
    )
    assert "sr-Cyrl" in reply_languages()


def test_a_foreign_name_in_a_serbian_contract_keeps_its_spelling_in_cyrillic() -> None:
    contract = local_contract("sr")
    freelancer = contract.freelancer.model_copy(update={"name": "Wendy Ilić"})
    contract = contract.model_copy(update={"freelancer": freelancer})
    text = compose_facts(local_facts("sr", "included", "calm"), contract, "sr-Cyrl").text
    assert text.endswith("\nWendy Ilić\n")
    assert name_forms("sr", "Wendy Ilić") == {}


def _plural_nodes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if "plural" in node else []
        return found + [n for v in node.values() for n in _plural_nodes(v)]
    if isinstance(node, list):
        return [n for v in node for n in _plural_nodes(v)]
    return []


@pytest.mark.parametrize("language", phrase_files())
def test_plural_nodes_use_only_the_languages_cldr_categories(language: str) -> None:
    data = yaml.safe_load((PHRASES / f"{language}.yaml").read_text(encoding="utf-8"))
    categories = set(Locale.parse(language).plural_form.tags) | {"other"}
    nodes = _plural_nodes(data)
    assert nodes
    for node in nodes:
        forms = set(node) - {"plural"}
        assert "other" in forms, (language, node)
        assert forms <= categories, (language, node)


@pytest.mark.parametrize("language", phrase_files())
def test_no_phrase_file_fakes_a_plural(language: str) -> None:
    text = (PHRASES / f"{language}.yaml").read_text(encoding="utf-8")
    assert "(s)" not in text
    assert "(e)" not in text
    assert "(a)" not in text


PLURALS = {
    "sl": {1: "še 1 vključeni krog", 2: "2 vključena kroga", 3: "3 vključeni krogi",
           5: "5 vključenih krogov", 101: "101 vključeni krog"},
    "pl": {1: "jeszcze jedna runda", 2: "2 rundy", 5: "5 rund", 22: "22 rundy", 25: "25 rund"},
    "sr": {1: "1 uključeni krug", 3: "3 uključena kruga", 5: "5 uključenih krugova",
           21: "21 uključeni krug"},
    "el": {1: "ακόμη ένας γύρος", 4: "4 γύροι"},
    "ka": {1: "კიდევ ერთი ფასში", 4: "კიდევ 4 ფასში შემავალი რაუნდი"},
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(PLURALS))
def test_counts_take_the_form_babels_plural_rule_picks(language: str) -> None:
    contract = local_contract(language)
    for count, expected in PLURALS[language].items():
        facts = local_facts(language, "included", "calm")
        facts = type(facts)(**{**_fields(facts), "rounds_left_after": count})
        text = compose_facts(facts, contract, language).text
        assert expected in text, (count, expected, text)


def _fields(facts: object) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in facts.__dataclass_fields__}  # type: ignore[attr-defined]


def test_one_locale_per_reply_money_percent_and_date() -> None:
    pl = _reply("pl", "after_approval", "calm").text
    assert "90,00\xa0zł" in pl
    assert "4 maja 2026" in pl
    sl = _reply("sl", "too_large", "calm").text
    assert "50\xa0%" in sl
    assert "90,00\xa0€" in sl
    el = _reply("el", "after_approval", "calm").text
    assert "4 Μαΐου 2026" in el
    assert "90,00\xa0€" in el


def test_a_reply_language_without_phrases_is_refused() -> None:
    with pytest.raises(UnsupportedReplyLanguageError, match="'xx'"):
        compose_facts(local_facts("en", "included", "calm"), local_contract("en"), "xx")


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("pl", "Anna Kowalska", {"female": "", "first_vocative": "Anno"}),
        ("pl", "Marek Nowak", {"male": "", "first_vocative": "Marku"}),
        ("pl", "Paweł Zieliński", {"male": "", "first_vocative": "Pawle"}),
        ("pl", "Kasia Nowak", {"female": "", "first_vocative": "Kasiu"}),
        ("pl", "Kuba Nowak", {}),
        ("pl", "Ingrid Berg", {}),
        ("sr", "Milica Petrović", {"female": "", "first_vocative": "Milice",
                                   "surname": "Petrović"}),
        ("sr", "Petar Ilić", {"male": "", "first_vocative": "Petre", "surname": "Ilić",
                              "surname_vocative": "Iliću"}),
        ("sr", "Saša Ilić", {}),
        ("sr", "John Smith", {}),
        ("el", "Γιάννης Παπαδάκης", {"male": "", "surname": "Παπαδάκης",
                                      "surname_vocative": "Παπαδάκη", "first_vocative": "Γιάννη"}),
        ("el", "Νίκος Παπαδόπουλος", {"male": "", "surname": "Παπαδόπουλος",
                                       "surname_vocative": "Παπαδόπουλε"}),
        ("el", "Eleni Papadopoulou", {"female": "", "first_vocative": "Eleni",
                                       "surname": "Papadopoulou"}),
        ("el", "Nikos Papadakis", {"male": "", "surname": "Papadakis",
                                   "surname_vocative": "Papadaki"}),
        ("el", "Alex Morgan", {}),
        ("sr", "Marko Horvat", {"male": "", "first_vocative": "Marko", "surname": "Horvat",
                                "surname_vocative": "Horvate"}),
        ("sr", "Carmen Horvat", {}),
        ("sr", "Milan Vukovac", {}),
        ("ka", "გიორგი მაისურაძე", {}),
    ],
)  # fmt: skip
def test_name_forms_are_derived_only_where_a_short_rule_is_reliable(
    language: str, name: str, expected: dict[str, str]
) -> None:
    assert name_forms(language, name) == expected


def _with_client(tag: str, name: str) -> ContractTerms:
    contract = local_contract(tag)
    return contract.model_copy(update={"client": contract.client.model_copy(update={"name": name})})


@pytest.mark.parametrize(
    ("tag", "name", "tone", "greeting"),
    [
        ("pl", "Marek Nowak", "formal", "Szanowny Panie Marku,"),
        ("pl", "Ingrid Berg", "warm", "Dzień dobry,"),
        ("pl", "Ingrid Berg", "formal", "Szanowni Państwo,"),
        ("sr", "Petar Ilić", "formal", "Poštovani gospodine Iliću,"),
        ("sr", "Saša Ilić", "warm", "Dobar dan,"),
        ("sr-Cyrl", "Petar Ilić", "formal", "Поштовани господине Илићу,"),
        ("el", "Γιάννης Παπαδάκης", "formal", "Αγαπητέ κύριε Παπαδάκη,"),
        ("el", "Alex Morgan", "warm", "Γεια σας,"),
        ("el", "Eleni Papadopoulou", "formal", "Αγαπητή κυρία Papadopoulou,"),
        ("sr", "Marko Horvat", "formal", "Poštovani gospodine Horvate,"),
        ("sr", "Marko Horvat", "warm", "Dobar dan, gospodine Horvate,"),
        ("sl", "Marko Horvat", "formal", "Dober dan, Marko Horvat,"),
        ("sl", "Maja Novak", "formal", "Spoštovana gospa Novak,"),
        ("ka", "გიორგი მაისურაძე", "formal", "პატივცემულო გიორგი მაისურაძე,"),
    ],
)
def test_the_greeting_falls_back_to_a_form_without_the_vocative(
    tag: str, name: str, tone: str, greeting: str
) -> None:
    facts = local_facts(tag, "included", "calm")
    reply = compose_facts(facts, _with_client(tag, name), tag, ReplySettings(tone=tone))
    assert reply.text.splitlines()[0] == greeting


def test_the_freelancer_can_write_the_greeting_themselves() -> None:
    facts = local_facts("pl", "included", "calm")
    settings = ReplySettings(greeting="Szanowny Panie *Profesorze*,")
    reply = compose_facts(facts, _with_client("pl", "Ingrid Berg"), "pl", settings)
    assert reply.text.splitlines()[0] == "Szanowny Panie *Profesorze*,"
    assert reply.markdown.splitlines()[0] == "Szanowny Panie \\*Profesorze\\*,"


# A client's own message in each language, judged by the real engine end to end.
MESSAGES = {
    "sl": "Pozdravljeni, hvala za osnutek! Prosim, skrajšajte uvodni odstavek in v drugem "
    "delu omenite naš novi ržen kruh.",
    "pl": "Dzień dobry, dziękuję za tekst. Proszę skrócić pierwszy akapit i dodać informację "
    "o naszym nowym chlebie żytnim.",
    "sr": "Zdravo, hvala na tekstu! Molim Vas da skratite uvodni pasus i da u drugom delu "
    "pomenete naš novi raženi hleb.",
    "el": "Καλησπέρα, ευχαριστώ για το κείμενο. Μπορείτε να κάνετε πιο σύντομη την εισαγωγή "
    "και να αναφέρετε το νέο μας ψωμί;",
    "ka": "გამარჯობა, მადლობა ტექსტისთვის. გთხოვთ, შეამოკლოთ შესავალი აბზაცი და ახსენოთ "
    "ჩვენი ახალი ჭვავის პური.",
}


@pytest.mark.parametrize("language", sorted(MESSAGES))
def test_a_real_decision_on_a_clients_message_is_answered_in_that_language(
    language: str,
) -> None:
    terms = _with_client_of("bakery-web-copy", LOCALS[language].client)
    events: list[Event] = [
        ContractSigned(at=START, contract_id=terms.id, terms_sha256=terms_sha256(terms)),
        VersionSubmitted(at=START, deliverable="home", version=1, text=DRAFT),
    ]
    now = START + timedelta(hours=2)
    state = fold(events, now, terms)
    request = RevisionRequest(deliverable="home", message=MESSAGES[language])
    decision = evaluate(terms, state, request, now)
    assert decision.language == language
    reply = compose_reply(decision, terms, None, decision.language or "en", state=state)
    assert lint_reply(reply.text, language, client_name=terms.client.name) == []
    assert detect_language(reply.text, cuebook(), priors=()).code == language


def _with_client_of(example: str, name: str) -> ContractTerms:
    terms = contract(example)
    return terms.model_copy(update={"client": terms.client.model_copy(update={"name": name})})
