"""Bad input is refused with a 422 naming the field, never stored as a time bomb (issue 22):
approvals of versions that do not exist, instants outside the years 2000 to 2099."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec_text, signed_contract
from tests.api.test_revision_requests import delivered_contract

SHORTEN = "Could you make the opening paragraph a bit shorter?"


def _paths(response: Any) -> list[str]:
    return [e["path"] for e in response.json()["errors"]]


def _ledger_types(client: ASGIClient, auth: dict[str, str], contract_id: str) -> list[str]:
    url = f"/v1/contracts/{contract_id}/ledger"
    return [e["type"] for e in client.get(url, params={"limit": 100}, headers=auth).json()["items"]]


def test_an_approval_of_a_version_never_delivered_is_a_422_and_changes_nothing(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/approvals"
    for _ in range(2):
        response = client.post(url, json={"deliverable": "home", "version": 99}, headers=auth)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert _paths(response) == ["version"]
    assert "approved_explicitly" not in _ledger_types(client, auth, contract_id)
    judged = client.post(
        f"/v1/contracts/{contract_id}/revision-requests",
        json={"deliverable": "home", "message": SHORTEN},
        headers=auth,
    )
    assert judged.status_code == 201, judged.text
    assert judged.json()["decision"]["verdict"] == "included"


def test_an_approval_of_a_deliverable_with_nothing_delivered_is_a_422(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = signed_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/approvals"
    response = client.post(url, json={"deliverable": "home"}, headers=auth)
    assert response.status_code == 422, response.text
    assert _paths(response) == ["deliverable"]


def test_an_approval_of_a_delivered_version_is_recorded(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/approvals"
    response = client.post(url, json={"deliverable": "home", "version": 1}, headers=auth)
    assert response.status_code == 201, response.text
    assert "approved_explicitly" in _ledger_types(client, auth, contract_id)


def test_a_version_answering_an_unknown_request_is_refused(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    response = client.post(
        f"/v1/contracts/{contract_id}/deliverables/home/versions",
        json={"text": "v2", "request_id": "req_00000000000000000000000000"},
        headers=auth,
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert _paths(response) == ["request_id"]


OUT_OF_RANGE = [
    "0001-01-01T00:00:00+14:00",  # stored by PostgreSQL, unreadable ever after (issue 22)
    "9999-12-31T23:59:59-14:00",
    "1999-12-31T23:59:59+00:00",
    "2100-01-01T00:00:00+00:00",
    "2026-03-14T10:00:00",  # no timezone
]


@pytest.mark.parametrize("received_at", OUT_OF_RANGE)
def test_a_received_at_outside_the_service_years_is_a_422_and_nothing_breaks(
    client: ASGIClient, auth: dict[str, str], received_at: str
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    body = {"deliverable": "home", "message": SHORTEN, "received_at": received_at}
    response = client.post(url, json=body, headers=auth)
    assert response.status_code == 422, response.text
    assert _paths(response) == ["received_at"]
    assert client.get(url, headers=auth).status_code == 200
    statement = client.get(f"/v1/contracts/{contract_id}/documents/statement.pdf", headers=auth)
    assert statement.status_code == 200


def test_a_received_at_inside_the_service_years_is_judged(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    at = datetime.now(UTC).astimezone(timezone(timedelta(hours=14)))  # local date ahead of UTC
    body = {"deliverable": "home", "message": SHORTEN, "received_at": at.isoformat()}
    response = client.post(url, json=body, headers=auth)
    assert response.status_code == 201, response.text
    assert client.get(url, headers=auth).status_code == 200


def test_evaluate_refuses_a_now_or_a_ledger_time_outside_the_service_years(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    request = {"deliverable": "home", "message": SHORTEN}
    spec = example_spec_text()
    response = client.post(
        "/v1/evaluate",
        json={"spec_text": spec, "request": request, "now": "0001-01-01T00:00:00+14:00"},
        headers=auth,
    )
    assert response.status_code == 422, response.text
    assert _paths(response) == ["now"]
    signed = {"type": "contract_signed", "at": "0001-01-01T00:00:00+14:00", "terms_sha256": "0"}
    response = client.post(
        "/v1/evaluate",
        json={"spec_text": spec, "request": request, "ledger": [signed]},
        headers=auth,
    )
    assert response.status_code == 422, response.text
    assert "ledger[0].at" in _paths(response) or response.json()["errors"][0]["path"].startswith(
        "ledger[0]"
    )
