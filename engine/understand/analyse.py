"""``analyse_request``: from a client's message to change items, scope, stage, language.

The message is split into clauses (``split``), each clause is read for cues
(``classify``), clauses without any cue stay as *context* (greetings, praise, venting
without a request — kept in ``RequestAnalysis.context``, never silently dropped), and a
follow-up without its own target ("Please correct it.") joins the clause it refers to.
The overall scope is the one class shared by the non-vague items, ``mixed`` when they
differ, and ``vague`` only when nothing concrete was asked: a side remark like
"something is off" next to a concrete edit does not make a request vague.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from roundwise.engine.literal_screen import Screen
from roundwise.engine.understand.classify import (
    CONCRETE_KINDS,
    ContractCues,
    contract_cues,
    decide,
    item_scope,
    read_clause,
)
from roundwise.engine.understand.cuebook import CueBook, cuebook
from roundwise.engine.understand.fold import fold
from roundwise.engine.understand.language import detect_language
from roundwise.engine.understand.model import (
    ChangeItem,
    Cue,
    ItemScope,
    RequestAnalysis,
    RequestContext,
    Scope,
    Stage,
)
from roundwise.engine.understand.reader import assess
from roundwise.engine.understand.split import Span, split_message
from roundwise.engine.understand.stage import read_stage

# A clause of at most this many words can be a follow-up to the item before it.
FOLLOW_UP_WORDS = 4
# Targets that name the work in general rather than a part of it.
WEAK_KINDS = frozenset({"deliverable", "brief"})


@dataclass
class _Draft:
    """A change item being assembled (mutable only inside this module)."""

    scope: ItemScope
    spans: list[Span] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)

    def freeze(self, source: str) -> ChangeItem:
        text = " ".join(source[a:b].strip() for a, b in self.spans)
        return ChangeItem(text, self.scope, tuple(self.cues), tuple(self.spans))


def _marker(rule: str, text: str, start: int, book: CueBook) -> Cue:
    return Cue(rule, text, start, start + len(text), book.explain(rule))


@dataclass
class _Assembly:
    """Clause readings placed in order into change items and context (module-private)."""

    message: str
    book: CueBook
    cc: ContractCues
    screen: Screen | None = None  # the cue book's screen of a text holding the message
    drafts: list[_Draft] = field(default_factory=list)
    context: list[Span] = field(default_factory=list)
    last_was_item: bool = False

    def add(self, span: Span) -> None:
        """Place one clause: context, a new item, or part of the item it refers to."""
        text = self.message[span[0] : span[1]]
        reading = read_clause(text, span[0], self.book, self.cc, self.screen)
        scope = item_scope(reading.verdict)
        if scope == "in_scope" and self._follow_up(span, reading.cues):
            scope = None
        if reading.verdict == "context":
            self.context.append(span)
        elif scope is not None:
            if self._lead_in(scope):
                self.context.extend(self.drafts.pop().spans)
            self.drafts.append(_Draft(scope, [span], list(reading.cues)))
        else:
            self._untargeted(span, list(reading.cues))
        self.last_was_item = reading.verdict != "context"

    def _follow_up(self, span: Span, cues: Sequence[Cue]) -> bool:
        """Is this a short follow-up ("Please translate it.") to the item just before?

        A word of a deliverable's title or brief is a weak target: in a clause of a few
        words with no edit of its own, right after an item, it names the work in general,
        and the clause repeats the ask of that item rather than adding a new one.
        """
        kinds = {c.kind for c in cues}
        short = len(self.message[span[0] : span[1]].split()) <= FOLLOW_UP_WORDS
        weak = bool(kinds & WEAK_KINDS) and not kinds & (CONCRETE_KINDS - WEAK_KINDS)
        weak = weak and "change" not in kinds
        return self.last_was_item and bool(self.drafts) and short and weak

    def _lead_in(self, scope: ItemScope) -> bool:
        """Is the last item only a lead-in ("While you're at it,") to this one?

        A clause ending in a comma or colon that names nothing concrete and has the same
        scope as the clause after it only introduces that clause: it becomes context, so
        the item quotes the ask itself and is not counted twice.
        """
        if not self.last_was_item or not self.drafts or self.drafts[-1].scope != scope:
            return False
        last = self.drafts[-1]
        a, b = last.spans[-1]
        ends_open = self.message[a:b].rstrip().endswith((",", ":"))
        names = {c.kind for c in last.cues} & (CONCRETE_KINDS | {"change"})
        return ends_open and not names

    def _untargeted(self, span: Span, cues: list[Cue]) -> None:
        """Join a request without a target to the sentence before it, else call it vague."""
        joined = None
        if not self.last_was_item and self.context:
            joined = self._reread_with(self.context[-1], span)
        if joined is not None:
            self.context.pop()
            self.drafts.append(joined)
            return
        note = _marker("untargeted", self.message[span[0] : span[1]], span[0], self.book)
        if self.drafts:
            self.drafts[-1].spans.append(span)
            self.drafts[-1].cues.extend([*cues, note])
            return
        # Nothing before to refer to: a threat around a concrete ask ("Fix the ears NOW or
        # I won't pay") is still that ask.
        text = self.message[span[0] : span[1]]
        own = item_scope(decide({c.kind for c in cues} - {"stage"}, "?" in text))
        self.drafts.append(_Draft(own or "vague", [span], [*cues] if own else [*cues, note]))

    def _reread_with(self, prev: Span, span: Span) -> _Draft | None:
        """Read the context sentence just before together with the untargeted request."""
        text = self.message[prev[0] : span[1]]
        reading = read_clause(text, prev[0], self.book, self.cc, self.screen)
        scope = item_scope(reading.verdict)
        return None if scope is None else _Draft(scope, [prev, span], list(reading.cues))


def _items_from_message(
    message: str, book: CueBook, cc: ContractCues, screen: Screen | None = None
) -> tuple[list[_Draft], list[Span]]:
    assembly = _Assembly(message, book, cc, screen)
    for span in split_message(message, book, screen):
        if message[span[0] : span[1]].strip():
            assembly.add(span)
    return assembly.drafts, assembly.context


def _explicit_items(
    items: Sequence[str], book: CueBook, cc: ContractCues, screen: Screen | None = None
) -> list[ChangeItem]:
    """Classify the client's own list of items, one verdict each, without splitting."""
    result = []
    for text in items:
        reading = read_clause(text, 0, book, cc, screen)
        cues = list(reading.cues)
        kinds = {c.kind for c in cues}
        scope = item_scope(reading.verdict)
        if scope is None:
            scope = "in_scope" if kinds & CONCRETE_KINDS else "vague"
            if scope == "vague":
                cues.append(_marker("no_actionable_change", text, 0, book))
        result.append(ChangeItem(text.strip(), scope, tuple(cues), ((0, len(text)),)))
    return result


def overall_scope(items: Sequence[ChangeItem]) -> Scope:
    """One class if the non-vague items agree, ``mixed`` if not, ``vague`` if none is concrete."""
    concrete = {item.scope for item in items if item.scope != "vague"}
    if not concrete:
        return "vague"
    if len(concrete) == 1:
        return next(iter(concrete))
    return "mixed"


def _from_message(
    message: str, book: CueBook, cc: ContractCues, screen: Screen | None = None
) -> tuple[list[ChangeItem], tuple[str, ...]]:
    drafts, context = _items_from_message(message, book, cc, screen)
    if not drafts and message.strip():
        whole = (0, len(message))
        note = _marker("no_actionable_change", message, 0, book)
        return [ChangeItem(message.strip(), "vague", (note,), (whole,))], ()
    items = [d.freeze(message) for d in drafts]
    return items, tuple(message[a:b].strip() for a, b in context)


def analyse_request(
    message: str,
    context: RequestContext,
    items: Sequence[str] | None = None,
    assessed: bool = True,
) -> RequestAnalysis:
    """Understand one client message: change items and their scope, stage and language.

    If ``items`` is given (the client listed the changes explicitly), each is classified
    as it stands; the message is still used for the stage and the language. With
    ``assessed`` (the default) the result also carries the ``assessment``: intent, scope
    with ``none``, calibrated confidences and needs_review (``engine.understand.reader``);
    ``assessed=False`` gives the rules' reading alone. With the assessment, ``stage`` is
    the assessment's (the stage combiner's); ``stage_cues`` and ``stage_score`` are the rules'.
    """
    book = cuebook()
    cc = contract_cues(context, book)
    whole = "\n".join([message, *(items or ())])
    # The message, each clause and each item are parts of ``whole``: which cue phrases
    # can match anywhere is worked out once, and each part only re-checks those.
    screen = book.screen(fold(whole))
    rest: tuple[str, ...] = ()
    if items is not None:
        found = _explicit_items(items, book, cc, screen)
    else:
        found, rest = _from_message(message, book, cc, screen)
    stage = read_stage(whole, book, context.names, screen)
    priors = (context.client_language, context.contract_language)
    lang = detect_language(whole, book, priors, screen)
    analysis = RequestAnalysis(
        items=tuple(found),
        scope=overall_scope(found),
        stage=stage.stage,
        stage_cues=stage.cues,
        stage_score=stage.score,
        language=lang.code,
        language_confidence=lang.confidence,
        language_method=lang.method,
        language_candidates=lang.candidates,
        context=rest,
    )
    if not assessed:
        return analysis
    # The assessment's stage (the combiner: rules, anger signals and n-grams) is the stage.
    assessment = assess(whole, analysis)
    assessed_stage: Stage = "explosion" if assessment.stage == "explosion" else "calm"
    return replace(analysis, stage=assessed_stage, assessment=assessment)
