"""Composing a reply: greeting, listening or thanks, one part per verdict, options, sign-off.

Rule: the reply is assembled deterministically from the phrase blocks of its language,
filled with the contract's facts. An angry (``explosion``) message is answered with
listening and acknowledgement before any position; a mixed request gets one part per
verdict in one reply; every refusal comes with concrete options. The reply lists the
techniques its blocks apply, with their sources, for the freelancer only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.replies.catalogue import technique, techniques
from engine.replies.inputs import GroupFacts, ReplyFacts, ReplySettings
from engine.replies.phrasebook import Choice, Sentence, phrasebook, render, sentences
from engine.replies.placeholders import group_facts, reply_facts
from engine.terms import ContractTerms

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
        }


@dataclass(frozen=True, slots=True)
class _Part:
    """One verdict's part of the reply: a paragraph, its options and what happens next."""

    paragraph: list[Sentence]
    intro: str | None
    options: list[Sentence]
    next: list[Sentence]
    choose: bool


def _part(book: Mapping[str, Any], choice: Choice, facts: dict[str, str], verdict: str) -> _Part:
    spec = book["verdicts"][verdict]
    acknowledge = book["acknowledge"].get(verdict, book["acknowledge"]["any"])
    options = sentences(spec.get("options", ()), choice, facts)
    intro_node = spec.get("options_intro", book["options_intro"])
    return _Part(
        paragraph=sentences(acknowledge, choice, facts)
        + sentences(spec["position"], choice, facts),
        intro=render(intro_node, choice, {**facts, "options_count": str(len(options))})
        if options
        else None,
        options=options,
        next=sentences(spec.get("next", ()), choice, facts),
        choose=bool(spec.get("choose", True)) and len(options) >= 2,
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


def _used(all_sentences: list[Sentence]) -> tuple[TechniqueUse, ...]:
    ids = dict.fromkeys(t for s in all_sentences for t in s.techniques)
    ids.update(dict.fromkeys(t.id for t in techniques().values() if t.always))
    uses = [technique(tid) for tid in ids]
    return tuple(TechniqueUse(t.id, t.name, tuple(s.cite() for s in t.sources)) for t in uses)


_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#|"})
# Facts that carry free text (the client's words, names): escaped in the Markdown form.
_FREE_TEXT = frozenset({"items", "referral", "sender", "first_name", "full_name"})


def _escaped(values: dict[str, str]) -> dict[str, str]:
    return {k: v.translate(_MARKDOWN_SPECIAL) if k in _FREE_TEXT else v for k, v in values.items()}


def _write(
    book: Mapping[str, Any],
    contract: ContractTerms,
    facts: ReplyFacts,
    settings: ReplySettings,
    markdown: bool,
) -> tuple[str, list[Sentence]]:
    """The whole reply as plain text or Markdown, with the sentences it used."""
    choice = Choice(facts.stage, settings.tone, str(book["language"]))
    clean = _escaped if markdown else dict
    base = clean(reply_facts(book, contract, facts, settings))
    groups = _ordered(facts.groups)
    parts = [
        _part(
            book, choice, {**base, **clean(group_facts(book, contract, g, facts.stage))}, g.verdict
        )
        for g in groups
    ]
    opening = _opening(book, choice, base, len(groups) > 1)
    closing = render(book["choose" if any(p.choose for p in parts) else "closing"], choice, base)
    sign_off = settings.sign_off or render(book["sign_off"], choice, base)
    if markdown:
        sign_off = sign_off.translate(_MARKDOWN_SPECIAL) + "  "
    head = [render(book["greeting"]["text"], choice, base), " ".join(s.text for s in opening)]
    blocks = [*head, *_paragraphs(parts, "- "), closing, f"{sign_off}\n{base['sender']}"]
    used = [Sentence("", tuple(book["greeting"]["techniques"])), *opening]
    used += [s for p in parts for s in (*p.paragraph, *p.options, *p.next)]
    return "\n\n".join(blocks) + "\n", used


def compose_facts(
    facts: ReplyFacts,
    contract: ContractTerms,
    language: str = "en",
    settings: ReplySettings | None = None,
) -> Reply:
    """Compose the reply for a decision's facts (see ``compose_reply`` for a Decision)."""
    settings = settings or ReplySettings()
    book = phrasebook(language)
    text, used = _write(book, contract, facts, settings, markdown=False)
    markdown, _ = _write(book, contract, facts, settings, markdown=True)
    choice = Choice(facts.stage, settings.tone, language)
    base = reply_facts(book, contract, facts, settings)
    mixed = len(facts.groups) > 1
    node = book["subject_mixed"] if mixed else book["verdicts"][facts.verdict]["subject"]
    subject = render(node, choice, base)
    return Reply(
        subject=subject[:1].upper() + subject[1:],
        text=text,
        markdown=markdown,
        language=language,
        stage=facts.stage,
        verdict=facts.verdict,
        techniques=_used(used),
    )


__all__ = ["REPLY_ORDER", "Reply", "TechniqueUse", "compose_facts"]
