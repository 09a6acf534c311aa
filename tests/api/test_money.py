"""Money through the API: invoices, payments, cancellation with the kill fee, what is owed.

Runs on SQLite and, with ROUNDWISE_TEST_PG_URL, on PostgreSQL (tests/dbfixtures.py).
"""

from __future__ import annotations

from decimal import Decimal

from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec_text, signed_contract


def test_invoice_payment_and_cancellation_add_up_to_what_is_owed(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = signed_contract(client, auth)  # bakery: 480 + 320 + 270 EUR, 30% deposit
    base = f"/v1/contracts/{contract_id}"
    before = client.get(f"{base}/money", headers=auth).json()
    assert Decimal(before["deposit_due"]) == Decimal("321.00")
    assert Decimal(before["kill_fee_if_cancelled_now"]) == Decimal("535.0")

    invoice = client.post(
        f"{base}/invoices",
        json={"number": "2026-001", "amount": "321.00", "kind": "deposit"},
        headers=auth,
    )
    assert invoice.status_code == 201, invoice.text
    assert invoice.json()["type"] == "invoice_issued"
    paid = client.post(
        f"{base}/payments", json={"amount": 321, "invoice": "2026-001"}, headers=auth
    )
    assert paid.status_code == 201, paid.text
    assert Decimal(paid.json()["money"]["deposit_outstanding"]) == 0

    home = client.post(f"{base}/deliverables/home/versions", json={"text": "v1"}, headers=auth)
    assert home.status_code == 201
    cancelled = client.post(f"{base}/cancellation", json={"reason": "budget cut"}, headers=auth)
    assert cancelled.status_code == 201, cancelled.text
    money = cancelled.json()["money"]
    kill_fee = Decimal(480) + Decimal("0.5") * (320 + 270)
    assert Decimal(money["cancellation"]["kill_fee"]) == kill_fee
    assert [line["stage"] for line in money["cancellation"]["lines"]] == [
        "after_first_draft",
        "before_first_delivery",
        "before_first_delivery",
    ]
    assert Decimal(money["kill_fee_owed"]) == kill_fee - 321
    assert Decimal(money["owed"]) == kill_fee - 321
    assert client.get(f"{base}/money", headers=auth).json() == money

    ledger = client.get(f"{base}/ledger?limit=20", headers=auth).json()["items"]
    assert [e["type"] for e in ledger][-4:] == [
        "invoice_issued",
        "payment_received",
        "version_submitted",
        "project_cancelled",
    ]
    report = client.get(f"{base}/scope-report", headers=auth).json()
    assert Decimal(report["money"]["owed"]) == kill_fee - 321
    assert "kill_fee_owed" in [a["code"] for a in report["alerts"]]


def test_money_input_errors_name_the_field(client: ASGIClient, auth: dict[str, str]) -> None:
    contract_id = signed_contract(client, auth)
    base = f"/v1/contracts/{contract_id}"
    cases = [
        ("invoices", {"number": "A-1", "amount": "-5"}, "amount"),
        ("invoices", {"number": "A-1", "amount": "5", "currency": "USD"}, "currency"),
        ("invoices", {"number": " ", "amount": "5"}, "number"),
        ("payments", {"amount": "1.123456"}, "amount"),
        ("payments", {"amount": "10", "invoice": "nope"}, "invoice"),
        ("cancellation", {"by": "nobody"}, "by"),
    ]
    for route, body, field in cases:
        response = client.post(f"{base}/{route}", json=body, headers=auth)
        assert response.status_code == 422, (route, body, response.text)
        assert response.json()["errors"][0]["path"] == field, response.json()
    first = client.post(f"{base}/invoices", json={"number": "A-1", "amount": "5"}, headers=auth)
    again = client.post(f"{base}/invoices", json={"number": "A-1", "amount": "6"}, headers=auth)
    assert (first.status_code, again.status_code) == (201, 409)
    assert again.json()["errors"][0]["path"] == "number"
    assert client.post(f"{base}/cancellation", json={}, headers=auth).status_code == 201
    assert client.post(f"{base}/cancellation", json={}, headers=auth).status_code == 409


def test_money_routes_are_idempotent_and_scoped_to_the_account(
    client: ASGIClient, auth: dict[str, str], other_auth: dict[str, str]
) -> None:
    contract_id = signed_contract(client, auth)
    base = f"/v1/contracts/{contract_id}"
    keyed = auth | {"Idempotency-Key": "pay-1"}
    first = client.post(f"{base}/payments", json={"amount": "50"}, headers=keyed)
    replay = client.post(f"{base}/payments", json={"amount": "50"}, headers=keyed)
    assert first.status_code == replay.status_code == 201
    assert first.json() == replay.json()
    assert Decimal(client.get(f"{base}/money", headers=auth).json()["paid"]) == 50
    for route in ("invoices", "payments", "cancellation"):
        body = {"number": "X", "amount": "1"} if route == "invoices" else {"amount": "1"}
        body = {} if route == "cancellation" else body
        foreign = client.post(f"{base}/{route}", json=body, headers=other_auth)
        assert foreign.status_code == 404
    assert client.get(f"{base}/money", headers=other_auth).status_code == 404


def test_an_unsigned_contract_takes_no_money(client: ASGIClient, auth: dict[str, str]) -> None:
    draft = client.post("/v1/contracts", json={"spec_text": example_spec_text()}, headers=auth)
    response = client.post(
        f"/v1/contracts/{draft.json()['id']}/payments", json={"amount": "1"}, headers=auth
    )
    assert response.status_code == 409
