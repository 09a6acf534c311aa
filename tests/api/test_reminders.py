"""GET /v1/reminders: computed from the caller's ledgers, scoped to the account, paged.

Runs on SQLite and, with ROUNDWISE_TEST_PG_URL, on PostgreSQL (tests/dbfixtures.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec_text, signed_contract


def _ahead(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def test_reminders_come_from_the_ledger_with_the_deemed_approval_notice(
    client: ASGIClient, auth: dict[str, str], other_auth: dict[str, str]
) -> None:
    contract_id = signed_contract(client, auth)  # bakery: 30% deposit, 7-day review window
    delivered = client.post(
        f"/v1/contracts/{contract_id}/deliverables/home/versions",
        json={"text": "Three generations of bakers."},
        headers=auth,
    )
    assert delivered.status_code == 201
    now = client.get("/v1/reminders", headers=auth)
    assert now.status_code == 200
    assert now.json()["items"] == []

    later = client.get("/v1/reminders", params={"before": _ahead(30), "limit": 50}, headers=auth)
    assert later.status_code == 200, later.text
    items = later.json()["items"]
    assert [r["kind"] for r in items] == [
        "review_window_ending",
        "deemed_approval",
        "deposit_unpaid",
    ]
    assert {r["contract_id"] for r in items} == {contract_id}
    window, deemed, deposit = items
    assert datetime.fromisoformat(deemed["at"]) - datetime.fromisoformat(window["at"]) == timedelta(
        days=2
    )
    notice = deemed["notice"]
    assert notice["language"] == "sl"  # the bakery's client writes in Slovenian
    assert notice["reviewed"] is False
    assert "velja za potrjeno" in notice["body"]
    assert window["notice"] is None
    assert "€321.00" in deposit["message"]

    assert (
        client.get("/v1/reminders", params={"before": _ahead(30)}, headers=other_auth).json()[
            "items"
        ]
        == []
    )


def test_reminders_page_without_skipping_or_repeating(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    for _ in range(2):
        contract_id = signed_contract(client, auth)
        for key in ("home", "about"):
            client.post(
                f"/v1/contracts/{contract_id}/deliverables/{key}/versions",
                json={"text": "Since 1962."},
                headers=auth,
            )
    everything = client.get(
        "/v1/reminders", params={"before": _ahead(40), "limit": 100}, headers=auth
    ).json()["items"]
    assert len(everything) == 2 * (2 * 2 + 1)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"before": _ahead(40), "limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/reminders", params=params, headers=auth).json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [r["id"] for r in everything]
    times = [datetime.fromisoformat(r["at"]) for r in everything]
    assert times == sorted(times)


def test_bad_reminder_parameters_name_the_field(client: ASGIClient, auth: dict[str, str]) -> None:
    naive = client.get("/v1/reminders", params={"before": "2026-03-01T10:00:00"}, headers=auth)
    assert naive.status_code == 422
    assert "before" in naive.json()["errors"][0]["path"]
    forged = client.get("/v1/reminders", params={"cursor": "YWJj"}, headers=auth)
    assert forged.status_code == 422
    assert forged.json()["errors"][0]["path"] == "cursor"
    assert client.get("/v1/reminders").status_code == 401


def test_a_business_day_window_without_a_country_is_refused_naming_it(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    spec = example_spec_text().replace("locale: en_IE\n", "")
    spec = spec.replace("  silence_means_approval: true\n", "  review_days: business\n", 1)
    refused = client.post("/v1/contracts", json={"spec_text": spec}, headers=auth)
    assert refused.status_code == 422
    assert [e["path"] for e in refused.json()["errors"]] == ["spec_text.country"]
    accepted = client.post(
        "/v1/contracts", json={"spec_text": spec + "country: GE\n"}, headers=auth
    )
    assert accepted.status_code == 201, accepted.text
