"""The check kinds a lint rule can use; each turns a rule and a text into findings.

- ``phrase``: every match of a forbidden pattern is a finding at its span.
- ``refusal``: a refusal with no way forward anywhere in the reply (span: the refusal).
- ``missing``: none of the ``present`` patterns occurs (span: the whole reply).
- ``name``: the opening line greets nobody by name (or, given the client's name, the
  name is absent) (span: the opening line).
- ``capitals``: upper-case words that are not ordinary acronyms (span: the shouted run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import regex

from roundwise.engine.lint.patterns import LintRule, rules_for
from roundwise.engine.literal_screen import Conditions, Prefilter, read_phrase

# Compiled once: the module-level regex functions look each pattern up per call.
_LINE = regex.compile(r"[^\n]+")
_SPACES = regex.compile(r"\s+")
_WORD = regex.compile(r"[\p{L}\p{M}]+")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a reply: where it is, which technique it breaks, why, and what's better."""

    rule: str
    technique: str
    start: int
    end: int
    excerpt: str
    why: str
    better: str

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (the CLI's and the API's wire shape)."""
        return {
            "rule": self.rule,
            "technique": self.technique,
            "span": [self.start, self.end],
            "excerpt": self.excerpt,
            "why": self.why,
            "better": self.better,
        }


def _finding(rule: LintRule, text: str, start: int, end: int) -> Finding:
    return Finding(rule.id, rule.technique, start, end, text[start:end], rule.why, rule.better)


def check_phrase(rule: LintRule, text: str, client_name: str | None) -> Iterator[Finding]:
    """Every match of a forbidden phrase."""
    for pattern in rule.patterns:
        if pattern.search(text) is None:
            continue  # most texts match no pattern: a search is cheaper than a finditer
        for match in pattern.finditer(text):
            yield _finding(rule, text, match.start(), match.end())


def _first(patterns: tuple[regex.Pattern[str], ...], text: str) -> regex.Match[str] | None:
    matches = [m for m in (p.search(text) for p in patterns) if m is not None]
    return min(matches, key=lambda m: m.start(), default=None)


def check_refusal(rule: LintRule, text: str, client_name: str | None) -> Iterator[Finding]:
    """A refusal and no alternative anywhere: the client is left with nowhere to go."""
    refusal = _first(rule.refusal, text)
    if refusal is not None and _first(rule.alternative, text) is None:
        yield _finding(rule, text, refusal.start(), refusal.end())


def check_missing(rule: LintRule, text: str, client_name: str | None) -> Iterator[Finding]:
    """Something every reply should contain (thanks) is absent."""
    if text.strip() and _first(rule.present, text) is None:
        yield _finding(rule, text, 0, len(text))


def _opening(text: str) -> tuple[int, str]:
    for match in _LINE.finditer(text):
        if match.group().strip():
            return match.start(), match.group()
    return 0, ""


def _greets_by_name(rule: LintRule, line: str) -> bool:
    match = rule.greeting.match(line) if rule.greeting is not None else None
    return match is not None and match.group("name").lower() not in rule.generic_names


def _mentions(name: str, text: str, stem_trim: int = 0) -> bool:
    """Whether a part of ``name`` occurs in ``text`` as a word.

    With ``stem_trim`` (languages that decline names), a part matches as its stem — the
    part less that many final letters, at least three kept — followed by any ending:
    "Anna" is found in "Pani Anno", "Petrović" in "gospodine Petroviću".
    """
    parts = [p for p in _SPACES.split(name.strip()) if p]
    for part in parts:
        if stem_trim and len(part) > 3:
            stem = part[: max(3, len(part) - stem_trim)]
            found = regex.search(rf"\b{regex.escape(stem)}[\p{{L}}\p{{M}}]*", text, regex.I)
        else:
            found = regex.search(rf"\b{regex.escape(part)}\b", text, regex.IGNORECASE)
        if found is not None:
            return True
    return False


def check_name(rule: LintRule, text: str, client_name: str | None) -> Iterator[Finding]:
    """The reply opens without the client's name (or never mentions the given name)."""
    start, line = _opening(text)
    if client_name:
        named = _mentions(client_name, text, rule.stem_trim)
    else:
        named = _greets_by_name(rule, line)
    if not named:
        yield _finding(rule, text, start, start + len(line))


def _shouty(rule: LintRule, word: str) -> bool:
    return len(word) >= 2 and word.isupper() and word not in rule.allow


def _shouted_runs(rule: LintRule, text: str) -> Iterator[list[regex.Match[str]]]:
    run: list[regex.Match[str]] = []
    for match in _WORD.finditer(text):
        if _shouty(rule, match.group()):
            run.append(match)
            continue
        if run:
            yield run
        run = []
    if run:
        yield run


def check_capitals(rule: LintRule, text: str, client_name: str | None) -> Iterator[Finding]:
    """Upper-case runs: two or more words, one long word, or one of the shout words."""
    if not any(w.isupper() and len(w) >= 2 and w not in rule.allow for w in _WORD.findall(text)):
        return  # no shouty word at all (most texts): skip building match runs
    for run in _shouted_runs(rule, text):
        word = run[0].group()
        loud = len(run) >= 2 or len(word) >= rule.min_single or word in rule.shout_words
        if loud:
            yield _finding(rule, text, run[0].start(), run[-1].end())


Check = Callable[[LintRule, str, str | None], Iterator[Finding]]

CHECKS: dict[str, Check] = {
    "phrase": check_phrase,
    "refusal": check_refusal,
    "missing": check_missing,
    "name": check_name,
    "capitals": check_capitals,
}


@dataclass(frozen=True, slots=True)
class _Screened:
    """A rule as ``finds_any`` runs it: its phrase or refusal patterns as screen units.

    ``guards`` are a phrase rule's patterns or a refusal rule's refusals, each with its
    unit bit (any finding of the rule needs one of them to match); ``mask`` is their
    bits together. Other check kinds have no guards and run as ``lint_reply`` runs them.
    """

    rule: LintRule
    guards: tuple[tuple[regex.Pattern[str], int], ...]
    mask: int

    def finds(self, text: str, admitted: int) -> bool:
        """Whether the rule finds something in ``text``, whose admitted units are given."""
        check = self.rule.check
        if check not in _SCREENED:
            return next(CHECKS[check](self.rule, text, None), None) is not None
        if not admitted & self.mask:
            return False  # none of its patterns can match
        matched = any(p.search(text) is not None for p, bit in self.guards if admitted & bit)
        if check == "phrase" or not matched:
            return matched
        return _first(self.rule.alternative, text) is None  # a refusal: and no way forward?


# Check kinds whose findings all need one of a few patterns to match: phrase (its
# patterns) and refusal (its refusals).
_SCREENED = frozenset({"phrase", "refusal"})


def _guards(rule: LintRule) -> tuple[regex.Pattern[str], ...]:
    if rule.check not in _SCREENED:
        return ()
    return rule.patterns if rule.check == "phrase" else rule.refusal


@dataclass(frozen=True, slots=True)
class _Plan:
    """The rules ``finds_any`` runs for one language and skip set, and their screen."""

    rules: tuple[_Screened, ...]
    screen: Prefilter


def _conditions(pattern: regex.Pattern[str]) -> Conditions:
    """What every match of a lint pattern needs (``engine.literal_screen``).

    The screen reads the syntax ``re`` and ``regex`` share; a version-1 pattern (which
    reads sets and case differently) is not read and always runs.
    """
    flags = int(pattern.flags)
    if flags & int(regex.VERSION1):
        return ()
    return read_phrase(pattern.pattern, flags & ~int(regex.VERSION0)).conditions


@lru_cache(maxsize=64)
def _plan(language: str, skip: frozenset[str]) -> _Plan:
    """The plan of ``finds_any``: fixed by the language's shipped rules and the skip set."""
    rules: list[_Screened] = []
    units: list[Conditions] = []
    for rule in rules_for(language):
        if rule.id in skip:
            continue
        guards = tuple((p, 1 << (len(units) + i)) for i, p in enumerate(_guards(rule)))
        units += [_conditions(p) for p, _ in guards]
        rules.append(_Screened(rule, guards, sum(bit for _, bit in guards)))
    return _Plan(tuple(rules), Prefilter(units))


def finds_any(text: str, language: str = "en", skip: frozenset[str] = frozenset()) -> bool:
    """Whether any rule of ``language`` (bar the ``skip`` ids) finds something in ``text``.

    The same answer as ``bool(lint_reply(text, language))`` limited to those rules, but it
    stops at the first finding instead of collecting and sorting them all: deciding
    whether a client's phrase is fit to quote back needs only yes or no. A phrase or
    refusal pattern runs only when the text holds the literals it needs
    (``engine.literal_screen``): one without could not match, so the answer is the same
    as running them all.
    """
    plan = _plan(language, skip)
    admitted = plan.screen.screen(text).mask
    return any(rule.finds(text, admitted) for rule in plan.rules)
