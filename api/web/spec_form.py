"""The new-contract form: its fields, the spec they make, and the errors put back on them.

The form's field names are the spec's own paths (``client.email``,
``deliverables[0].fee``, ``revision_policy.rounds_included``), so a ``SpecError`` from
``engine.terms.load_spec`` (the same validation and the same problems the API answers
with) names the field to show it next to. Two fields are friendlier than the spec:
the largest change per round is asked in percent, and exclusions one per line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from roundwise.engine.errors import SpecError
from roundwise.engine.terms import ContractTerms, load_spec

DELIVERABLE_ROWS = 3
DELIVERABLE_FIELDS = ("id", "title", "kind", "size", "fee", "due", "brief")
PARTY_FIELDS = {
    "freelancer": ("name", "email"),
    "client": ("name", "business", "email", "language"),
}
PERCENT_FIELD = "max_change_percent"
SHARE_PATH = "revision_policy.max_change_share"
ROUNDS_PATH = "revision_policy.rounds_included"
EXTRA_ROUND_PATH = "revision_policy.extra_round.amount"
HOURLY_PATH = "revision_policy.out_of_scope.hourly_rate"


@dataclass(slots=True)
class FormResult:
    """The terms the form made, or the errors by field name (``""``: the form as a whole)."""

    terms: ContractTerms | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def slug(text: str) -> str:
    """An id made of a title: lowercase ASCII letters, digits and hyphens."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or "contract"


def _value(form: Mapping[str, str], name: str) -> str | None:
    value = form.get(name, "").strip()
    return value or None


def _deliverables(form: Mapping[str, str]) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """The filled deliverable rows, and each one's form row by its place in the spec."""
    rows: list[dict[str, Any]] = []
    where: dict[int, int] = {}
    for row in range(DELIVERABLE_ROWS):
        values = {f: _value(form, f"deliverables[{row}].{f}") for f in DELIVERABLE_FIELDS}
        if not any(values[f] for f in ("id", "title", "brief")):
            continue
        if values["id"] is None and values["title"]:
            values["id"] = slug(values["title"])
        values["brief"] = values["brief"] or ""
        where[len(rows)] = row
        rows.append({k: v for k, v in values.items() if v is not None})
    return rows, where


def _share(percent: str | None) -> str | None:
    if percent is None:
        return None
    try:
        return str(Decimal(percent.rstrip("%").strip()) / 100)
    except InvalidOperation:
        return percent  # not a number: the spec's validation names it


def spec_of(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[int, int]]:
    """The spec the form describes (as ``load_spec`` takes it) and the deliverable rows."""
    deliverables, where = _deliverables(form)
    parties = {
        party: {f: v for f in names if (v := _value(form, f"{party}.{f}")) is not None}
        for party, names in PARTY_FIELDS.items()
    }
    policy: dict[str, Any] = {
        "rounds_included": _value(form, ROUNDS_PATH),
        "extra_round": {"basis": "flat", "amount": _value(form, EXTRA_ROUND_PATH)},
        "out_of_scope": {"hourly_rate": _value(form, HOURLY_PATH)},
    }
    share = _share(_value(form, PERCENT_FIELD))
    if share is not None:
        policy["max_change_share"] = share
    title = _value(form, "title")
    spec: dict[str, Any] = {
        "id": slug(title or ""),
        "title": title,
        "language": _value(form, "language") or "en",
        "currency": (_value(form, "currency") or "").upper() or None,
        "freelancer": parties["freelancer"],
        "client": parties["client"],
        "deliverables": deliverables,
        "exclusions": [
            line.strip() for line in form.get("exclusions", "").splitlines() if line.strip()
        ],
        "revision_policy": policy,
    }
    if (start := _value(form, "start_date")) is not None:
        spec["start_date"] = start
    return spec, where


_DELIVERABLE_PATH = re.compile(r"^deliverables\[(\d+)\](.*)$")


def field_of(path: str, where: Mapping[int, int]) -> str:
    """The form field a problem's spec path points at (the form itself when none fits)."""
    if path == SHARE_PATH or path.startswith(SHARE_PATH):
        return PERCENT_FIELD
    if path == "deliverables":
        return "deliverables[0].title"
    if path.startswith("exclusions"):
        return "exclusions"
    if path == "id":
        return "title"
    match = _DELIVERABLE_PATH.match(path)
    if match:
        row = where.get(int(match.group(1)))
        rest = match.group(2).lstrip(".")
        name = rest.split(".")[0].split("[")[0]
        if row is not None and name in DELIVERABLE_FIELDS:
            return f"deliverables[{row}].{name}"
        return "deliverables[0].title"
    if path.startswith("revision_policy.extra_round"):
        return EXTRA_ROUND_PATH
    if path.startswith("revision_policy.out_of_scope"):
        return HOURLY_PATH
    return path


def read_form(form: Mapping[str, str]) -> FormResult:
    """Validate the form as a spec: the terms, or the problems by field."""
    spec, where = spec_of(form)
    try:
        return FormResult(terms=load_spec(spec))
    except SpecError as exc:
        errors: dict[str, list[str]] = {}
        for problem in exc.problems or ():
            errors.setdefault(field_of(problem.path, where), []).append(problem.reason)
        if not errors:
            errors[""] = [exc.message]
        return FormResult(errors=errors)


__all__ = [
    "DELIVERABLE_FIELDS",
    "DELIVERABLE_ROWS",
    "FormResult",
    "field_of",
    "read_form",
    "slug",
    "spec_of",
]
