"""Contracts stored before the issue-22 bounds: they render and quote, or say why not.

A stored spec is read back with the model's bounds only (``engine.terms.reload_spec``):
one that breaks an intake rule alone (currency XYZ, a share of 30, start after the due
dates, a NUL on SQLite) keeps working; one outside a model bound (a fee of 1E+100, which
used to break every render) is a 409 ``stored-spec-invalid`` naming the field, and the
contract can still be read and completed. The legacy rows are written straight to the
database, as the old code stored them.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from roundwise.engine.terms import reload_spec, terms_sha256
from roundwise.store.db import Database
from roundwise.store.models import Contract
from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec, example_spec_text
from tests.api.test_revision_requests import HOME_V1

OUT_OF_SCOPE = "Could you also write five Instagram posts about the new rye sourdough?"


def _legacy(
    database: Database, client: ASGIClient, auth: dict[str, str], spec: Any, *, sign: bool = True
) -> str:
    """A draft whose stored spec is replaced by ``spec`` as it is, then sent and signed."""
    created = client.post("/v1/contracts", json={"spec_text": example_spec_text()}, headers=auth)
    contract_id = str(created.json()["id"])
    try:
        digest = terms_sha256(reload_spec(spec))
    except Exception:  # out of bounds: no hash can be computed, as no render could be
        digest = "0" * 64
    with database.writes.begin() as session:
        session.execute(
            update(Contract)
            .where(Contract.id == contract_id)
            .values(spec=spec, terms_sha256=digest)
        )
    for step in ("sent", "signed") if sign else ():
        moved = client.post(
            f"/v1/contracts/{contract_id}/status", json={"status": step}, headers=auth
        )
        assert moved.status_code == 200, moved.text
    return contract_id


def _stored(change: dict[str, Any]) -> dict[str, Any]:
    spec = example_spec()
    spec.update(change)
    return spec


def _with_policy(**fields: Any) -> dict[str, Any]:
    spec = example_spec()
    spec["revision_policy"] = {**spec["revision_policy"], **fields}
    return spec


def _with_home(**fields: Any) -> dict[str, Any]:
    spec = example_spec()
    spec["deliverables"][0] = {**spec["deliverables"][0], **fields}
    return spec


WORKING = {
    "currency XYZ": _stored({"currency": "XYZ"}),
    "share 30": _with_policy(max_change_share="30"),
    "start after every due": _stored({"start_date": "2026-05-01"}),
    "year 2999": _with_home(due="2999-01-01"),
}
REFUSED = {
    "fee 1E+100": (_with_home(fee="1E+100"), "deliverables[0].fee"),
    "hourly rate 1E+50": (
        _with_policy(out_of_scope={"hourly_rate": "1E+50", "minimum_hours": "1"}),
        "revision_policy.out_of_scope.hourly_rate",
    ),
    "size 10^15": (_with_home(size=10**15), "deliverables[0].size"),
}


@pytest.mark.parametrize("spec", WORKING.values(), ids=WORKING.keys())
def test_a_stored_spec_that_breaks_only_an_intake_rule_still_renders_and_quotes(
    client: ASGIClient, auth: dict[str, str], database: Database, spec: dict[str, Any]
) -> None:
    contract_id = _legacy(database, client, auth, spec)
    _renders_and_quotes(client, auth, contract_id)


def test_a_stored_nul_on_sqlite_still_renders_and_quotes(
    client: ASGIClient, auth: dict[str, str], database: Database, db_url: str
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL never stored a NUL")
    contract_id = _legacy(database, client, auth, _with_home(title="Website \x00 copy"))
    _renders_and_quotes(client, auth, contract_id)


def _renders_and_quotes(client: ASGIClient, auth: dict[str, str], contract_id: str) -> None:
    agreement = client.get(f"/v1/contracts/{contract_id}/documents/agreement.pdf", headers=auth)
    assert agreement.status_code == 200, agreement.text
    assert agreement.content.startswith(b"%PDF")
    base = f"/v1/contracts/{contract_id}"
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
    decision = asked.json()["decision"]
    assert decision["verdict"] == "out_of_scope"
    assert decision["quote"] is not None


@pytest.mark.parametrize(("spec", "path"), REFUSED.values(), ids=REFUSED.keys())
def test_a_stored_spec_outside_a_model_bound_is_a_409_naming_the_field_not_a_500(
    client: ASGIClient, auth: dict[str, str], database: Database, spec: dict[str, Any], path: str
) -> None:
    contract_id = _legacy(database, client, auth, spec)
    base = f"/v1/contracts/{contract_id}"
    attempts = [
        client.get(f"{base}/documents/agreement.pdf", headers=auth),
        client.post(f"{base}/deliverables/home/versions", json={"text": HOME_V1}, headers=auth),
        client.post(
            f"{base}/revision-requests",
            json={"deliverable": "home", "message": OUT_OF_SCOPE},
            headers={**auth, "Idempotency-Key": f"legacy-{contract_id}"},
        ),
        client.post(
            f"{base}/revision-requests",
            json={"deliverable": "home", "message": OUT_OF_SCOPE},
            headers=auth,
        ),
    ]
    for response in attempts:
        assert response.status_code == 409, response.text
        assert response.json()["type"] == "/problems/stored-spec-invalid"
        assert path in [e["path"] for e in response.json()["errors"]]
    assert client.get(base, headers=auth).status_code == 200
    completed = client.post(f"{base}/status", json={"status": "completed"}, headers=auth)
    assert completed.status_code == 200, completed.text


def test_the_scope_report_of_a_stored_spec_outside_a_bound_is_the_same_409(
    client: ASGIClient, auth: dict[str, str], database: Database
) -> None:
    spec, path = REFUSED["fee 1E+100"]
    contract_id = _legacy(database, client, auth, spec)
    report = client.get(f"/v1/contracts/{contract_id}/scope-report", headers=auth)
    assert report.status_code == 409, report.text
    assert path in [e["path"] for e in report.json()["errors"]]


def test_the_routes_that_read_stored_terms_document_the_409(client: ASGIClient) -> None:
    paths = client.app.openapi()["paths"]
    for path, method in [
        ("/v1/contracts/{contract_id}/documents/{document}.pdf", "get"),
        ("/v1/contracts/{contract_id}/scope-report", "get"),
        ("/v1/contracts/{contract_id}/revision-requests", "post"),
        ("/v1/contracts/{contract_id}/deliverables/{deliverable}/versions", "post"),
    ]:
        assert "409" in paths[path][method]["responses"], path


def test_an_unsigned_contract_with_a_stored_spec_outside_a_bound_can_be_given_a_new_spec(
    client: ASGIClient, auth: dict[str, str], database: Database
) -> None:
    spec, _ = REFUSED["fee 1E+100"]
    contract_id = _legacy(database, client, auth, spec, sign=False)
    base = f"/v1/contracts/{contract_id}"
    assert client.get(f"{base}/documents/agreement.pdf", headers=auth).status_code == 409
    fixed = client.put(f"{base}/spec", json={"spec_text": example_spec_text()}, headers=auth)
    assert fixed.status_code == 200, fixed.text
    assert client.get(f"{base}/documents/agreement.pdf", headers=auth).status_code == 200
