"""High-precision intent rules: phrases that say what a message is for.

A message can be a revision request, an approval, a question, a payment or refund
demand, a cancellation, a legal threat, deadline pressure, a demand to start over, or
praise only (``docs/labelling.md``). The rules below catch the unmistakable phrasings —
"Approved, thanks!", "I want a refund", "my lawyer", "start over from scratch",
"срочно", "od nowa" — in English, Russian and Polish (the languages of the real corpus)
with a few words of the other supported languages. They fire rarely and are meant to be
right when they do; everything else is left to the statistical reader. When several fire,
the one the reply must answer first wins, in the guide's order: legal threat > payment
dispute > cancellation > start over > (revision request) > deadline pressure > question >
approval > praise. Approval and praise only count when the message asks no concrete
change ("Looks great, but move the logo left" is a revision request).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, get_args

from roundwise.engine.understand.model import Cue

Intent = Literal[
    "revision_request",
    "approval",
    "question",
    "payment_dispute",
    "cancellation",
    "legal_threat",
    "deadline_pressure",
    "start_over",
    "praise",
    "other",
]
INTENTS: tuple[Intent, ...] = get_args(Intent)
# Which intent the reply must answer first (docs/labelling.md).
PRECEDENCE: tuple[Intent, ...] = (
    "legal_threat",
    "payment_dispute",
    "cancellation",
    "start_over",
    "revision_request",
    "deadline_pressure",
    "question",
    "approval",
    "praise",
    "other",
)
# Intents that ask no change of the work: their scope is ``none``.
NO_CHANGE: frozenset[str] = frozenset(
    {"approval", "question", "payment_dispute", "cancellation", "legal_threat", "praise"}
    | {"deadline_pressure", "other"}
)
# Intents that only count when the message asks no concrete change.
ONLY_WITHOUT_CHANGE: frozenset[str] = frozenset({"approval", "praise", "question"})

_B = r"(?<![\w])"  # a word starts here (\b is ASCII-minded for Cyrillic in some engines)
_E = r"(?![\w])"

# intent -> (rule id, pattern, explanation); patterns are matched case-insensitively.
_RULES: tuple[tuple[Intent, str, str, str], ...] = (
    (
        "legal_threat",
        "lawyer",
        _B + r"((my|our) (lawyers?|attorneys?|solicitors?|legal team)|sue|suing|to court"
        r"|legal action|small claims|chargeback|(мой|наш\w*) (юрист\w*|адвокат\w*)|в суд\w*"
        r"|судом|(mój|nasz\w*) (prawnik\w*|adwokat\w*)|do sądu|pozew)" + _E,
        "a lawyer, court or chargeback is threatened",
    ),
    (
        "payment_dispute",
        "refund",
        _B + r"(refund\w*|money back|deposit back|(not|n['’]t|never) (be )?(going to )?pay"
        r"(ing)?|refuse to pay|(won['’]t|will not|not going to) pay|dock the pay"
        r"|верн\w* деньги|деньги верн\w*|возвра\w* деньги|возврат\w*|не (буду )?плат\w*"
        r"|не заплач\w*|zwrot\w* pieniędzy|zwrot\w*|nie zapłac\w*|nie zapłaci\w*)" + _E,
        "money back, or no payment, is demanded",
    ),
    (
        "cancellation",
        "cancel",
        _B + r"(cancel\w*|put (it |this |the project )?on hold|on hold|terminat\w* the contract"
        r"|another direction|find someone (else|who will)|no longer need\w*|отмен\w*"
        r"|отлож\w*|расторг\w*|anulu\w*|rezygnuj\w*|wstrzyma\w*)" + _E,
        "the project is cancelled or put on hold",
    ),
    (
        "start_over",
        "start_over",
        _B + r"(start(ing)? (all )?over|from scratch|start again|(completely|totally|entirely) "
        r"(new|different)|new concept|brand new|in the trash|throw (it|them|all)\w* "
        r"(away|out)|(all|completely|totally) wrong|redo (it|this|them|everything|the whole \w+)"
        r"|с нуля|заново|всё не так|все не так"
        r"|od nowa|od zera|zupełnie inn\w*)" + _E,
        "the work is rejected as a whole",
    ),
    (
        "deadline_pressure",
        "deadline",
        _B + r"(asap|urgent\w*|right now|immediately|by tonight|by tomorrow|in a hurry|rush\w*"
        r"|running (late|out of time)|overdue|deadline|any updates?|where['’]s the|срочно"
        r"|дедлайн|ещё вчера|еще вчера|к завтра\w*|pilne|pilnie|na jutro|natychmiast)" + _E,
        "the point is time",
    ),
    (
        "approval",
        "approved",
        _B + r"(approved?|approve it|sign(ed)? off|go ahead|good to go|ready to print"
        r"|send (it )?to print|that['’]s (it|the one)|this one!|accept(ed|ing)?|(go|going) with "
        r"(this|that|the (first|second|third|last)) ?(one|version|option)?|утвержд\w*|согласов\w*"
        r"|принимаю|принято|zatwierdz\w*|akceptuj\w*|odobr\w*|potrjuj\w*|odobrav\w*)" + _E,
        "the work is accepted",
    ),
    (
        "praise",
        "thanks",
        _B + r"(thank you|thanks|love (it|them)|great job|well done|спасибо|благодар\w*"
        r"|dziękuj\w*|dzięki|hvala|ευχαριστ\w*)" + _E,
        "thanks or praise",
    ),
)


@dataclass(frozen=True, slots=True)
class IntentRuling:
    """The intent the rules decide (None: no rule fired) and every cue found."""

    intent: Intent | None
    cues: tuple[Cue, ...]


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[Intent, str, re.Pattern[str], str], ...]:
    return tuple(
        (intent, f"intent.{rule}", re.compile(pattern, re.IGNORECASE), why)
        for intent, rule, pattern, why in _RULES
    )


def intent_cues(text: str) -> list[Cue]:
    """Every intent cue in ``text``, in order of position."""
    cues = [
        Cue(rule, m.group(), m.start(), m.end(), why)
        for _, rule, regex, why in _compiled()
        for m in regex.finditer(text)
    ]
    cues.sort(key=lambda c: (c.start, c.end, c.rule))
    return cues


_RULE_INTENT = {f"intent.{rule}": intent for intent, rule, _, _ in _RULES}
# A message that asks something ("please", "can you") is not approval or praise alone.
_ASKS = re.compile(
    r"\?|" + _B + r"(please|pls|can you|could you|would you|пожалуйста|сделайте|prosz\w*)" + _E,
    re.IGNORECASE,
)


def rule_intent(text: str, asks_change: bool) -> IntentRuling:
    """The intent the rules decide for ``text``.

    ``asks_change``: the scope rules found a concrete change item. Then the message is a
    revision request unless a stronger intent (legal threat, payment, cancellation, start
    over) fired; approval, praise and questions need a message that asks nothing.
    """
    cues = tuple(intent_cues(text))
    fired = {_RULE_INTENT[c.rule] for c in cues}
    if asks_change or _ASKS.search(text):
        fired -= ONLY_WITHOUT_CHANGE
    if asks_change:
        fired.add("revision_request")
    if "praise" in fired and len(fired) > 1:
        fired.discard("praise")  # thanks around another intent is politeness
    for intent in PRECEDENCE:
        if intent in fired:
            return IntentRuling(intent, cues)
    return IntentRuling(None, cues)
