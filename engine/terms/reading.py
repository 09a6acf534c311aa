"""Reading spec text (YAML or JSON) into plain data, refusing what a spec never needs.

Rule: the same limits for both formats, checked before a value is built: at most
``MAX_NESTING`` levels of nesting (and in YAML, whose reader is slow, ``MAX_NODES``
values), number literals of at most ``MAX_NUMBER_DIGITS`` digits, no key twice in one
mapping (YAML and JSON would silently keep the last), and in YAML only the core types
(text, numbers, booleans, null, dates, lists, mappings): no aliases, no ``!!binary``,
``!!set``, merge keys or application tags. A date that does not exist (``2026-02-30``)
stays text, so the model reports it at its field.

A refused value is kept in place as a `Refused` marker, so `screen` can report it at its
field path (``deliverables[0].size``); text that cannot be read at all raises `SpecError`
with the line and column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

from roundwise.engine.errors import FieldProblem, SpecError
from roundwise.engine.terms.bounds import MAX_NESTING, MAX_NODES, MAX_NUMBER_DIGITS

SpecFormat = Literal["yaml", "json"]

NUL = "\x00"


@dataclass(frozen=True, slots=True)
class Refused:
    """A value read from spec text that is refused, and why (reported at its path)."""

    reason: str


def decode(text: str, fmt: SpecFormat) -> Any:
    """The spec text as plain data (with `Refused` markers); `SpecError` if unreadable."""
    try:
        if fmt == "json":
            return _decode_json(text)
        return yaml.load(text, Loader=_SpecLoader)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise SpecError(
            f"the spec is not valid {fmt.upper()}: {_first_line(exc)}",
            (FieldProblem(path="", reason=_first_line(exc)),),
        ) from None


def screen(data: object) -> tuple[FieldProblem, ...]:
    """Refused markers, NUL characters and too deep nesting in decoded data, by path.

    Iterative, so any nesting (an API body decoded elsewhere) is measured, not recursed.
    """
    problems: list[FieldProblem] = []
    stack: list[tuple[str, object, int]] = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        problems.extend(_problem_at(path, value, depth))
        if depth < MAX_NESTING:
            stack.extend(reversed(list(_children(path, value, depth))))
    return tuple(problems)


def _problem_at(path: str, value: object, depth: int) -> Iterator[FieldProblem]:
    if isinstance(value, Refused):
        yield FieldProblem(path, value.reason)
    elif isinstance(value, str) and NUL in value:
        yield FieldProblem(path, "contains a NUL character (U+0000), which cannot be stored")
    elif isinstance(value, Mapping | list | tuple) and depth >= MAX_NESTING:
        yield FieldProblem(path, f"nested more than {MAX_NESTING} levels deep")


def _children(path: str, value: object, depth: int) -> Iterator[tuple[str, object, int]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if isinstance(key, Refused):  # a key that is a refused value names its mapping
                yield path, key, depth + 1
            elif isinstance(key, str) and NUL in key:
                yield child, Refused("a key contains a NUL character (U+0000)"), depth + 1
            else:
                yield child, item, depth + 1
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield f"{path}[{index}]", item, depth + 1


# --- JSON ---------------------------------------------------------------------------------

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def _decode_json(text: str) -> Any:
    if _json_depth(text) > MAX_NESTING:
        raise SpecError(
            f"the spec is nested more than {MAX_NESTING} levels deep",
            (FieldProblem("", f"nested more than {MAX_NESTING} levels deep"),),
        )
    return json.loads(text, parse_int=_json_int, object_pairs_hook=_json_object)


def _json_depth(text: str) -> int:
    """The deepest bracket nesting outside strings (stops counting past the limit)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            break
    return deepest


def _json_int(literal: str) -> int | Refused:
    if len(literal.lstrip("-")) > MAX_NUMBER_DIGITS:
        return _too_many_digits(literal)
    return int(literal)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        mapping[key] = _twice(key) if key in mapping else value
    return mapping


def _too_many_digits(literal: str) -> Refused:
    digits = sum(c.isdigit() for c in literal)
    return Refused(f"a number of {digits} digits; at most {MAX_NUMBER_DIGITS} are read")


def _twice(key: object) -> Refused:
    return Refused(f"the key {key!r} appears more than once in this mapping; keep one")


# --- YAML ---------------------------------------------------------------------------------


class _SpecLoader(yaml.SafeLoader):
    """A safe loader for specs: no aliases, bounded nesting, keys once, core tags only.

    Aliases are refused before anything is expanded: a few hundred bytes of nested
    aliases become billions of nodes once validated (the "billion laughs").
    """

    _depth = 0
    _nodes = 0  # PyYAML builds ~25,000 nodes a second: a bound on them is one on time

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        if self.check_event(yaml.AliasEvent):
            message = "YAML aliases (*name) are not accepted in a contract spec"
            raise yaml.composer.ComposerError(None, None, message, mark)
        if self._depth >= MAX_NESTING:
            message = f"the spec is nested more than {MAX_NESTING} levels deep"
            raise yaml.composer.ComposerError(None, None, message, mark)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            message = f"the spec has more than {MAX_NODES:,} values"
            raise yaml.composer.ComposerError(None, None, message, mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            message = f"expected a mapping, found {type(node).__name__}"
            raise ConstructorError(None, None, message, node.start_mark)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise ConstructorError(None, None, "a key must be plain text", key_node.start_mark)
            if key_node.tag == "tag:yaml.org,2002:merge":
                mapping["<<"] = Refused("YAML merge keys (<<) are not accepted")
                continue
            key = self.construct_object(key_node, deep=deep)
            value = self.construct_object(value_node, deep=deep)
            mapping[key] = _twice(key) if key in mapping else value
        return mapping

    def construct_checked(self, node: ScalarNode) -> Any:
        """A core scalar (int, float, bool, date), or a marker when it cannot be one.

        PyYAML's own constructors raise plain ``ValueError``s (``2026-02-30``, an int
        beyond Python's digit limit, ``!!int abc``); a date that does not exist stays
        text so the model names the field, anything else is refused at its path.
        """
        kind = node.tag.removeprefix("tag:yaml.org,2002:")
        if kind == "int" and len(str(node.value).lstrip("+-").replace("_", "")) > MAX_NUMBER_DIGITS:
            return _too_many_digits(str(node.value))
        try:
            return _CORE_SCALARS[kind](self, node)
        except (ValueError, KeyError, IndexError, AttributeError, OverflowError):
            if kind == "timestamp":
                return self.construct_scalar(node)
            return Refused(f"{node.value!r} is not a valid !!{kind}")

    def construct_refused(self, node: Node) -> Refused:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        return Refused(f"values tagged {tag} are not accepted in a contract spec")


_CORE_SCALARS = {
    "int": yaml.SafeLoader.construct_yaml_int,
    "float": yaml.SafeLoader.construct_yaml_float,
    "bool": yaml.SafeLoader.construct_yaml_bool,
    "timestamp": yaml.SafeLoader.construct_yaml_timestamp,
}
for _kind in _CORE_SCALARS:
    _SpecLoader.add_constructor(f"tag:yaml.org,2002:{_kind}", _SpecLoader.construct_checked)
for _kind in ("binary", "omap", "pairs", "set"):
    _SpecLoader.add_constructor(f"tag:yaml.org,2002:{_kind}", _SpecLoader.construct_refused)
_SpecLoader.add_constructor(None, _SpecLoader.construct_refused)


def _first_line(exc: Exception) -> str:
    """One line naming the problem and, for YAML, where it is."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem and exc.problem_mark:
        mark = exc.problem_mark
        return f"{exc.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
