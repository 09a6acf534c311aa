"""GET /v1/contracts/{id}/evidence.zip: a signed contract's whole history in one zip.

A contract is signed, delivered, judged and given a change order through the real app
and database (SQLite, and PostgreSQL when ``ROUNDWISE_TEST_PG_URL`` is set); the zip is
then fetched over HTTP, verified hash by hash and fetched again for the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest

from roundwise.contracts.evidence import verify_bundle
from roundwise.engine.ledger import ChangeOrderIssued
from roundwise.engine.terms import Money
from roundwise.store import contracts, ledger
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.models import Contract
from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec_text, signed_contract

HOME_V1 = "Three generations of the Horvat family have baked bread in the same stone oven."
HOME_V2 = "Three generations of Horvats have baked bread in one stone oven since 1962."


def _issue_change_order(database: Database, contract_id: str, request_id: str) -> None:
    """Append a change order through the store (its API is another part of issue 18)."""
    with database.writes.begin() as session:
        contract = session.get(Contract, contract_id)
        assert contract is not None
        terms = contracts.terms_of(contract)
        at = ledger.ledger_time(session, contract_id, utcnow)
        order = ChangeOrderIssued(
            at=at,
            number=1,
            description="Five Instagram posts announcing the rye sourdough",
            price=Money(amount=Decimal("150.00"), currency=terms.currency),
            request_id=request_id,
        )
        ledger.append_checked(session, contract, terms, [order], at)


@pytest.fixture
def history(client: ASGIClient, auth: dict[str, str], database: Database) -> str:
    """A signed bakery contract with two versions, two judged requests and a change order."""
    contract_id = signed_contract(client, auth)
    base = f"/v1/contracts/{contract_id}"
    first = client.post(f"{base}/deliverables/home/versions", json={"text": HOME_V1}, headers=auth)
    assert first.status_code == 201, first.text
    asked = client.post(
        f"{base}/revision-requests",
        json={"deliverable": "home", "message": "Could you make the opening a bit shorter?"},
        headers=auth,
    )
    assert asked.status_code == 201, asked.text
    answered = client.post(
        f"{base}/deliverables/home/versions",
        json={"text": HOME_V2, "request_id": asked.json()["request"]["id"]},
        headers=auth,
    )
    assert answered.status_code == 201, answered.text
    extra = client.post(
        f"{base}/revision-requests",
        json={"deliverable": "home", "message": "Could you also write five Instagram posts?"},
        headers=auth,
    )
    assert extra.status_code == 201, extra.text
    _issue_change_order(database, contract_id, extra.json()["request"]["id"])
    return contract_id


def test_the_bundle_verifies_and_holds_the_whole_history(
    client: ASGIClient, auth: dict[str, str], history: str
) -> None:
    response = client.get(f"/v1/contracts/{history}/evidence.zip", headers=auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="RW-AGR-')
    assert disposition.endswith('-evidence.zip"')
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(entries.pop("manifest.json"))
    assert {e["path"]: e["sha256"] for e in manifest["files"]} == {
        path: hashlib.sha256(data).hexdigest() for path, data in entries.items()
    }
    assert verify_bundle(response.content) == ()
    assert manifest["contract"]["id"] == history
    assert hashlib.sha256(entries["terms.json"]).hexdigest() == manifest["contract"]["terms_sha256"]
    assert entries["versions/home/v1.txt"].decode() == HOME_V1
    assert entries["versions/home/v2.txt"].decode() == HOME_V2
    assert "change-orders/change-order-1.pdf" in entries
    assert {"agreement.pdf", "statement.pdf", "ledger.jsonl"} <= set(entries)
    stored = client.get(f"/v1/contracts/{history}/ledger?limit=100", headers=auth).json()
    lines = entries["ledger.jsonl"].decode().splitlines()
    assert [json.loads(line) for line in lines] == [e["payload"] for e in stored["items"]]
    last = datetime.fromisoformat(json.loads(lines[-1])["at"])
    assert datetime.fromisoformat(manifest["created"]) == last


def test_fetched_twice_the_bundle_is_byte_identical_and_cacheable(
    client: ASGIClient, auth: dict[str, str], history: str
) -> None:
    url = f"/v1/contracts/{history}/evidence.zip"
    first = client.get(url, headers=auth)
    second = client.get(url, headers=auth)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    tag = first.headers["etag"]
    assert second.headers["etag"] == tag
    cached = client.get(url, headers={**auth, "If-None-Match": tag})
    assert cached.status_code == 304
    assert cached.content == b""
    letter = client.get(f"{url}?paper=letter", headers={**auth, "If-None-Match": tag})
    assert letter.status_code == 200
    assert letter.content != first.content


def test_another_accounts_contract_and_an_unknown_id_are_404(
    client: ASGIClient, auth: dict[str, str], other_auth: dict[str, str]
) -> None:
    contract_id = signed_contract(client, auth)
    foreign = client.get(f"/v1/contracts/{contract_id}/evidence.zip", headers=other_auth)
    unknown = client.get("/v1/contracts/ctr_nosuchcontract/evidence.zip", headers=auth)
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.headers["content-type"] == "application/problem+json"
    assert foreign.json()["type"] == "/problems/not-found"


def test_an_unsigned_contract_is_a_clear_409(client: ASGIClient, auth: dict[str, str]) -> None:
    created = client.post("/v1/contracts", json={"spec_text": example_spec_text()}, headers=auth)
    assert created.status_code == 201, created.text
    response = client.get(f"/v1/contracts/{created.json()['id']}/evidence.zip", headers=auth)
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"] == "/problems/ledger-not-signed"
    assert "contract_signed" in problem["detail"]


def test_the_route_is_documented_as_a_zip(client: ASGIClient) -> None:
    operation = client.app.openapi()["paths"]["/v1/contracts/{contract_id}/evidence.zip"]["get"]
    assert "application/zip" in operation["responses"]["200"]["content"]
    assert "404" in operation["responses"]
    assert "409" in operation["responses"]
