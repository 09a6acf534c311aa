"""Every string inside a parsed YAML corpus (mappings and lists walked in order)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def strings(node: Any) -> Iterator[str]:
    """The strings of ``node``, depth first, in document order."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
