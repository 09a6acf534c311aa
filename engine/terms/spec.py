"""Reading a contract spec (YAML or JSON text) into validated `ContractTerms`.

Parsing takes text, not a path: the caller reads the file, the engine stays free of I/O.
Every problem is reported at once with its field path (``deliverables[1].unit``) so a
freelancer can fix a spec in one pass.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from engine.errors import FieldProblem, SpecError
from engine.terms.contract import ContractTerms

SpecFormat = Literal["yaml", "json"]


def parse_spec(text: str, fmt: SpecFormat = "yaml") -> ContractTerms:
    """Parse and validate a spec; raises `SpecError` naming every failing field."""
    return load_spec(_decode(text, fmt))


def load_spec(data: object) -> ContractTerms:
    """Validate an already-decoded spec (a mapping from YAML, JSON or an API body)."""
    if not isinstance(data, Mapping):
        raise SpecError(
            "a contract spec must be a mapping of fields",
            (FieldProblem(path="", reason=f"expected a mapping, got {type(data).__name__}"),),
        )
    try:
        return ContractTerms.model_validate(dict(data))
    except ValidationError as exc:
        problems = tuple(_problem(error) for error in exc.errors(include_url=False))
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


class _AliasFreeLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases (``*name``).

    A few hundred bytes of nested aliases expand into billions of nodes once validated
    (the "billion laughs"); a contract spec never needs them, so they are refused before
    anything is expanded.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not accepted in a contract spec", mark
            )
        return super().compose_node(parent, index)


def _decode(text: str, fmt: SpecFormat) -> Any:
    try:
        if fmt == "json":
            return json.loads(text)
        return yaml.load(text, Loader=_AliasFreeLoader)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise SpecError(
            f"the spec is not valid {fmt.upper()}: {_first_line(exc)}",
            (FieldProblem(path="", reason=_first_line(exc)),),
        ) from None


def _problem(error: Mapping[str, Any]) -> FieldProblem:
    location = tuple(part for part in error.get("loc", ()) if part not in _UNION_TAGS)
    return FieldProblem(path=format_path(location), reason=str(error.get("msg", "invalid")))


# Pydantic puts the discriminator's tag into the location of union errors; users never
# wrote those names, so they are left out of the path.
_UNION_TAGS = frozenset({"flat", "per_word", "hourly"})


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


__all__ = ["SpecFormat", "format_path", "load_spec", "parse_spec"]
