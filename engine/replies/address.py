"""How a greeting names the client: a small, honest rule set per language.

Rule: a greeting uses the client's name only in a form the language accepts there. Polish,
Serbian and Greek address people in the vocative, which needs the name's gender and
declension; Slovenian and Georgian use the name as written. This module derives the
vocative only where a short rule is reliable, and says nothing otherwise, so the
phrase data falls back to a greeting without the name ("Dzień dobry,", "Poštovani,").
The freelancer can always write the greeting themselves (``ReplySettings.greeting``).

The facts produced (all optional; absent means "not derivable"):

- ``female`` / ``male``: the gender the rules are sure of (a flag, empty text);
- ``first_vocative``: the first name as a greeting needs it ("Anno", "Milice");
- ``surname``: the family name as written (nominative);
- ``surname_vocative``: the family name in the vocative ("Petroviću", "Παπαδόπουλε").

What the rules cover (and what they do not) is listed in docs/languages.md.
"""

from __future__ import annotations

from collections.abc import Callable

# Polish: a first name ending in -a is female, bar these (male) names.
_PL_MALE_A = frozenset({"kuba", "barnaba", "bonawentura", "kosma", "jarema", "zawisza"})
# Polish male first names and their vocatives: a list, because the endings alternate
# (Marek -> Marku, Paweł -> Pawle, Piotr -> Piotrze) and a foreign female name can end
# in a consonant too.
_PL_MALE_VOCATIVES = {
    "adam": "Adamie",
    "andrzej": "Andrzeju",
    "artur": "Arturze",
    "bartosz": "Bartoszu",
    "damian": "Damianie",
    "daniel": "Danielu",
    "dariusz": "Dariuszu",
    "dawid": "Dawidzie",
    "filip": "Filipie",
    "grzegorz": "Grzegorzu",
    "jacek": "Jacku",
    "jakub": "Jakubie",
    "jan": "Janie",
    "janusz": "Januszu",
    "jerzy": "Jerzy",
    "józef": "Józefie",
    "kacper": "Kacprze",
    "kamil": "Kamilu",
    "karol": "Karolu",
    "kazimierz": "Kazimierzu",
    "krzysztof": "Krzysztofie",
    "łukasz": "Łukaszu",
    "maciej": "Macieju",
    "marcin": "Marcinie",
    "marek": "Marku",
    "mariusz": "Mariuszu",
    "mateusz": "Mateuszu",
    "michał": "Michale",
    "paweł": "Pawle",
    "piotr": "Piotrze",
    "przemysław": "Przemysławie",
    "rafał": "Rafale",
    "robert": "Robercie",
    "ryszard": "Ryszardzie",
    "sebastian": "Sebastianie",
    "stanisław": "Stanisławie",
    "szymon": "Szymonie",
    "tadeusz": "Tadeuszu",
    "tomasz": "Tomaszu",
    "wojciech": "Wojciechu",
    "zbigniew": "Zbigniewie",
}
# Serbian: first names ending in -a that are male, or used for both sexes (then unsure).
_SR_MALE_A = frozenset({"nikola", "luka", "nemanja", "ilija", "andrija", "sava", "jovica"})
_SR_EITHER = frozenset({"saša", "vanja", "sasha"})
_SERBIAN_LETTERS = frozenset("abcčćdđefghijklmnoprsštuvzž")
_GREEK_FEMININE_ENDINGS = ("α", "η", "ω", "ά", "ή", "ώ", "ού")
_GREEK_MASCULINE_ENDINGS = ("ος", "ός", "ης", "ής", "ας", "άς")


def _split(full_name: str) -> tuple[str, str | None]:
    parts = full_name.split()
    return parts[0], (parts[-1] if len(parts) > 1 else None)


def _polish(full_name: str) -> dict[str, str]:
    first, _ = _split(full_name)
    low = first.lower()
    if low in _PL_MALE_VOCATIVES:
        return {"male": "", "first_vocative": _PL_MALE_VOCATIVES[low]}
    if low.endswith("a") and low not in _PL_MALE_A and len(low) > 2:
        # Anna -> Anno, Maria -> Mario; diminutives in -sia/-zia/-cia/-nia take -u.
        diminutive = low.endswith(("sia", "zia", "cia", "nia")) and len(low) <= 5
        return {"female": "", "first_vocative": first[:-1] + ("u" if diminutive else "o")}
    return {}


def _serbian_male_first(first: str) -> str:
    """A male first name in the vocative (Milan -> Milane, Petar -> Petre, Marko -> Marko)."""
    low = first.lower()
    if low[-1] in "aeiou":
        return first
    if low.endswith("ar"):
        return first[:-2] + "re"
    softened = {"k": "če", "g": "že", "h": "še", "c": "če"}
    if low[-1] in softened:
        return first[:-1] + softened[low[-1]]
    if low.endswith(("j", "č", "ć", "š", "ž", "đ", "lj", "nj")):
        return first + "u"
    return first + "e"


def _serbian(full_name: str) -> dict[str, str]:
    first, surname = _split(full_name)
    low = first.lower()
    if low in _SR_EITHER or not low.isalpha():
        return {}
    facts: dict[str, str] = {}
    if surname is not None:
        facts["surname"] = surname
    if low.endswith("a") and low not in _SR_MALE_A:
        # Women's family names do not decline; -ica names take -ice (Milica -> Milice).
        vocative = first[:-1] + "e" if low.endswith("ica") else first
        return {**facts, "female": "", "first_vocative": vocative}
    serbian = set(low) <= _SERBIAN_LETTERS
    south_slavic = surname is not None and surname.lower().endswith("ić")
    # A first name in Serbian letters is a man's when it ends in -o (Marko, Željko), or
    # when the family name is a South Slavic one in -ić (Milan Petrović); a foreign first
    # name ("Wendy", "Carmen Horvat") is left alone.
    if serbian and (low.endswith("o") or south_slavic):
        facts.update({"male": "", "first_vocative": _serbian_male_first(first)})
        declined = _serbian_surname_vocative(surname) if surname is not None else None
        if declined is not None:
            facts["surname_vocative"] = declined
        return facts
    return {}


def _serbian_surname_vocative(surname: str) -> str | None:
    """A man's family name in the vocative (Petrović -> Petroviću, Horvat -> Horvate).

    None where the ending hides a sound change the rule does not know (-ac: Vukovac ->
    Vukovče).
    """
    low = surname.lower()
    if not set(low) <= _SERBIAN_LETTERS or low.endswith("ac"):
        return None
    if low[-1] in "aeiou":
        return surname
    softened = {"k": "če", "g": "že", "h": "še"}
    if low[-1] in softened:
        return surname[:-1] + softened[low[-1]]
    if low.endswith(("j", "č", "ć", "š", "ž", "đ", "c")):
        return surname + "u"
    return surname + "e"


def _greek_surname_vocative(surname: str) -> str | None:
    for ending, vocative in (("ης", "η"), ("ής", "ή"), ("ας", "α"), ("άς", "ά")):
        if surname.endswith(ending):
            return surname[: -len(ending)] + vocative
    if surname.endswith("όπουλος"):
        return surname[:-2] + "ε"
    if surname.endswith(("ου", "ού")):
        return surname  # genitive-form family names (Γεωργίου) do not decline
    return None


# Greek names written in Latin letters (Eleni Papadopoulou, Nikos Papadakis): women's
# family names end in -ou, -i or -a; men's in -os, -is or -as.
_LATIN_GREEK_FEMALE = ("ou", "aki", "idi", "a")
_LATIN_GREEK_MALE = (("opoulos", "opoule"), ("is", "i"), ("as", "a"))


def _greek_in_latin(first: str, surname: str) -> dict[str, str]:
    low_first, low = first.lower(), surname.lower()
    if low_first.endswith(("a", "i")) and low.endswith(_LATIN_GREEK_FEMALE):
        return {"female": "", "first_vocative": first, "surname": surname}
    if low_first.endswith("s"):
        for ending, vocative in _LATIN_GREEK_MALE:
            if low.endswith(ending):
                return {
                    "male": "",
                    "surname": surname,
                    "surname_vocative": surname[: -len(ending)] + vocative,
                }
    return {}


def _greek(full_name: str) -> dict[str, str]:
    first, surname = _split(full_name)
    if surname is None:
        return {}
    if first.isascii() and surname.isascii():
        return _greek_in_latin(first, surname)
    if first.endswith(_GREEK_FEMININE_ENDINGS) and not first.endswith(_GREEK_MASCULINE_ENDINGS):
        # Women's names in -α/-η/-ω: the vocative is the nominative, the family name too.
        return {"female": "", "first_vocative": first, "surname": surname}
    if first.endswith(_GREEK_MASCULINE_ENDINGS):
        vocative = _greek_surname_vocative(surname)
        if vocative is None:
            return {}
        facts = {"male": "", "surname": surname, "surname_vocative": vocative}
        # First names in -ης/-ας drop the -ς (Γιάννης -> Γιάννη); -ος names vary
        # (Νίκο, Θεόδωρε), so they get no first-name vocative.
        if not first.endswith(("ος", "ός")):
            facts["first_vocative"] = first[:-1]
        return facts
    return {}


def _slovenian(full_name: str) -> dict[str, str]:
    first, surname = _split(full_name)
    facts = {"surname": surname} if surname is not None else {}
    low = first.lower()
    if low.endswith("a") and low not in {"luka", "jaka", "miha", "aljaša"}:
        return {**facts, "female": ""}
    return facts


_RULES: dict[str, Callable[[str], dict[str, str]]] = {
    "pl": _polish,
    "sr": _serbian,
    "el": _greek,
    "sl": _slovenian,
}


def name_forms(language: str, full_name: str) -> dict[str, str]:
    """The greeting facts for ``full_name`` in ``language`` (see the module docstring)."""
    rule = _RULES.get(language)
    if rule is None or not full_name.strip():
        return {}
    return rule(full_name.strip())
