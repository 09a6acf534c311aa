"""Reading a contract spec (YAML or JSON text) into validated `ContractTerms`.

Parsing takes text, not a path: the caller reads the file, the engine stays free of I/O.
Every problem is reported with its field path (``deliverables[1].unit``) so a freelancer
can fix a spec in one pass. A new spec passes three gates, each reporting all it finds:

1. reading (`engine.terms.reading`): nesting, number literals, duplicate keys and YAML
   tags are checked before values are built, then NUL characters in the decoded data;
2. the model (`ContractTerms`, with the bounds of `engine.terms.bounds`);
3. the intake rules (`engine.terms.intake`): ISO currency, shares ≤ 1, date range and order.

A stored spec was accepted once; ``reload_spec`` reads it through the model alone, so a
contract stored before an intake rule existed keeps working (see the README, "Bounds").
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from roundwise.engine.errors import FieldProblem, SpecError
from roundwise.engine.terms.contract import ContractTerms
from roundwise.engine.terms.intake import intake_problems
from roundwise.engine.terms.reading import SpecFormat, decode, screen


def parse_spec(text: str, fmt: SpecFormat = "yaml") -> ContractTerms:
    """Parse and validate a new spec; raises `SpecError` naming every failing field."""
    return load_spec(decode(text, fmt))


def load_spec(data: object) -> ContractTerms:
    """Validate an already-decoded new spec (a mapping from YAML, JSON or an API body)."""
    _raise_if(screen(data))
    terms = reload_spec(data)
    _raise_if(intake_problems(terms))
    return terms


def reload_spec(data: object) -> ContractTerms:
    """Validate a spec accepted before (a stored one): the model's bounds, no intake rules."""
    if not isinstance(data, Mapping):
        raise SpecError(
            "a contract spec must be a mapping of fields",
            (FieldProblem(path="", reason=f"expected a mapping, got {type(data).__name__}"),),
        )
    try:
        return ContractTerms.model_validate(dict(data))
    except ValidationError as exc:
        _raise_if(tuple(_problem(error) for error in exc.errors(include_url=False)))
        raise  # pragma: no cover - a ValidationError always lists its errors


def _raise_if(problems: tuple[FieldProblem, ...]) -> None:
    if not problems:
        return
    summary = "; ".join(f"{p.path or '(spec)'}: {p.reason}" for p in problems[:3])
    more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
    raise SpecError(f"invalid contract spec: {summary}{more}", problems) from None


def format_path(location: tuple[int | str, ...]) -> str:
    """Render a pydantic error location as ``deliverables[1].revision_policy.rounds``."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _problem(error: Mapping[str, Any]) -> FieldProblem:
    location = tuple(part for part in error.get("loc", ()) if part not in _UNION_TAGS)
    return FieldProblem(path=format_path(location), reason=_reason(error))


def _reason(error: Mapping[str, Any]) -> str:
    """Pydantic's message, with bounds written as plain numbers ("must be at most 1")."""
    words, key = _BOUND_WORDS.get(str(error.get("type")), ("", ""))
    bound = (error.get("ctx") or {}).get(key)
    if isinstance(bound, str) and bound.startswith("Decimal('"):  # pydantic's repr of it
        bound = Decimal(bound.removeprefix("Decimal('").removesuffix("')"))
    if isinstance(bound, int | Decimal):
        return f"{words} {bound:,}"
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


_BOUND_WORDS = {
    "less_than_equal": ("must be at most", "le"),
    "less_than": ("must be less than", "lt"),
    "greater_than_equal": ("must be at least", "ge"),
    "greater_than": ("must be greater than", "gt"),
}

# Pydantic puts the discriminator's tag into the location of union errors; users never
# wrote those names, so they are left out of the path.
_UNION_TAGS = frozenset({"flat", "per_word", "hourly"})
