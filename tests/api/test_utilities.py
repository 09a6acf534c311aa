"""Stateless utilities: measure, evaluate (spec + ledger + request in), lint; scope report."""

from __future__ import annotations

from roundwise.engine.measure import measure
from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec, example_spec_text
from tests.api.test_revision_requests import ASK, HOME_V1, delivered_contract

OLD = "The quick brown fox jumps over the lazy dog. It was a sunny day."
NEW = "The quick red fox leaps over the lazy dog. It was a sunny day indeed."


def test_measure_returns_the_same_fields_as_the_engine(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    response = client.post("/v1/measure", json={"old": OLD, "new": NEW}, headers=auth)
    assert response.status_code == 200
    assert response.json() == measure(OLD, NEW).as_dict()


def test_measure_needs_a_key_and_both_texts(client: ASGIClient, auth: dict[str, str]) -> None:
    assert client.post("/v1/measure", json={"old": OLD, "new": NEW}).status_code == 401
    missing = client.post("/v1/measure", json={"old": OLD}, headers=auth)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["path"] == "new"


def test_evaluate_judges_against_a_caller_kept_ledger_and_returns_the_events(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    ledger = [
        {
            "type": "version_submitted",
            "at": "2026-03-10T09:00:00Z",
            "deliverable": "home",
            "version": 1,
            "text": HOME_V1,
        },
    ]
    body = {
        "spec_text": example_spec_text(),
        "ledger": ledger,
        "request": {"deliverable": "home", "message": ASK},
        "now": "2026-03-11T09:00:00Z",
    }
    first = client.post("/v1/evaluate", json=body, headers=auth)
    assert first.status_code == 200, first.text
    result = first.json()
    assert result["decision"]["verdict"] == "included"
    assert [e["type"] for e in result["events"]] == ["revision_requested", "decision_made"]
    assert result["reply"]["text"]
    body["ledger"] = ledger + result["events"]
    second = client.post("/v1/evaluate", json=body, headers=auth).json()
    assert second["decision"]["verdict"] != "included"


def test_evaluate_names_a_broken_ledger_event(client: ASGIClient, auth: dict[str, str]) -> None:
    body = {
        "spec": example_spec(),
        "ledger": [{"type": "version_submitted", "at": "2026-03-10T09:00:00Z"}],
        "request": {"deliverable": "home", "message": ASK},
    }
    response = client.post("/v1/evaluate", json=body, headers=auth)
    assert response.status_code == 422
    assert all(e["path"].startswith("ledger[0]") for e in response.json()["errors"])


def test_lint_explains_findings_and_refuses_unknown_languages(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    text = "No. You are wrong, I promise this is what the contract says."
    response = client.post("/v1/replies/lint", json={"text": text}, headers=auth)
    assert response.status_code == 200
    findings = response.json()["findings"]
    assert findings
    assert all({"rule", "technique", "why", "better"} <= f.keys() for f in findings)
    unknown = client.post("/v1/replies/lint", json={"text": text, "language": "xx"}, headers=auth)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["path"] == "language"


def test_the_scope_report_counts_rounds_and_requests(
    client: ASGIClient, auth: dict[str, str], other_auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}"
    for _ in range(2):
        client.post(
            f"{url}/revision-requests", json={"deliverable": "home", "message": ASK}, headers=auth
        )
    report = client.get(f"{url}/scope-report", headers=auth)
    assert report.status_code == 200
    home = next(d for d in report.json()["deliverables"] if d["id"] == "home")
    assert (home["rounds_used"], home["rounds_included"], home["requests"]) == (1, 1, 2)
    assert "creep_score" in report.json()
    assert client.get(f"{url}/scope-report", headers=other_auth).status_code == 404
