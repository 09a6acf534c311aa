"""Negated asks and quoted replacement text: what a clause does *not* ask for.

Two ways a clause mentions a change without asking for it (issue 16.4):

- **Negation**: "we didn't want to change any of the copy", "there is no need to add a
  blog", "I never asked for a new logo". A change, request or new-work cue that follows
  a negation of wanting, needing or asking in the same clause is not an ask, and is
  dropped. An imperative "don't change the headline" is still an instruction (it is not
  matched: only negated wanting, needing, asking and past tense are).
- **Quoted replacement text** in straight single quotes: in "change the slogan to 'We
  also bake wedding cakes'" the quoted words are the new text, not new work. Curly and
  double quotes were already read as quotes (``classify._QUOTE``); a pair of ``'`` counts
  when the opening one does not follow a letter and the closing one is not followed by
  one, so the apostrophes of "don't" or "clients'" never open a quote.

English, with the commonest Polish, Slovenian and Serbian forms; the real corpus has
almost no negated asks in the other languages.
"""

from __future__ import annotations

import re

from roundwise.engine.understand.model import Cue

NEGATION = re.compile(
    r"(?<![\w])(?:"
    r"did(?:n['’]t| not)|never|no need|not (?:asking|asked|necessary|needed)|"
    r"(?:do|does)(?:n['’]t| not) (?:want|need|ask)|"
    r"(?:was|were)(?:n['’]t| not) (?:asking|looking)|"
    r"nie (?:trzeba|chcieli|chciałem|chciałam|prosiłem|prosiłam|prosiliśmy)|"
    r"ni (?:treba|potrebno)|nismo (?:tražili|hteli)|nisam (?:tražio|tražila)"
    r")(?![\w])",
    re.IGNORECASE,
)
# Cue kinds a negation cancels when they follow it in the clause.
NEGATED_KINDS = frozenset({"change", "request", "new_work"})
SINGLE_QUOTE = re.compile(r"(?<![\w'])'(?=\S)[^'\n]{2,200}(?<=\S)'(?![\w])")


def negation_starts(text: str, offset: int) -> list[int]:
    """Where the clause's negations of wanting, needing or asking start (shifted)."""
    return [offset + m.start() for m in NEGATION.finditer(text)]


def drop_negated(cues: list[Cue], negations: list[int]) -> list[Cue]:
    """The cues without the asks a negation earlier in the clause cancels."""
    if not negations:
        return cues
    first = min(negations)
    return [c for c in cues if not (c.kind in NEGATED_KINDS and c.start > first)]


def single_quote_cues(text: str, offset: int, explanation: str) -> list[Cue]:
    """Passages in straight single quotes, as quote cues."""
    return [
        Cue("quote.text", m.group(), offset + m.start(), offset + m.end(), explanation)
        for m in SINGLE_QUOTE.finditer(text)
    ]
