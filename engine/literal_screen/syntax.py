"""Reading a regex source into nodes: the subset ``re`` and ``regex`` read alike."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from roundwise.engine.literal_screen.case import CLASS_LIMIT, DIGIT, SPACE, canonical

# --- reading a pattern ------------------------------------------------------------------
#
# The reader turns a source into nodes ``(kind, value)``: ("LIT", char), ("IN", members
# or None for a class it cannot list), ("ANY", None) for one unknown character, ("AT",
# None) for what matches the empty string (anchors, \b, negative lookarounds), ("ASSERT",
# items) for a positive lookaround, ("GROUP", items), ("BRANCH", [items, …]) and
# ("REPEAT", (low, high, items)) with high None for "no bound".


class UnreadableError(Exception):
    """The source uses syntax the reader does not know (the pattern then always runs)."""


Node = tuple[str, Any]
_ESCAPED_CHARS = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_ZERO_WIDTH_ESCAPES = frozenset("bBAZ")
_CLASS_ESCAPES = {"s": SPACE, "d": DIGIT}
_OTHER_CLASS_ESCAPES = frozenset("wWSD")
_REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")
_SET_OPERATORS = ("[", "&&", "--", "||", "~~")


class _Reader:
    """A recursive-descent reader of one regex source (see the module docstring)."""

    def __init__(self, source: str) -> None:
        self.source, self.at = source, 0

    def peek(self, ahead: int = 0) -> str:
        index = self.at + ahead
        return self.source[index] if index < len(self.source) else ""

    def take(self, text: str) -> bool:
        if self.source.startswith(text, self.at):
            self.at += len(text)
            return True
        return False

    def alternation(self) -> list[Node]:
        branches = [self.sequence()]
        while self.take("|"):
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else [("BRANCH", branches)]

    def sequence(self) -> list[Node]:
        items: list[Node] = []
        while self.peek() not in ("", "|", ")"):
            items.append(self.repeated(self.atom()))
        return items

    def atom(self) -> Node:
        char = self.peek()
        self.at += 1
        if char == "\\":
            return self.escape()
        if char == "(":
            return self.group()
        if char == "[":
            return self.char_class()
        if char == ".":
            return ("ANY", None)
        if char in "^$":
            return ("AT", None)
        if char in "*+?{":
            raise UnreadableError("a repeat of nothing, or a brace that is not a repeat")
        return ("LIT", char)

    def escape(self) -> Node:
        char = self.peek()
        self.at += 1
        if char in _ZERO_WIDTH_ESCAPES:
            return ("AT", None)
        if char in _CLASS_ESCAPES:
            return ("IN", frozenset({_CLASS_ESCAPES[char]}))
        if char in _OTHER_CLASS_ESCAPES:
            return ("IN", None)
        return ("LIT", self.escaped_char(char))

    def escaped_char(self, char: str) -> str:
        if char in _ESCAPED_CHARS:
            return _ESCAPED_CHARS[char]
        if not char or char.isalnum():
            raise UnreadableError(f"escape \\{char}")  # references, \x, \p{…}, \N{…}…
        return char

    def group(self) -> Node:
        kind = "GROUP"
        if self.take("?"):
            if self.take(":") or self.take(">"):
                pass
            elif self.take("=") or self.take("<="):
                kind = "ASSERT"
            elif self.take("!") or self.take("<!"):
                kind = "NOT"
            elif self.take("P<"):
                self.name()
            else:
                raise UnreadableError("group kind")  # flags, (?P=, (?(, comments…
        items = self.alternation()
        if not self.take(")"):
            raise UnreadableError("unclosed group")
        if kind == "NOT":
            return ("AT", None)  # a negative lookaround matches the empty string
        return (kind, items)

    def name(self) -> None:
        end = self.source.find(">", self.at)
        if end < 0 or not self.source[self.at : end].isidentifier():
            raise UnreadableError("group name")
        self.at = end + 1

    def char_class(self) -> Node:
        end = self.class_end()
        body = self.source[self.at : end]
        self.at = end + 1
        if any(op in body for op in _SET_OPERATORS):
            raise UnreadableError("set syntax the engines read differently")  # [[:alpha:]]…
        if body.startswith("^"):
            return ("IN", None)  # a negation
        members: set[str] = set()
        index = 0
        while index < len(body):
            first, index = self.class_char(body, index)
            if body[index : index + 1] == "-" and index + 1 < len(body):
                last, index = self.class_char(body, index + 1)
                if len(first) != 1 or len(last) != 1 or ord(last) - ord(first) >= CLASS_LIMIT:
                    return ("IN", None)
                members.update(chr(p) for p in range(ord(first), ord(last) + 1))
            elif first:
                members.add(first)
            else:
                return ("IN", None)
        return ("IN", frozenset(canonical(m) if len(m) == 1 else m for m in members))

    def class_end(self) -> int:
        """Where the class that starts at ``self.at`` closes (a leading "]" is a member)."""
        index = self.at + (1 if self.source.startswith("^", self.at) else 0)
        index += 1 if self.source.startswith("]", index) else 0
        while index < len(self.source):
            if self.source[index] == "\\":
                index += 2
            elif self.source[index] == "]":
                return index
            else:
                index += 1
        raise UnreadableError("unclosed class")

    def class_char(self, body: str, index: int) -> tuple[str, int]:
        """One class member: a character, a class key (\\s, \\d), or "" for one unknown."""
        char = body[index]
        if char != "\\":
            return char, index + 1
        escaped = body[index + 1 : index + 2]
        if escaped in _CLASS_ESCAPES:
            return _CLASS_ESCAPES[escaped], index + 2
        if escaped in _OTHER_CLASS_ESCAPES:
            return "", index + 2
        if escaped == "b":
            raise UnreadableError("\\b in a class")
        return self.escaped_char(escaped), index + 2

    def repeated(self, node: Node) -> Node:
        low: int
        high: int | None
        char = self.peek()
        if char in ("*", "+", "?"):
            self.at += 1
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[char]
        elif char == "{":
            found = _REPEAT.match(self.source, self.at)
            if found is None:
                raise UnreadableError("a brace that is not a repeat")
            self.at = found.end()
            low = int(found[1] or 0)
            high = low if not found[2] else (int(found[3]) if found[3] else None)
        else:
            return node
        if node[0] in ("AT", "ASSERT"):
            raise UnreadableError("a repeated assertion")
        self.take("?") or self.take("+")  # lazy or possessive: the same strings match
        if self.peek() in ("*", "+", "?", "{"):
            raise UnreadableError("a repeat of a repeat")
        return ("REPEAT", (low, high, [node]))


def parse(source: str) -> list[Node]:
    """The nodes of ``source``; raises ``UnreadableError`` for syntax outside the subset."""
    reader = _Reader(source)
    try:
        items = reader.alternation()
    except IndexError as error:  # pragma: no cover - defensive: a truncated source
        raise UnreadableError("truncated") from error
    if reader.at != len(source):
        raise UnreadableError("unbalanced parenthesis")
    return items


def min_width(items: Sequence[Node]) -> int:
    """The fewest characters a match of ``items`` can take."""
    total = 0
    for kind, value in items:
        if kind in ("LIT", "IN", "ANY"):
            total += 1
        elif kind == "GROUP":
            total += min_width(value)
        elif kind == "BRANCH":
            total += min(map(min_width, value))
        elif kind == "REPEAT":
            low, _, inner = value
            total += low * min_width(inner)
    return total
