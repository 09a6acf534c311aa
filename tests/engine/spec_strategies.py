"""Hypothesis strategies for contract specs inside the bounds, with the edges drawn often.

`specs()` varies every bounded field of the bakery example (money, hours, shares, sizes,
items, dates, currency, locale, the extra-round basis and a deliverable override) and
keeps its deliverables, exclusions and texts, so a request about Instagram posts stays
out of scope. Decimals travel as strings, as a JSON client writes exact amounts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from roundwise.engine.terms.bounds import (
    FIRST_DATE,
    LAST_DATE,
    MAX_AMOUNT,
    MAX_CHANGE_ITEMS,
    MAX_HOURS,
    MAX_SIZE,
)
from roundwise.engine.terms.intake import iso_currencies

EXAMPLE = Path(__file__).resolve().parents[2] / "contracts" / "examples" / "bakery-web-copy.yaml"
STEP = Decimal("0.0001")  # the finest amount: four decimal places


def _edges(strategy: st.SearchStrategy[Any], *edges: Any) -> st.SearchStrategy[Any]:
    """``strategy``, with the bounds and the values just inside them drawn half the time."""
    return st.one_of(st.sampled_from(edges), strategy)


def _decimals(low: Decimal, high: Decimal) -> st.SearchStrategy[str]:
    inside = st.decimals(min_value=low, max_value=high, places=4)
    return _edges(inside, low, low + STEP, high - STEP, high).map(str)


amounts = _decimals(Decimal(0), MAX_AMOUNT)
hours = _decimals(STEP, MAX_HOURS)
shares = _decimals(STEP, Decimal(1))
fractions = _decimals(Decimal(0), Decimal(1))
sizes = _edges(st.integers(1, MAX_SIZE), 1, MAX_SIZE - 1, MAX_SIZE)
change_items = _edges(st.integers(1, MAX_CHANGE_ITEMS), 1, MAX_CHANGE_ITEMS)
currencies = st.sampled_from(sorted(iso_currencies()))
locales = st.sampled_from(["en", "en_IE", "en_US", "sl", "de_CH", "fr", "pl", "el", "sr", "ja"])
dates = _edges(st.dates(FIRST_DATE, LAST_DATE), FIRST_DATE, LAST_DATE)
HOLIDAY_COUNTRIES = ("SI", "PL", "RS", "GR", "GE", "IE")


def example_spec() -> dict[str, Any]:
    """The bakery spec as JSON-ready data (dates as ISO text)."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return _json_ready(data)


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


@st.composite
def extra_rounds(draw: st.DrawFn) -> dict[str, Any]:
    basis = draw(st.sampled_from(["flat", "per_word", "hourly"]))
    if basis == "flat":
        return {"basis": "flat", "amount": draw(amounts)}
    if basis == "per_word":
        return {"basis": "per_word", "rate": draw(amounts), "minimum": draw(amounts)}
    return {"basis": "hourly", "rate": draw(amounts), "estimated_hours": draw(hours)}


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    """A valid spec: the bakery example with every bounded value drawn."""
    spec = example_spec()
    start = draw(st.none() | dates)
    spec.update(
        currency=draw(currencies),
        locale=draw(locales),
        start_date=start.isoformat() if start else None,
        payment={"deposit_share": draw(fractions), "kill_fee_share": draw(fractions)},
        country=draw(st.none() | st.sampled_from(HOLIDAY_COUNTRIES)),
    )
    if draw(st.booleans()):
        stages = sorted(Decimal(draw(fractions)) for _ in range(3))
        names = ("before_first_delivery", "after_first_draft", "after_revisions")
        spec["payment"]["kill_fee_by_stage"] = {
            n: str(v) for n, v in zip(names, stages, strict=True)
        }
    if spec["country"] is not None and draw(st.booleans()):
        spec["revision_policy"]["review_days"] = "business"
    policy = spec["revision_policy"]
    policy.update(
        max_change_share=draw(shares),
        max_change_items=draw(st.none() | change_items),
        extra_round=draw(extra_rounds()),
        out_of_scope={"hourly_rate": draw(amounts), "minimum_hours": draw(hours)},
    )
    for deliverable in spec["deliverables"]:
        due = draw(st.none() | st.dates(start or FIRST_DATE, LAST_DATE))
        deliverable.update(
            size=draw(sizes),
            fee=draw(st.none() | amounts),
            due=due.isoformat() if due else None,
        )
    if draw(st.booleans()):
        spec["deliverables"][1]["revision_policy"] = {
            "max_change_share": draw(shares),
            "extra_round": draw(extra_rounds()),
        }
    return spec


# Just outside each bound: (a dotted path into the spec, the value, the path it is named at).
# The date order (no due before the start) needs two values; its cases are written out in
# tests/api/test_spec_bounds.py and tests/engine/test_terms_bounds.py.
OUTSIDE = [
    ("deliverables.0.fee", str(MAX_AMOUNT + STEP), "deliverables[0].fee"),
    ("deliverables.0.fee", "-0.0001", "deliverables[0].fee"),
    ("deliverables.0.fee", "0.00001", "deliverables[0].fee"),
    ("deliverables.0.size", MAX_SIZE + 1, "deliverables[0].size"),
    ("deliverables.0.size", 0, "deliverables[0].size"),
    ("deliverables.0.due", "1999-12-31", "deliverables[0].due"),
    ("deliverables.0.due", "2101-01-01", "deliverables[0].due"),
    ("revision_policy.max_change_share", "1.0001", "revision_policy.max_change_share"),
    ("revision_policy.max_change_share", "0", "revision_policy.max_change_share"),
    ("revision_policy.max_change_items", MAX_CHANGE_ITEMS + 1, "revision_policy.max_change_items"),
    (
        "revision_policy.out_of_scope.minimum_hours",
        str(MAX_HOURS + STEP),
        "revision_policy.out_of_scope.minimum_hours",
    ),
    (
        "revision_policy.out_of_scope.minimum_hours",
        "0",
        "revision_policy.out_of_scope.minimum_hours",
    ),
    ("payment.deposit_share", "1.0001", "payment.deposit_share"),
    ("country", "QQ", "country"),
    ("country", "si", "country"),
    ("currency", "XXX", "currency"),
]


def with_value(spec: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """``spec`` with the value at a dotted path (``deliverables.0.fee``) replaced."""
    *parents, last = dotted.split(".")
    node: Any = spec
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    return spec
