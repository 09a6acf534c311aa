"""Example request bodies for the API documentation (``/docs``, ``/redoc``, ``/openapi.json``).

Each request schema carries one or more of these as its JSON Schema ``examples``, so a
reader of the docs (and Swagger UI's "Try it out") starts from a body the API accepts.
They describe one small, real-looking project: Ana Novak writing a bakery's home page.
``tests/api/test_openapi_docs.py`` checks every example against its schema, and sends
those of the stateless routes to the API, so an example cannot drift out of date.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from roundwise.engine.terms import load_spec, terms_sha256

EXAMPLE_SPEC: dict[str, Any] = {
    "id": "bakery-web-copy",
    "title": "Website copy for Horvat Bakery",
    "language": "en",
    "currency": "EUR",
    "freelancer": {"name": "Ana Novak", "role": "Copywriter"},
    "client": {"name": "Marko Horvat", "business": "Horvat Bakery"},
    "deliverables": [
        {
            "id": "home",
            "title": "Home page copy",
            "kind": "text",
            "size": 600,
            "fee": 480,
            "brief": "About 600 words in a warm, family tone: three generations of bakers.",
        }
    ],
    "revision_policy": {
        "rounds_included": 1,
        "max_change_share": 0.3,
        "review_window_days": 7,
        "extra_round": {"basis": "flat", "amount": 90},
        "out_of_scope": {"hourly_rate": 45},
    },
}

EXAMPLE_SPEC_TEXT = """\
id: bakery-web-copy
title: Website copy for Horvat Bakery
language: en
currency: EUR
freelancer: {name: Ana Novak, role: Copywriter}
client: {name: Marko Horvat, business: Horvat Bakery}
deliverables:
  - id: home
    title: Home page copy
    kind: text
    size: 600
    fee: 480
    brief: About 600 words in a warm, family tone.
revision_policy:
  rounds_included: 1
  max_change_share: 0.30
  review_window_days: 7
  extra_round: {basis: flat, amount: 90}
  out_of_scope: {hourly_rate: 45}
"""

EXAMPLE_REQUEST: dict[str, Any] = {
    "deliverable": "home",
    "message": "Hi Ana, thanks for the draft! Could you make the opening paragraph a bit "
    "shorter and mention our new rye sourdough?",
    "received_at": "2026-03-14T09:30:00+01:00",
    "channel": "email",
    "external_id": "msg-2026-03-14-0930",
}

HOME_V1 = (
    "Three generations of the Horvat family have baked bread in the same stone oven. "
    "Every loaf starts the night before, with a sourdough mother older than the shop."
)

EXAMPLE_LEDGER: list[dict[str, Any]] = [
    {
        "type": "contract_signed",
        "at": "2026-03-02T09:00:00+01:00",
        "contract_id": "bakery-web-copy",
        "terms_sha256": terms_sha256(load_spec(EXAMPLE_SPEC)),
    },
    {
        "type": "version_submitted",
        "at": "2026-03-10T16:00:00+01:00",
        "deliverable": "home",
        "version": 1,
        "text": HOME_V1,
    },
]


def examples(*bodies: dict[str, Any]) -> ConfigDict:
    """A model config with ``extra="forbid"`` and ``bodies`` as its schema's examples."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(bodies)})


__all__ = [
    "EXAMPLE_LEDGER",
    "EXAMPLE_REQUEST",
    "EXAMPLE_SPEC",
    "EXAMPLE_SPEC_TEXT",
    "HOME_V1",
    "examples",
]
