"""Behaviour of engine.understand rule by rule: each verdict names the cue behind it."""

from __future__ import annotations

import pytest

import roundwise.engine.understand as understand
from roundwise.engine.understand import RequestContext, analyse_request
from roundwise.engine.understand.cuebook import cuebook
from roundwise.engine.understand.fold import fold
from tests.engine.understand_projects import context_for

BAKERY_HOME = context_for("bakery-web-copy", "home")
FOX_FINAL = context_for("fox-logo", "final")
MANUAL = context_for("manual-translation", "manual")


def _rules(message: str, context: RequestContext = BAKERY_HOME) -> set[str]:
    analysis = analyse_request(message, context)
    return {cue.rule for item in analysis.items for cue in item.reasons}


def test_the_public_surface_is_pinned() -> None:
    assert set(understand.__all__) == {
        "ITEM_SCOPES", "LANGUAGES", "SCOPES", "STAGES", "ChangeItem", "Cue",
        "DeliverableInfo", "ItemScope", "LanguageMethod", "RequestAnalysis",
        "RequestContext", "Scope", "Stage", "analyse_request", "overall_scope",
    }  # fmt: skip


def test_an_exclusion_cue_quotes_the_contract_phrase_it_matched() -> None:
    analysis = analyse_request("Could you also write five Instagram posts?", BAKERY_HOME)
    cue = next(c for c in analysis.items[0].reasons if c.rule == "exclusion.social_media")
    assert "social media posts" in cue.explanation
    assert cue.text == "Instagram"


def test_work_excluded_in_one_contract_is_not_excluded_in_another() -> None:
    message = "Could you translate the page into German?"
    assert "exclusion.translation" in _rules(message, BAKERY_HOME)
    assert "exclusion.translation" not in _rules(message, MANUAL)


def test_new_work_is_out_of_scope_even_when_the_contract_does_not_list_it() -> None:
    analysis = analyse_request("Could you draft a newsletter too?", BAKERY_HOME)
    assert analysis.scope == "out_of_scope"
    assert any(c.rule.startswith("new_work.") for c in analysis.items[0].reasons)


def test_a_mixed_request_gives_one_item_per_ask_with_its_own_scope() -> None:
    analysis = analyse_request(
        "Please make the orange a touch darker, and could you design our business cards?",
        FOX_FINAL,
    )
    assert [i.scope for i in analysis.items] == ["in_scope", "out_of_scope"]
    assert analysis.scope == "mixed"


def test_a_follow_up_without_a_target_joins_the_item_it_refers_to() -> None:
    analysis = analyse_request(
        "Our glossary says rotor, not propeler. Please fix it everywhere.", MANUAL
    )
    assert len(analysis.items) == 1
    assert analysis.items[0].scope == "free_fix"
    assert len(analysis.items[0].spans) == 2


def test_words_quoted_as_the_term_to_fix_are_not_read_as_requests() -> None:
    # "pečat" (seal/stamp) is a certification cue, but here it is the wrong term quoted.
    message = "Na stronie 15 „seal” przetłumaczono jako „pečat”, a w glosariuszu jest „tesnilo”."
    assert analyse_request(message, MANUAL).scope == "free_fix"


def test_a_longer_vague_cue_beats_the_free_fix_cue_inside_it() -> None:
    analysis = analyse_request("Something is missing, I can't say what.", BAKERY_HOME)
    assert analysis.scope == "vague"


def test_greetings_and_praise_are_kept_as_context_not_dropped() -> None:
    analysis = analyse_request(
        "Hi Ana, thanks for the draft! Could you make the headline shorter?", BAKERY_HOME
    )
    assert analysis.context == ("Hi Ana, thanks for the draft!",)
    assert [i.text for i in analysis.items] == ["Could you make the headline shorter?"]


def test_a_message_without_any_request_is_one_vague_item_that_says_so() -> None:
    analysis = analyse_request("Hmm.", BAKERY_HOME)
    assert analysis.scope == "vague"
    assert analysis.items[0].reasons[0].rule == "no_actionable_change"


def test_explicit_items_are_classified_as_given_without_splitting() -> None:
    analysis = analyse_request(
        "See my list.",
        FOX_FINAL,
        items=["Fox tail a bit longer", "Design our packaging too", "More wow"],
    )
    assert [i.scope for i in analysis.items] == ["in_scope", "out_of_scope", "vague"]
    assert analysis.scope == "mixed"


def test_acronyms_in_capitals_are_not_shouting() -> None:
    analysis = analyse_request("Please send the SVG, PNG and PDF files again.", FOX_FINAL)
    assert analysis.stage == "calm"
    assert analysis.stage_cues == ()


def test_shouting_is_explained_with_the_shouted_words() -> None:
    analysis = analyse_request("THIS IS NOT WHAT I ASKED FOR. Fix it.", BAKERY_HOME)
    caps = [c for c in analysis.stage_cues if c.rule == "stage.caps"]
    assert analysis.stage == "explosion"
    assert caps[0].text == "THIS IS NOT WHAT I ASKED FOR"


def test_one_pair_of_exclamation_marks_in_a_thank_you_is_not_an_explosion() -> None:
    assert analyse_request("Thank you so much!! Lovely text.", BAKERY_HOME).stage == "calm"


def test_georgian_without_case_explodes_only_on_words_and_marks() -> None:
    calm = analyse_request("გმადლობთ, ტექსტი მშვენიერია.", BAKERY_HOME)
    angry = analyse_request("ეს მიუღებელია!!! ადვოკატს მივმართავ!", BAKERY_HOME)
    assert (calm.stage, angry.stage) == ("calm", "explosion")
    assert {c.rule for c in angry.stage_cues} >= {"stage.outrage", "stage.threat"}


def test_greek_shouting_in_capitals_counts_like_latin() -> None:
    analysis = analyse_request("ΑΠΑΡΑΔΕΚΤΟ ΚΑΙ ΑΝΤΙΕΠΑΓΓΕΛΜΑΤΙΚΟ. Τι έγινε;", FOX_FINAL)
    caps = [c for c in analysis.stage_cues if c.rule == "stage.caps"]
    assert analysis.stage == "explosion"
    assert caps[0].text == "ΑΠΑΡΑΔΕΚΤΟ ΚΑΙ ΑΝΤΙΕΠΑΓΓΕΛΜΑΤΙΚΟ"


def test_script_decides_greek_and_georgian_with_certainty() -> None:
    greek = analyse_request("Μπορείτε να το αλλάξετε;", BAKERY_HOME)
    georgian = analyse_request("შეგიძლიათ შეცვალოთ?", BAKERY_HOME)
    assert (greek.language, greek.language_method) == ("el", "script")
    assert (georgian.language, georgian.language_method) == ("ka", "script")


def test_serbian_in_latin_letters_is_serbian_not_slovenian() -> None:
    message = "Da li možete da promenite boju lisice i da slova budu malo deblja?"
    assert analyse_request(message, FOX_FINAL).language == "sr"


def test_a_short_message_falls_back_to_the_client_language() -> None:
    slovenian_client = context_for("bakery-web-copy", "home")
    analysis = analyse_request("Hvala!", slovenian_client)
    assert (analysis.language, analysis.language_method) == ("sl", "prior")


def test_every_cue_quotes_the_message_at_its_offsets() -> None:
    message = "ΑΠΑΡΑΔΕΚΤΟ!!! Στο SVG λείπει η ουρά της αλεπούς."
    analysis = analyse_request(message, FOX_FINAL)
    cues = [*analysis.stage_cues, *(c for i in analysis.items for c in i.reasons)]
    assert cues
    assert all(message[c.start : c.end] == c.text for c in cues)


def test_matching_ignores_case_and_diacritics() -> None:
    assert fold("LITERÓWKA") == "literowka"
    assert analyse_request("Jest literowka w tytule.", BAKERY_HOME).scope == "free_fix"


def test_every_language_file_is_loaded_with_every_scope_category() -> None:
    book = cuebook()
    assert book.languages == ("en", "sl", "pl", "sr", "el", "ka")
    for category in ("request", "change", "target", "free_fix", "vague", "new_work", "stage"):
        assert {p.language for p in book.patterns[category]} == set(book.languages)


def test_the_explanation_lists_scope_stage_items_and_language() -> None:
    lines = analyse_request("Typo in the headline.", BAKERY_HOME).explain()
    assert lines[0] == "scope free_fix"
    assert any(line.startswith("  free_fix.typo") for line in lines)
    assert lines[-1].startswith("language en")


def test_mentioning_excluded_work_without_asking_for_it_is_not_out_of_scope() -> None:
    analysis = analyse_request(
        "Our Instagram followers love the tagline! Please mention the market stall in the intro.",
        BAKERY_HOME,
    )
    assert analysis.scope == "in_scope"
    assert analysis.context == ("Our Instagram followers love the tagline!",)


def test_a_threat_repeating_a_demand_is_not_a_second_change() -> None:
    analysis = analyse_request(
        "Half the warnings are untranslated. If I don't get a corrected version tomorrow, "
        "I'm calling my lawyer.",
        MANUAL,
    )
    assert analysis.scope == "free_fix"
    assert len(analysis.items) == 1


def test_a_wrapped_email_line_does_not_cut_a_sentence_in_two() -> None:
    message = (
        'Dear Ana,\n\nthe last line of the page\nshould say "pick up in store".\n\nBest,\nMarko'
    )
    analysis = analyse_request(message, BAKERY_HOME)
    assert [i.scope for i in analysis.items] == ["in_scope"]
    assert "the last line of the page\nshould say" in analysis.items[0].text


def test_a_topic_of_the_brief_counts_as_a_concrete_target() -> None:
    analysis = analyse_request("Could you say a little more about the sourdough?", BAKERY_HOME)
    assert analysis.scope == "in_scope"
    assert "brief.topic" in {c.rule for c in analysis.items[0].reasons}


def test_each_numbered_line_of_a_list_is_its_own_item() -> None:
    message = (
        "Feedback from the team:\n1) make the eye a bit smaller\n"
        "2) could you also do a favicon set?\nThanks!"
    )
    analysis = analyse_request(message, FOX_FINAL)
    assert [i.scope for i in analysis.items] == ["in_scope", "out_of_scope"]


def test_a_lead_in_like_while_youre_at_it_is_context_not_a_second_item() -> None:
    analysis = analyse_request(
        "Looks good. While you're at it, could you also write five Instagram posts?",
        BAKERY_HOME,
    )
    assert [i.text for i in analysis.items] == ["could you also write five Instagram posts?"]
    assert analysis.context == ("Looks good.", "While you're at it,")


CYRILLIC_SERBIAN = [
    ("Ово је НЕПРИХВАТЉИВО!!! Да ли се шалите? Зовем адвоката.", "vague", "explosion"),
    ("Можете ли лисицу да окренете на десну страну и мало посветлите наранџасту боју?",
     "in_scope", "calm"),
    ("ПДФ фајл који сте послали се не отвара, изгледа да је оштећен.", "free_fix", "calm"),
    ("Треба нам и дизајн амбалаже за кафу у зрну, можете ли и то да урадите?",
     "out_of_scope", "calm"),
]  # fmt: skip


@pytest.mark.parametrize(("message", "scope", "stage"), CYRILLIC_SERBIAN)
def test_serbian_in_cyrillic_uses_the_same_cues_as_serbian_latin(
    message: str, scope: str, stage: str
) -> None:
    analysis = analyse_request(message, FOX_FINAL)
    assert (analysis.scope, analysis.stage, analysis.language) == (scope, stage, "sr")


def test_one_word_in_capitals_for_emphasis_is_not_yet_an_explosion() -> None:
    analysis = analyse_request("Please make the TAIL a bit bolder.", FOX_FINAL)
    assert analysis.stage == "calm"
    assert [c.rule for c in analysis.stage_cues] == ["stage.caps_word"]


def test_the_parties_names_in_capitals_are_not_shouting() -> None:
    message = "Hi Jakub, the mono PDF says RED FOX COFFEE in a thinner font, please match it."
    assert analyse_request(message, FOX_FINAL).stage == "calm"
    unnamed = RequestContext(deliverable_id="final", deliverables=FOX_FINAL.deliverables)
    # The rules' own reading: without names, a three-word run of capitals is shouting (the
    # assessed stage weighs it with everything else and may call it calm).
    assert analyse_request(message, unnamed, assessed=False).stage == "explosion"


def test_a_name_misspelt_by_one_letter_is_still_a_name_not_shouting() -> None:
    analysis = analyse_request("The mono version reads RED FOX COFEE, please fix it.", FOX_FINAL)
    assert analysis.stage == "calm"
    assert analysis.stage_cues == ()


def test_capitals_inside_quotation_marks_are_cited_not_shouted() -> None:
    analysis = analyse_request('The heading says "FRESH BREAD DAILY", please keep it.', BAKERY_HOME)
    assert analysis.stage == "calm"


def test_a_name_in_capitals_does_not_hide_real_shouting_around_it() -> None:
    message = "RED FOX COFFEE DESERVES BETTER THAN THIS. FIX THE TAIL NOW."
    analysis = analyse_request(message, FOX_FINAL)
    assert analysis.stage == "explosion"
    assert all("COFFEE" not in c.text for c in analysis.stage_cues)


def test_a_request_context_without_names_still_works_for_existing_callers() -> None:
    context = RequestContext(deliverable_id="home")
    assert context.names == ()
    assert analyse_request("Please shorten the headline.", context).scope == "in_scope"


def test_the_decide_adapter_passes_both_parties_names_and_businesses() -> None:
    from roundwise.engine.decide.context import request_context
    from tests.engine.bakery_project import bakery

    terms = bakery()
    context = request_context(terms, terms.deliverables[0])
    assert terms.client.name in context.names
    assert terms.freelancer.name in context.names
    if terms.client.business:
        assert terms.client.business in context.names


@pytest.mark.parametrize(
    ("message", "context"),
    [
        ("Στο λογότυπο γράφει «COFEE» αντί για «COFFEE».", FOX_FINAL),
        ('Please write "sourdough" where it says "sourdoguh".', BAKERY_HOME),
        ("V naslovu piše »kruhk«, mora biti »kruh«.", BAKERY_HOME),
    ],
)
def test_two_quoted_spellings_a_letter_apart_are_a_free_misspelling_fix(
    message: str, context: RequestContext
) -> None:
    analysis = analyse_request(message, context)
    assert analysis.scope == "free_fix"
    assert "free_fix.spelling_pair" in {c.rule for i in analysis.items for c in i.reasons}


def test_two_quoted_names_that_differ_by_more_than_a_slip_are_a_wish_not_a_typo() -> None:
    message = 'Please replace "babica Marija" with "babica Mara" in the story.'
    assert analyse_request(message, BAKERY_HOME).scope == "in_scope"


def test_a_short_follow_up_naming_only_the_deliverable_joins_the_item_before_it() -> None:
    analysis = analyse_request("Section 5 is still in English. Please translate it.", MANUAL)
    assert [i.scope for i in analysis.items] == ["free_fix"]
    assert "untargeted" in {c.rule for c in analysis.items[0].reasons}


def test_a_threat_around_a_concrete_ask_with_nothing_before_it_is_still_that_ask() -> None:
    analysis = analyse_request("Fix the ears NOW or I won't pay.", FOX_FINAL)
    assert (analysis.scope, analysis.stage) == ("in_scope", "explosion")


FREE_FIX_FAMILIES = [
    # wrong format / missing files
    ("The zip only has PNG files, there's no SVG at all.", FOX_FINAL, "wrong_format"),
    ("Zamiast PDF dostaliśmy tylko pliki JPG, proszę dosłać resztę.", FOX_FINAL, "wrong_format"),
    ("Dobili smo samo PNG, a ugovor kaže SVG.", FOX_FINAL, "wrong_format"),
    ("Prejeli smo samo PNG datoteke.", FOX_FINAL, "wrong_format"),
    ("Λάβαμε μόνο αρχεία PNG, όχι όλες τις μορφές.", FOX_FINAL, "wrong_format"),
    ("მხოლოდ მივიღეთ PNG ფაილები.", FOX_FINAL, "wrong_format"),
    # untranslated passages
    ("Page 3 was left partly in English.", MANUAL, "untranslated"),
    ("V poglavju 3 je ostal odstavek v angleščini.", MANUAL, "untranslated"),
    ("W rozdziale 2 akapit pozostał po angielsku.", MANUAL, "untranslated"),
    ("U poglavlju 2 jedan pasus je ostao na engleskom.", MANUAL, "untranslated"),
    ("Στο κεφάλαιο 2 μια παράγραφος έμεινε στα αγγλικά.", MANUAL, "untranslated"),
    ("მე-2 თავი დარჩა ინგლისურად.", MANUAL, "untranslated"),
    # a fact the client gave, reported back wrongly
    ("You wrote that we open at 6, but we open at 7.", BAKERY_HOME, "brief_fact"),
    ("Napisali ste, da smo odprli leta 1990, ampak smo leta 1978.", BAKERY_HOME, "brief_fact"),
    # misspellings and mistranslations
    ("The PDF spells the brand name as Red Fox Cofee.", FOX_FINAL, "typo"),
    ("To pomeni ravno nasprotno od izvirnika v poglavju 4.", MANUAL, "mistranslation"),
]


@pytest.mark.parametrize(("message", "context", "family"), FREE_FIX_FAMILIES)
def test_free_fix_cue_families_are_read_in_each_language(
    message: str, context: RequestContext, family: str
) -> None:
    analysis = analyse_request(message, context)
    assert analysis.scope == "free_fix", analysis.explain()
    rules = {c.rule for i in analysis.items for c in i.reasons}
    assert f"free_fix.{family}" in rules, rules


MIXED_MARKERS = [
    ("The headline has a typo and, while you're at it, could you write a newsletter too?",
     BAKERY_HOME),
    ("Please shorten the intro. One more thing: could you write five Instagram posts?",
     BAKERY_HOME),
    ("Proszę skrócić opis, a do tego napisać jeszcze opis nowego ciasta.", BAKERY_HOME),
    ("Prosim, naj bodo črke debelejše. Pa še nekaj: bi lahko oblikovali tudi vizitke?",
     FOX_FINAL),
]  # fmt: skip


@pytest.mark.parametrize(("message", "context"), MIXED_MARKERS)
def test_a_second_clause_introducing_new_work_makes_the_request_mixed(
    message: str, context: RequestContext
) -> None:
    assert analyse_request(message, context).scope == "mixed"


def test_a_party_name_misspelt_in_the_work_is_a_free_fix_citing_the_contract_name() -> None:
    analysis = analyse_request("The opening line calls us Horvath Bakery.", BAKERY_HOME)
    assert analysis.scope == "free_fix"
    cue = next(c for i in analysis.items for c in i.reasons if c.kind == "free_fix")
    assert (cue.rule, cue.text) == ("free_fix.name_spelling", "Horvath")
    assert "Horvat" in cue.explanation


@pytest.mark.parametrize(
    "message",
    [
        "Prosim, pošljite tekst gospodu Horvatu.",  # a case ending, not a misspelling
        "Please shorten the part about Marko Horvat.",  # the name as written
        "The horvath family recipe should come first.",  # not capitalised: not a name
    ],
)
def test_a_declined_or_correct_name_is_not_a_misspelling(message: str) -> None:
    rules = {c.rule for i in analyse_request(message, BAKERY_HOME).items for c in i.reasons}
    assert "free_fix.name_spelling" not in rules


@pytest.mark.parametrize(
    ("message", "context"),
    [
        ("The footer says 7 to 19, but in reality we open at 6.", BAKERY_HOME),
        ("U tabeli su jedinice u inčima, a u originalu su u milimetrima.", MANUAL),
        ("Στο κείμενο γράφετε 12 ώρες, ενώ σας είχαμε πει 24.", BAKERY_HOME),
        ("W opisie jest napisane, że są wegańskie, a nie są.", BAKERY_HOME),
    ],
)
def test_a_stated_fact_set_against_the_truth_is_a_free_fix(
    message: str, context: RequestContext
) -> None:
    assert analyse_request(message, context).scope == "free_fix"


def test_disappointment_alone_is_calm_but_with_repeated_marks_it_is_an_explosion() -> None:
    assert analyse_request("I'm a bit disappointed, to be honest.", BAKERY_HOME).stage == "calm"
    loud = analyse_request("I'm really disappointed!! Not what we expected.", BAKERY_HOME)
    assert loud.stage == "explosion"
    assert "stage.upset" in {c.rule for c in loud.stage_cues}


def test_a_word_in_several_languages_cue_lists_is_one_reason_not_one_per_language() -> None:
    analysis = analyse_request("Could you also write five Instagram posts?", BAKERY_HOME)
    spans = [(c.rule, c.start, c.end) for item in analysis.items for c in item.reasons]
    assert len(spans) == len(set(spans))
    assert ("exclusion.social_media", 26, 35) in spans
