"""Composing a reply: greeting, listening or thanks, one part per verdict, options, sign-off.

Rule: the reply is assembled deterministically from the phrase blocks of its language,
filled with the contract's facts. An angry (``explosion``) message is answered with
listening and acknowledgement before any position; a mixed request gets one part per
verdict in one reply; every refusal comes with concrete options. The reply lists the
techniques its blocks apply, with their sources, for the freelancer only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from roundwise.engine.replies.catalogue import technique, techniques
from roundwise.engine.replies.inputs import (
    ADDRESS_KEYS,
    GroupFacts,
    ReplyFacts,
    ReplySettings,
    answers_intent,
    answers_intent_alone,
)
from roundwise.engine.replies.markers import ReplyText, technique_evident
from roundwise.engine.replies.phrasebook import (
    Choice,
    Sentence,
    applies,
    phrasebook,
    render,
    reply_tag,
    sentences,
)
from roundwise.engine.replies.placeholders import (
    date_locale,
    deliverable_title,
    group_facts,
    reply_facts,
)
from roundwise.engine.terms import ContractTerms

# Good news first, then questions, then paid work: the client reads what is settled
# before what costs money.
REPLY_ORDER: tuple[str, ...] = (
    "free_fix",
    "included",
    "needs_clarification",
    "too_large",
    "extra_round",
    "after_approval",
    "out_of_scope",
)


@dataclass(frozen=True, slots=True)
class TechniqueUse:
    """A technique the reply applies, with its sources (shown to the freelancer only)."""

    id: str
    name: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reply:
    """A composed reply: subject, plain text and Markdown, and why it is shaped so."""

    subject: str
    text: str
    markdown: str
    language: str
    stage: str
    verdict: str
    techniques: tuple[TechniqueUse, ...]
    # The decision it answers needs the freelancer's review (an unsure reading of the
    # message): the text is a draft to check, never to be sent as it stands.
    needs_review: bool = False
    # Which rule chose the reply's language (``engine.replies.language.LANGUAGE_RULES``):
    # "override", "client_message", "client_spec", "contract" or "default"; None when the
    # caller named the language directly to ``compose_reply``.
    language_rule: str | None = None

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (the CLI's and the API's wire shape)."""
        return {
            "subject": self.subject,
            "text": self.text,
            "markdown": self.markdown,
            "language": self.language,
            "stage": self.stage,
            "verdict": self.verdict,
            "techniques": [
                {"id": t.id, "name": t.name, "sources": list(t.sources)} for t in self.techniques
            ],
            "needs_review": self.needs_review,
            "language_rule": self.language_rule,
        }


@dataclass(frozen=True, slots=True)
class _Part:
    """One verdict's part of the reply: a paragraph, its options and what happens next."""

    paragraph: list[Sentence]
    intro: str | None
    options: list[Sentence]
    next: list[Sentence]
    choose: bool
    # A clarification part, and how many of its first sentences acknowledge the client.
    clarifies: bool = False
    acknowledged: int = 0


def _part(book: Mapping[str, Any], choice: Choice, facts: dict[str, str], verdict: str) -> _Part:
    spec = book["verdicts"][verdict]
    acknowledge = book["acknowledge"].get(verdict, book["acknowledge"]["any"])
    options = sentences(spec.get("options", ()), choice, facts)
    intro_node = spec.get("options_intro", book["options_intro"])
    heard = sentences(acknowledge, choice, facts)
    return _Part(
        paragraph=heard + sentences(spec["position"], choice, facts),
        intro=render(intro_node, choice, {**facts, "options_count": str(len(options))})
        if options
        else None,
        options=options,
        next=sentences(spec.get("next", ()), choice, facts),
        choose=bool(spec.get("choose", True)) and len(options) >= 2,
        clarifies=verdict == "needs_clarification",
        acknowledged=len(heard),
    )


def _briefly(part: _Part) -> _Part:
    """A clarification part beside an intent answer keeps only its acknowledgement (the
    client's words restated): the answer already says what happens next."""
    return _Part(part.paragraph[: part.acknowledged], None, [], [], choose=False)


def _around(answer: _Part, parts: list[_Part]) -> list[_Part]:
    """The intent's answer with the verdicts' parts: the client's words restated first
    (clarification parts, briefly), then the answer, then any part about the work."""
    heard = [_briefly(p) for p in parts if p.clarifies]
    return [*heard, answer, *(p for p in parts if not p.clarifies)]


def _has_answer(book: Mapping[str, Any], facts: ReplyFacts) -> bool:
    """Whether the reply answers the message's intent (and the language has the words)."""
    return answers_intent(facts) and facts.intent in book.get("intents", {})


def _opens_itself(book: Mapping[str, Any], facts: ReplyFacts) -> bool:
    """A calm answer whose first sentence is its own opening (an approval's thanks); an
    angry message still gets the acknowledgement first."""
    spec = book["intents"].get(facts.intent, {}) if _has_answer(book, facts) else {}
    return facts.stage == "calm" and spec.get("opening") is False


def _intent_part(
    book: Mapping[str, Any], choice: Choice, facts: dict[str, str], intent: str
) -> _Part:
    """The part answering the message's intent (money, threat, approval, start-over)."""
    spec = book["intents"][intent]
    money = bool(spec.get("money", False))
    terms = book["money_terms"] if money else ()
    after = (*spec.get("next", ()), *(book["money_next"] if money else ()))
    return _Part(
        paragraph=sentences([*spec["position"], *terms], choice, facts),
        intro=None,
        options=[],
        next=sentences(after, choice, facts),
        choose=False,
    )


def _ordered(groups: tuple[GroupFacts, ...]) -> list[GroupFacts]:
    return sorted(groups, key=lambda g: REPLY_ORDER.index(g.verdict))


def _opening(
    book: Mapping[str, Any], choice: Choice, facts: dict[str, str], mixed: bool
) -> list[Sentence]:
    opening = sentences(book["opening"], choice, facts)
    if mixed:
        bridge = book["mixed_bridge"]
        opening.append(Sentence(render(bridge["text"], choice, facts), tuple(bridge["techniques"])))
    return opening


def _paragraphs(parts: list[_Part], bullet: str) -> list[str]:
    blocks: list[str] = []
    for part in parts:
        blocks.append(" ".join(s.text for s in part.paragraph))
        if part.options:
            lines = [part.intro or "", *(f"{bullet}{o.text}" for o in part.options)]
            blocks.append("\n".join(lines))
        if part.next:
            blocks.append(" ".join(s.text for s in part.next))
    return blocks


def _used(all_sentences: list[Sentence], written: ReplyText) -> tuple[TechniqueUse, ...]:
    """The techniques the blocks apply, each kept only when its marker is in the text."""
    ids = dict.fromkeys(t for s in all_sentences for t in s.techniques)
    ids.update(dict.fromkeys(_always_used()))
    return tuple(_use(tid) for tid in ids if technique_evident(written, tid))


@cache
def _always_used() -> tuple[str, ...]:
    """The techniques every reply applies (the shipped catalogue is read once, so fixed)."""
    return tuple(t.id for t in techniques().values() if t.always)


@cache
def _use(tid: str) -> TechniqueUse:
    """A technique as a reply lists it, with its citations (immutable, so shared)."""
    found = technique(tid)
    return TechniqueUse(found.id, found.name, tuple(s.cite() for s in found.sources))


_SPECIALS = "\\`*_[]<>#|"
_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in _SPECIALS})
_MARKUP = re.compile(f"[{re.escape(_SPECIALS)}]")  # any character _MARKDOWN_SPECIAL escapes
# Facts that carry free text (the client's words, names): escaped in the Markdown form.
_FREE_TEXT = frozenset(
    {
        "items",
        "referral",
        "sender",
        "first_name",
        "full_name",
        "first_vocative",
        "surname",
        "surname_vocative",
        "own_greeting",
    }
)


def _escaped(values: dict[str, str]) -> dict[str, str]:
    return {k: v.translate(_MARKDOWN_SPECIAL) if k in _FREE_TEXT else v for k, v in values.items()}


def _has_markup(values: dict[str, str]) -> bool:
    """Whether ``_escaped(values)`` differs from ``values``: a free-text value has a special."""
    return any(_MARKUP.search(values[k]) for k in _FREE_TEXT if k in values)


@dataclass(frozen=True, slots=True)
class _Values:
    """The placeholders of one reply, worked out once for its plain and Markdown forms.

    ``groups`` are in reply order, ``group_values`` their own placeholders, one each.
    """

    base: dict[str, str]
    groups: list[GroupFacts]
    group_values: list[dict[str, str]]

    def escaped(self) -> _Values:
        """The same values with their free text escaped for Markdown."""
        return _Values(_escaped(self.base), self.groups, [_escaped(g) for g in self.group_values])

    def has_markup(self) -> bool:
        """Whether escaping for Markdown changes any value (else ``escaped()`` equals self)."""
        return any(_has_markup(values) for values in (self.base, *self.group_values))


def _values(
    book: Mapping[str, Any],
    contract: ContractTerms,
    facts: ReplyFacts,
    settings: ReplySettings,
    language: str = "en",
) -> _Values:
    """The reply's placeholders: money, clauses and the quotable client words, once."""
    groups = _ordered(facts.groups)
    return _Values(
        base=reply_facts(book, contract, facts, settings, language),
        groups=groups,
        group_values=[group_facts(book, contract, g, facts.stage, language) for g in groups],
    )


@dataclass(frozen=True, slots=True)
class _Body:
    """A rendered reply up to its signature: the blocks, the sign-off, the sentences used."""

    blocks: list[str]
    sign_off: str
    sender: str
    used: list[Sentence]

    def written(self, markdown: bool) -> str:
        """The whole reply; in Markdown the sign-off is escaped and ends in a hard break."""
        sign_off = self.sign_off.translate(_MARKDOWN_SPECIAL) + "  " if markdown else self.sign_off
        return "\n\n".join([*self.blocks, f"{sign_off}\n{self.sender}"]) + "\n"


def _body(
    book: Mapping[str, Any], facts: ReplyFacts, settings: ReplySettings, values: _Values
) -> _Body:
    """The reply rendered from ``values`` (plain or already escaped for Markdown)."""
    choice = _choice(book, facts, settings)
    base = values.base
    parts = [
        _part(book, choice, {**base, **group}, g.verdict)
        for g, group in zip(values.groups, values.group_values, strict=True)
    ]
    if _has_answer(book, facts):
        answer = _intent_part(book, choice, base, facts.intent)
        parts = [answer] if answers_intent_alone(facts) else _around(answer, parts)

    opening = _opening(book, choice, base, len(values.groups) > 1)
    if _opens_itself(book, facts):
        opening = []
    closing = render(book["choose" if any(p.choose for p in parts) else "closing"], choice, base)
    sign_off = settings.sign_off or render(book["sign_off"], choice, base)
    head = [_greeting(book, choice, base), " ".join(s.text for s in opening)][: 2 if opening else 1]
    used = [Sentence("", tuple(book["greeting"]["techniques"])), *opening]
    used += [s for p in parts for s in (*p.paragraph, *p.options, *p.next)]
    blocks = [*head, *_paragraphs(parts, "- "), closing]
    return _Body(blocks, sign_off, base["sender"], used)


def _choice(book: Mapping[str, Any], facts: ReplyFacts, settings: ReplySettings) -> Choice:
    address = ADDRESS_KEYS[settings.address]
    return Choice(facts.stage, settings.tone, str(book["language"]), address)


def _greeting(book: Mapping[str, Any], choice: Choice, base: dict[str, str]) -> str:
    """The greeting line: the freelancer's own, or the first variant whose facts are known.

    ``greeting.text`` is one text node, or a list of ``{requires, unless, text}`` variants
    (the name forms of ``engine.replies.address``; the last variant needs no name form).
    """
    if "own_greeting" in base:
        return f"{base['own_greeting']},"
    node = book["greeting"]["text"]
    if isinstance(node, list):
        node = next(v["text"] for v in node if applies(v, base))
    return render(node, choice, base)


def _capitalised(subject: str) -> str:
    """The subject with a capital first letter, where the script has capitals for that.

    Georgian Mkhedruli has an upper case (Mtavruli) in Unicode, but it is used for
    headings and emphasis, not for the first letter of a sentence.
    """
    first = subject[:1]
    if "\u10d0" <= first <= "\u10ff":
        return subject
    return first.upper() + subject[1:]


def compose_facts(
    facts: ReplyFacts,
    contract: ContractTerms,
    language: str = "en",
    settings: ReplySettings | None = None,
) -> Reply:
    """Compose the reply for a decision's facts (see ``compose_reply`` for a Decision).

    The placeholders are worked out once. The Markdown form is the plain one with its free
    text escaped; when escaping changes no value, it renders the same sentences, so only
    the sign-off differs and the plain rendering is reused.
    """
    settings = settings or ReplySettings()
    language = reply_tag(language)
    book = phrasebook(language)
    values = _values(book, contract, facts, settings, language)
    plain = _body(book, facts, settings, values)
    marked = _body(book, facts, settings, values.escaped()) if values.has_markup() else plain
    choice = _choice(book, facts, settings)
    mixed = len(facts.groups) > 1
    node = book["subject_mixed"] if mixed else book["verdicts"][facts.verdict]["subject"]
    if _has_answer(book, facts):
        node = book["intents"][facts.intent]["subject"]
    subject = render(node, choice, values.base)
    text = plain.written(markdown=False)
    written = ReplyText(
        text=text,
        language=language,
        client_name=contract.client.name,
        deliverable=deliverable_title(contract, facts.deliverable_id),
        currency=contract.currency,
        locale=date_locale(contract, language),
    )
    return Reply(
        subject=_capitalised(subject),
        text=text,
        markdown=marked.written(markdown=True),
        language=language,
        stage=facts.stage,
        verdict=facts.verdict,
        techniques=_used(plain.used, written),
    )
