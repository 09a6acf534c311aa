"""Generated specs through the API (issue 22): no 5xx, and a stored contract always renders
its agreement and quotes out-of-scope work.

Each example is a contract created from a spec inside the bounds (the edges drawn often;
`tests.engine.spec_strategies`), sent as a JSON object, YAML or JSON text, then signed,
delivered, asked for out-of-scope work and rendered; or a spec with one value just outside
a bound, which must be a 422 naming that field. Few examples: each renders a PDF.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.asgiclient import ASGIClient
from tests.api.test_revision_requests import HOME_V1
from tests.engine.decide_support import OUT_OF_SCOPE
from tests.engine.spec_strategies import OUTSIDE, specs, with_value

EXAMPLES = settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _body(spec: dict[str, Any], form: str) -> dict[str, Any]:
    if form == "yaml":
        return {"spec_text": yaml.safe_dump(spec, allow_unicode=True)}
    if form == "json":
        return {"spec_text": json.dumps(spec), "format": "json"}
    return {"spec": spec}


FORMS = st.sampled_from(["object", "yaml", "json"])


@EXAMPLES
@given(spec=specs(), form=FORMS)
def test_a_contract_from_any_spec_inside_the_bounds_renders_and_quotes(
    client: ASGIClient, auth: dict[str, str], spec: dict[str, Any], form: str
) -> None:
    created = client.post("/v1/contracts", json=_body(spec, form), headers=auth)
    assert created.status_code == 201, created.text
    base = f"/v1/contracts/{created.json()['id']}"
    for step in ("sent", "signed"):
        assert client.post(f"{base}/status", json={"status": step}, headers=auth).is_success
    delivered = client.post(
        f"{base}/deliverables/home/versions", json={"text": HOME_V1}, headers=auth
    )
    assert delivered.status_code == 201, delivered.text
    asked = client.post(
        f"{base}/revision-requests",
        json={"deliverable": "home", "message": OUT_OF_SCOPE},
        headers=auth,
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["decision"]["quote"] is not None
    agreement = client.get(f"{base}/documents/agreement.pdf", headers=auth)
    assert agreement.status_code == 200, agreement.text
    assert agreement.content.startswith(b"%PDF")


@EXAMPLES
@given(spec=specs(), form=FORMS, outside=st.sampled_from(OUTSIDE))
def test_a_spec_with_a_value_just_outside_a_bound_is_422_naming_it(
    client: ASGIClient,
    auth: dict[str, str],
    spec: dict[str, Any],
    form: str,
    outside: tuple[str, Any, str],
) -> None:
    dotted, value, path = outside
    body = _body(with_value(spec, dotted, value), form)
    response = client.post("/v1/contracts", json=body, headers=auth)
    assert response.status_code == 422, response.text
    field = "spec" if form == "object" else "spec_text"
    assert f"{field}.{path}" in [e["path"] for e in response.json()["errors"]]
