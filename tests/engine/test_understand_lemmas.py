"""Issue 16.4: the request read against the contract by lemma (``engine.understand.lemmas``).

(Messages written for this test; the contracts are the bakery example's deliverables and a
Slovenian and a Polish contract made up for it.)
"""

from __future__ import annotations

from roundwise.engine.understand import DeliverableInfo, RequestContext, analyse_request
from roundwise.engine.understand.lemmas import WORK, dictionaries_for, lemmas_of

BAKERY = RequestContext(
    deliverable_id="products",
    deliverable_kind="text",
    deliverables=(
        DeliverableInfo("home", "Home page copy", "text", "600 words, warm family tone."),
        DeliverableInfo("products", "Three product descriptions", "text", "Rye sourdough."),
    ),
    exclusions=("photography", "printed flyers", "social media posts"),
    contract_language="en",
    client_language="sl",
)
SLOVENIAN = RequestContext(
    deliverable_id="opis",
    deliverables=(DeliverableInfo("opis", "Opis izdelka", "text"),),
    contract_language="sl",
)
POLISH = RequestContext(
    deliverable_id="opis",
    deliverables=(DeliverableInfo("opis", "Opis produktu", "text"),),
    contract_language="pl",
)


def _items(message: str, context: RequestContext = BAKERY) -> list[tuple[str, list[str]]]:
    analysis = analyse_request(message, context, assessed=False)
    return [(i.scope, [c.rule for c in i.reasons]) for i in analysis.items]


def test_laminating_is_work_no_deliverable_covers() -> None:
    [(scope, rules)] = _items("Can you laminate them?")
    assert scope == "out_of_scope"
    assert "uncovered.laminate" in rules


def test_a_background_for_cheques_is_work_no_deliverable_covers() -> None:
    [(scope, rules)] = _items("Use it for the background on my cheques.")
    assert scope == "out_of_scope"
    assert "uncovered.cheque" in rules  # "cheques", by its lemma


def test_a_christmas_email_template_is_work_no_deliverable_covers() -> None:
    [(scope, rules)] = _items("A Christmas e-mail template.")
    assert scope == "out_of_scope"
    assert "uncovered.template" in rules


def test_work_a_deliverable_covers_is_not_uncovered() -> None:
    covered = RequestContext(
        deliverable_id="mail",
        deliverables=(DeliverableInfo("mail", "Christmas e-mail templates", "text"),),
    )
    assert _items("Please shorten the first e-mail template.", covered)[0][0] == "in_scope"
    assert not any(
        r.startswith("uncovered") for _, rules in _items("A template?", covered) for r in rules
    )


def test_a_mention_in_a_long_statement_is_no_ask() -> None:
    message = "Our old printer made a real mess of the Christmas template we had last year, sadly."
    assert all(scope != "out_of_scope" for scope, _ in _items(message))


def test_an_inflected_slovenian_title_names_its_deliverable() -> None:
    # "opisov izdelkov" (genitive plural) for the deliverable "Opis izdelka"
    [(scope, rules)] = _items("Prosim, skrajšajte zadnji odstavek opisov izdelkov.", SLOVENIAN)
    assert scope == "in_scope"
    assert "deliverable.opis" in rules
    assert "deliverable.opis" not in _items("Prosim, skrajšajte zadnji odstavek.", SLOVENIAN)[0][1]


def test_polish_is_not_lemmatised_its_dictionary_is_too_large() -> None:
    # simplemma's Polish dictionary keeps ~400 MB per process: Polish contracts are read
    # by the cue book's stems alone, and asking for Polish loads nothing.
    assert dictionaries_for(["pl"]) == ("en",)
    assert "pl" not in WORK
    [(_scope, rules)] = _items("Proszę skrócić ostatni akapit opisów produktów.", POLISH)
    assert not any(rule.startswith("uncovered.") for rule in rules)


def test_every_work_entry_lemmatises_in_its_own_language() -> None:
    # An entry is matched by its lemmas: each must have one (never an empty set).
    for code, entries in WORK.items():
        for entry in entries.split():
            assert entry in lemmas_of(entry, (code,))
