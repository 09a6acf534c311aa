"""The linter in every language: each seed's don'ts found at their exact words, advice given
in the draft's own language, and a good reply left alone.

Each case is a short draft (greeting, thanks, one sentence breaking one rule); the
finding must point at exactly the words that hurt, cite a catalogued technique, and
explain why and what is better in the language of the draft — checked with the engine's
own language detection (no prior to fall back on).
"""

from __future__ import annotations

import pytest

from roundwise.engine.lint import lint_reply, supported_languages
from roundwise.engine.lint.script import to_cyrillic
from roundwise.engine.replies.catalogue import techniques
from roundwise.engine.understand.cuebook import cuebook
from roundwise.engine.understand.language import detect_language

# language -> (greeting line, thanks sentence, the client's name)
OPENINGS = {
    "sl": ("Dober dan, Maja Novak,", "Hvala za vaše pripombe.", "Maja Novak"),
    "pl": ("Dzień dobry, Pani Anno,", "Dziękuję za Państwa uwagi.", "Anna Kowalska"),
    "sr": ("Poštovana gospođo Petrović,", "Hvala Vam na komentarima.", "Jelena Petrović"),
    "el": ("Αγαπητή κυρία Παπαδοπούλου,", "Σας ευχαριστώ για τα σχόλια.", "Ελένη Παπαδοπούλου"),
    "ka": ("გამარჯობათ, გიორგი,", "გმადლობთ შენიშვნებისთვის.", "გიორგი მაისურაძე"),
}

# language -> [(sentence, rule, the exact words the finding must span)]
BAD = {
    "sl": [
        ("Motite se, besedilo je v redu, lahko pa ga skrajšam.", "you-are-wrong", "Motite se"),
        ("Če bi prebrali opis, bi vedeli; lahko pa predlagam krog.", "blame", "Če bi prebrali"),
        ("Ne. Lahko pa predlagam dodatni krog.", "bare-no", "Ne"),
        ("Obljubim, da bo jutri gotovo.", "risky-promise", "Obljubim"),
        ("Saj je le majhna sprememba, zato jo naredim.", "belittling", "le majhna sprememba"),
        ("Vodstvo je odločilo, predlagam pa dodatni krog.", "hiding-behind-others",
         "Vodstvo je odločilo"),
        ("Kot sem že povedala, en krog je vključen.", "passive-aggressive",
         "Kot sem že povedala"),
        ("Pomirite se, predlagam rešitev.", "dismissing-feelings", "Pomirite se"),
        ("Tega ne morem narediti.", "refusal-without-alternative", "ne morem"),
        ("To popravim TAKOJ ZDAJ, lahko pa predlagam krog.", "shouting-capitals", "TAKOJ ZDAJ"),
    ],
    "pl": [
        ("Myli się Pani, ale mogę zaproponować zmianę.", "you-are-wrong", "Myli się Pani"),
        ("Trzeba było przeczytać umowę; mogę zaproponować rundę.", "blame",
         "Trzeba było przeczytać"),
        ("Nie. Mogę jednak zaproponować dodatkową rundę.", "bare-no", "Nie"),
        ("Obiecuję, że jutro będzie gotowe.", "risky-promise", "Obiecuję"),
        ("To tylko mała zmiana, więc ją wprowadzę.", "belittling", "tylko mała zmiana"),
        ("Kierownictwo zdecydowało, ale mogę zaproponować rundę.", "hiding-behind-others",
         "Kierownictwo zdecydowało"),
        ("Jak już pisałam, jedna runda jest w cenie.", "passive-aggressive", "Jak już pisałam"),
        ("Proszę się uspokoić, mogę zaproponować rozwiązanie.", "dismissing-feelings",
         "Proszę się uspokoić"),
        ("Nie mogę tego zrobić.", "refusal-without-alternative", "Nie mogę"),
        ("Mogę to zrobić NATYCHMIAST TERAZ.", "shouting-capitals", "NATYCHMIAST TERAZ"),
    ],
    "sr": [
        ("Grešite, ali mogu da predložim izmenu.", "you-are-wrong", "Grešite"),
        ("Trebalo je da pročitate ugovor; predlažem dodatni krug.", "blame",
         "Trebalo je da pročitate"),
        ("Ne. Ipak predlažem dodatni krug.", "bare-no", "Ne"),
        ("Obećavam Vam da će sutra biti gotovo.", "risky-promise", "Obećavam"),
        ("Toliko malo naručujete da mi ništa ne zarađujemo.", "belittling",
         "Toliko malo naručujete"),
        ("Uprava je odlučila, ali predlažem dodatni krug.", "hiding-behind-others",
         "Uprava je odlučila"),
        ("Kao što sam već rekla, jedan krug je uključen.", "passive-aggressive",
         "Kao što sam već rekla"),
        ("Smirite se, predlažem rešenje.", "dismissing-feelings", "Smirite se"),
        ("Ne mogu to da uradim.", "refusal-without-alternative", "Ne mogu"),
        ("Svakako ćemo razmotriti Vaš zahtev.", "risky-promise", "Svakako ćemo razmotriti"),
    ],
    "el": [
        ("Κάνετε λάθος, αλλά μπορώ να προτείνω μια αλλαγή.", "you-are-wrong", "Κάνετε λάθος"),
        ("Αν είχατε διαβάσει τη σύμβαση, θα το ξέρατε· προτείνω έναν γύρο.", "blame",
         "Αν είχατε διαβάσει"),
        ("Όχι. Μπορώ όμως να προτείνω έναν επιπλέον γύρο.", "bare-no", "Όχι"),
        ("Σας υπόσχομαι ότι αύριο θα είναι έτοιμο.", "risky-promise", "υπόσχομαι"),
        ("Είναι μόνο μια μικρή αλλαγή, οπότε θα την κάνω.", "belittling",
         "μόνο μια μικρή αλλαγή"),
        ("Η διοίκηση αποφάσισε, αλλά μπορώ να προτείνω έναν γύρο.", "hiding-behind-others",
         "Η διοίκηση αποφάσισε"),
        ("Όπως σας έχω ήδη πει, ένας γύρος περιλαμβάνεται.", "passive-aggressive",
         "Όπως σας έχω ήδη πει"),
        ("Ηρεμήστε, μπορώ να προτείνω λύση.", "dismissing-feelings", "Ηρεμήστε"),
        ("Δεν μπορώ να το κάνω.", "refusal-without-alternative", "Δεν μπορώ"),
        ("Θα το διορθώσω ΑΜΕΣΑ ΤΩΡΑ, και προτείνω λύση.", "shouting-capitals", "ΑΜΕΣΑ ΤΩΡΑ"),
    ],
    "ka": [
        ("ცდებით, მაგრამ შემიძლია შემოგთავაზოთ ცვლილება.", "you-are-wrong", "ცდებით"),
        ("უნდა წაგეკითხათ ხელშეკრულება; შემიძლია დამატებითი რაუნდი.", "blame",
         "უნდა წაგეკითხათ"),
        ("არა. თუმცა შემიძლია დამატებითი რაუნდი შემოგთავაზოთ.", "bare-no", "არა"),
        ("გპირდებით, რომ ხვალ მზად იქნება.", "risky-promise", "გპირდებით"),
        ("ეს მხოლოდ პატარა ცვლილება არის, ამიტომ გავაკეთებ.", "belittling",
         "მხოლოდ პატარა ცვლილება"),
        ("ხელმძღვანელობამ გადაწყვიტა, მაგრამ შემიძლია რაუნდი შემოგთავაზოთ.",
         "hiding-behind-others", "ხელმძღვანელობამ გადაწყვიტა"),
        ("როგორც უკვე გითხარით, ერთი რაუნდი ფასში შედის.", "passive-aggressive",
         "როგორც უკვე გითხარით"),
        ("დამშვიდდით, შემიძლია გამოსავალი შემოგთავაზოთ.", "dismissing-feelings", "დამშვიდდით"),
        ("ამას ვერ გავაკეთებ.", "refusal-without-alternative", "ვერ გავაკეთებ"),
        ("გაძლევთ სიტყვას? არა, სიტყვას გაძლევთ, რომ ხვალ მზადაა.", "risky-promise",
         "სიტყვას გაძლევთ"),
    ],
}  # fmt: skip
CASES = [(lang, *case) for lang, cases in BAD.items() for case in cases]


def _draft(language: str, sentence: str) -> str:
    greeting, thanks, _ = OPENINGS[language]
    return f"{greeting}\n\n{thanks} {sentence}\n"


@pytest.mark.parametrize(
    ("language", "sentence", "rule", "excerpt"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES]
)
def test_each_seeds_donts_are_found_at_their_exact_words(
    language: str, sentence: str, rule: str, excerpt: str
) -> None:
    text = _draft(language, sentence)
    findings = [f for f in lint_reply(text, language) if f.rule == rule]
    assert findings, (rule, text, lint_reply(text, language))
    found = findings[0]
    assert text[found.start : found.end] == excerpt == found.excerpt
    assert found.technique in techniques()


@pytest.mark.parametrize("language", sorted(BAD))
def test_why_and_better_are_written_in_the_drafts_language(language: str) -> None:
    for sentence, rule, _ in BAD[language]:
        for found in lint_reply(_draft(language, sentence), language):
            advice = f"{found.why} {found.better}"
            reading = detect_language(advice, cuebook(), priors=())
            assert reading.code == language, (rule, advice, reading)
            assert reading.method != "prior"


GOOD = {
    "sl": "Dober dan, Maja Novak,\n\nHvala za vaše pripombe. To sodi v vključeni krog "
    "popravkov (točka 6.1). Takoj začnem in vam pošljem popravljeno različico.\n\n"
    "Lep pozdrav,\nUrša",
    "pl": "Dzień dobry, Pani Anno,\n\nDziękuję za Państwa uwagi. To nie mieści się w rundzie "
    "w cenie, ale mogę zaproponować dodatkową rundę za 90 zł.\n\nSerdecznie pozdrawiam,\nJakub",
    "sr": "Poštovana gospođo Petrović,\n\nHvala Vam na komentarima. Ovo nije deo ugovora, ali "
    "rado ću to uraditi kao poseban posao.\n\nSrdačan pozdrav,\nNikola",
    "el": "Αγαπητή κυρία Παπαδοπούλου,\n\nΣας ευχαριστώ για τα σχόλια. Δεν περιλαμβάνεται στη "
    "συμφωνία μας, αλλά θα το αναλάβω ευχαρίστως ως ξεχωριστή εργασία.\n\nΦιλικά,\nΝίκος",
    "ka": "გამარჯობათ, გიორგი,\n\nგმადლობთ შენიშვნებისთვის. ეს ხელშეკრულების ნაწილი არ არის, "
    "მაგრამ სიამოვნებით შევასრულებ ცალკე სამუშაოდ.\n\nპატივისცემით,\nნინო",
}


@pytest.mark.parametrize("language", sorted(GOOD))
def test_a_good_reply_in_each_language_is_lint_clean(language: str) -> None:
    _, _, name = OPENINGS[language]
    assert lint_reply(GOOD[language], language) == []
    assert lint_reply(GOOD[language], language, client_name=name) == []


@pytest.mark.parametrize("language", sorted(OPENINGS))
def test_a_reply_without_thanks_or_name_is_flagged(language: str) -> None:
    greeting, _, name = OPENINGS[language]
    unthanked = f"{greeting}\n\n{BAD[language][2][0]}\n"
    assert "missing-thanks" in {f.rule for f in lint_reply(unthanked, language)}
    nameless = GOOD[language].split("\n", 1)[1]
    rules = {f.rule for f in lint_reply(nameless, language, client_name=name)}
    assert rules == {"missing-name"}


def test_a_declined_name_counts_as_the_clients_name() -> None:
    assert lint_reply(GOOD["pl"], "pl", client_name="Anna Kowalska") == []
    text = GOOD["sr"].replace("gospođo Petrović", "gospodine Jovanoviću")
    assert lint_reply(text, "sr", client_name="Marko Jovanović") == []
    assert [f.rule for f in lint_reply(GOOD["pl"], "pl", client_name="Ewa Lis")] == ["missing-name"]


def test_serbian_cyrillic_drafts_are_linted_with_spans_in_the_cyrillic_text() -> None:
    text = to_cyrillic(_draft("sr", "Grešite, a ja Vam obećavam rok."))
    findings = lint_reply(text, "sr-Cyrl", client_name="Јелена Петровић")
    by_rule = {f.rule: f for f in findings}
    assert set(by_rule) == {"you-are-wrong", "risky-promise"}
    assert text[by_rule["you-are-wrong"].start : by_rule["you-are-wrong"].end] == "Грешите"
    assert by_rule["risky-promise"].excerpt == "обећавам"
    assert detect_language(by_rule["risky-promise"].better, cuebook(), ()).code == "sr"
    assert "ако се деси" in by_rule["risky-promise"].better  # the advice is in Cyrillic too
    latin = lint_reply(text, "sr", client_name="Jelena Petrović")
    assert [(f.rule, f.start, f.end) for f in latin] == [(f.rule, f.start, f.end) for f in findings]


def test_the_lint_languages_are_the_six_and_serbian_cyrillic() -> None:
    assert set(supported_languages()) == {"en", "sl", "pl", "sr", "sr-Cyrl", "el", "ka"}
