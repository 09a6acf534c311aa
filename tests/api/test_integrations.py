"""Integrations: create (secret shown once), read, list, pause/resume, rotate, delete;
scoped per account; ``external_ref`` and secrets checked per provider."""

from __future__ import annotations

import pytest

from tests.api.asgiclient import ASGIClient
from tests.api.inbound_support import (
    CLIENTS,
    REFS,
    dumps,
    github_comment,
    github_headers,
    hook_path,
    integration,
)
from tests.api.test_revision_requests import delivered_contract


def test_a_new_integration_shows_its_hook_url_and_secret_once(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    created = integration(client, auth, "github")
    assert created["id"].startswith("int_")
    assert created["hook_url"].endswith(f"/v1/hooks/github/{created['id']}")
    assert len(created["secret"]) >= 40
    assert created["paused"] is False
    read = client.get(f"/v1/integrations/{created['id']}", headers=auth)
    assert read.status_code == 200
    assert "secret" not in read.json()
    assert read.json()["external_ref"] == REFS["github"]
    listed = client.get("/v1/integrations", headers=auth).json()["items"]
    assert [i["id"] for i in listed] == [created["id"]]
    assert all("secret" not in i for i in listed)


def test_standard_webhooks_providers_get_a_whsec_secret(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    assert integration(client, auth, "generic")["secret"].startswith("whsec_")
    assert integration(client, auth, "email")["secret"].startswith("whsec_")


def test_another_accounts_integration_is_not_found(
    client: ASGIClient, auth: dict[str, str], other_auth: dict[str, str]
) -> None:
    created = integration(client, auth, "github")
    url = f"/v1/integrations/{created['id']}"
    assert client.get(url, headers=other_auth).status_code == 404
    assert (
        client.request("PATCH", url, json={"paused": True}, headers=other_auth).status_code == 404
    )
    assert client.post(f"{url}/rotate-secret", headers=other_auth).status_code == 404
    assert client.get(f"{url}/deliveries", headers=other_auth).status_code == 404
    assert client.request("DELETE", url, headers=other_auth).status_code == 404
    assert client.get("/v1/integrations", headers=other_auth).json()["items"] == []
    # Nor can an integration be put on another account's contract.
    foreign = delivered_contract(client, auth)
    body = {
        "provider": "jira",
        "contract_id": foreign,
        "deliverable": "home",
        "external_ref": "WEB-1",
        "client_ids": ["x"],
    }
    assert client.post("/v1/integrations", json=body, headers=other_auth).status_code == 404


@pytest.mark.parametrize(
    ("provider", "bad_ref"),
    [
        ("github", "horvat-bakery/website"),
        ("github", "https://github.com/horvat-bakery/website/issues/12"),
        ("trello", "not a card"),
        ("jira", "web-12"),
        ("linear", "ENG12"),
        ("email", "not-an-address"),
    ],
)
def test_external_ref_is_checked_per_provider(
    client: ASGIClient, auth: dict[str, str], provider: str, bad_ref: str
) -> None:
    body = {
        "provider": provider,
        "contract_id": delivered_contract(client, auth),
        "deliverable": "home",
        "external_ref": bad_ref,
        "client_ids": CLIENTS[provider],
        "secret": "s" * 32,
    }
    response = client.post("/v1/integrations", json=body, headers=auth)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["path"] for e in response.json()["errors"]] == ["external_ref"]


def test_bad_inputs_name_their_field(client: ASGIClient, auth: dict[str, str]) -> None:
    contract_id = delivered_contract(client, auth)
    base = {
        "provider": "trello",
        "contract_id": contract_id,
        "deliverable": "home",
        "external_ref": REFS["trello"],
        "client_ids": ["markohorvat"],
    }
    cases = [
        (base, "secret"),  # Trello signs with the app's secret: it must be given
        (base | {"provider": "generic", "secret": "not-whsec-at-all!!"}, "secret"),
        (base | {"secret": "x" * 32, "deliverable": "brochure"}, "deliverable"),
        (base | {"secret": "x" * 32, "client_ids": []}, "client_ids"),
        (base | {"secret": "x" * 32, "provider": "slack"}, "provider"),
    ]
    for body, field in cases:
        response = client.post("/v1/integrations", json=body, headers=auth)
        assert response.status_code == 422, (field, response.text)
        assert field in [e["path"] for e in response.json()["errors"]], response.text
    unknown = base | {"secret": "x" * 32, "contract_id": "ctr_nope"}
    assert client.post("/v1/integrations", json=unknown, headers=auth).status_code == 404


def test_pause_resume_rotate_and_delete(client: ASGIClient, auth: dict[str, str]) -> None:
    created = integration(client, auth, "github")
    url = f"/v1/integrations/{created['id']}"
    body = dumps(github_comment())

    paused = client.request("PATCH", url, json={"paused": True}, headers=auth)
    assert paused.status_code == 200
    assert paused.json()["paused"] is True
    answer = client.post(
        hook_path(created), content=body, headers=github_headers(created["secret"], body)
    )
    assert answer.status_code == 200
    assert (answer.json()["outcome"], answer.json()["reason"]) == (
        "ignored",
        "the integration is paused",
    )
    resumed = client.request("PATCH", url, json={"paused": False}, headers=auth)
    assert resumed.json()["paused"] is False

    rotated = client.post(f"{url}/rotate-secret", headers=auth)
    assert rotated.status_code == 200
    new_secret = rotated.json()["secret"]
    assert new_secret != created["secret"]
    assert rotated.json()["secret_rotated_at"] is not None
    old = client.post(
        hook_path(created), content=body, headers=github_headers(created["secret"], body)
    )
    assert old.status_code == 401
    new = client.post(hook_path(created), content=body, headers=github_headers(new_secret, body))
    assert new.status_code == 200
    assert new.json()["outcome"] == "created"

    assert client.request("DELETE", url, headers=auth).status_code == 204
    assert client.get(url, headers=auth).status_code == 404
    gone = client.post(hook_path(created), content=body, headers=github_headers(new_secret, body))
    assert gone.status_code == 404
    # The request the integration created stays with the contract.
    requests = client.get(
        f"/v1/contracts/{created['contract_id']}/revision-requests", headers=auth
    ).json()["items"]
    assert [r["request"]["channel"] for r in requests] == ["github"]


def test_a_provider_issued_secret_is_kept_and_rotated_to(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    given = "lin_wh_" + "a1b2c3d4" * 6
    created = integration(client, auth, "linear", secret=given)
    assert created["secret"] == given
    rotated = client.post(
        f"/v1/integrations/{created['id']}/rotate-secret",
        json={"secret": "lin_wh_" + "e5f6a7b8" * 6},
        headers=auth,
    )
    assert rotated.json()["secret"] == "lin_wh_" + "e5f6a7b8" * 6
