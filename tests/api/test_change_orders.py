"""Change orders through the API: issue from judged requests, send, answer by the link.

The whole lifecycle runs over HTTP on the session's database (SQLite, and PostgreSQL
when ``ROUNDWISE_TEST_PG_URL`` is set): the client's page is fetched with a GET and
answered with the form POST a browser sends, and the next request is judged against the
rounds the accepted change order added.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pypdf
import pytest
from sqlalchemy import select

from roundwise.api.routes.accept import accept_page_html, ui_strings
from roundwise.engine.changeorders import FreeItem, draft_of, line_for_item
from roundwise.engine.terms import load_spec
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.models import ChangeOrderRecord, IdempotencyRecord
from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec
from tests.api.test_revision_requests import ASK, delivered_contract

NEW_WORK = "Could you also write five Instagram posts about the new rye sourdough?"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _judge(client: ASGIClient, auth: dict[str, str], contract_id: str, message: str) -> Any:
    url = f"/v1/contracts/{contract_id}/revision-requests"
    response = client.post(url, json={"deliverable": "home", "message": message}, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


def _extra_round(client: ASGIClient, auth: dict[str, str]) -> tuple[str, str]:
    """A delivered contract whose only round is used: the next ask is an extra round."""
    contract_id = delivered_contract(client, auth)
    assert _judge(client, auth, contract_id, ASK)["decision"]["verdict"] == "included"
    judged = _judge(client, auth, contract_id, ASK)
    assert judged["decision"]["verdict"] == "extra_round", judged["decision"]
    return contract_id, judged["request"]["id"]


def _issue(client: ASGIClient, auth: dict[str, str], contract_id: str, body: dict[str, Any]) -> Any:
    response = client.post(f"/v1/contracts/{contract_id}/change-orders", json=body, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


def _send(client: ASGIClient, auth: dict[str, str], contract_id: str, number: int) -> str:
    url = f"/v1/contracts/{contract_id}/change-orders/{number}/send"
    response = client.post(url, headers=auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["change_order"]["status"] == "sent"
    return urlsplit(body["accept_url"]).path


def _types(client: ASGIClient, auth: dict[str, str], contract_id: str) -> list[str]:
    url = f"/v1/contracts/{contract_id}/ledger?limit=200"
    return [e["type"] for e in client.get(url, headers=auth).json()["items"]]


def test_an_accepted_change_order_adds_the_round_the_next_request_uses(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id, request_id = _extra_round(client, auth)
    order = _issue(client, auth, contract_id, {"request_ids": [request_id]})
    assert order["number"] == 1
    assert order["status"] == "draft"
    assert order["total"] == {"amount": "90", "currency": "EUR"}
    assert order["lines"][0]["extra_rounds"] == 1
    assert order["lines"][0]["request_id"] == request_id
    assert "clause 6.6" in order["amends"]
    assert "change_order_issued" not in _types(client, auth, contract_id)  # a draft only

    link = _send(client, auth, contract_id, 1)
    assert re.fullmatch(r"/accept/[A-Za-z0-9_-]{40,}", link)
    page = client.get(link)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Change order 1" in page.text
    assert "€90.00" in page.text
    assert 'name="answer" value="accept"' in page.text
    assert "<script" not in page.text
    assert "http" not in page.text.split("<body>")[1]  # no external assets

    answered = client.post(link, content=b"answer=accept", headers=FORM)
    assert answered.status_code == 200, answered.text
    assert "accepted change order 1" in answered.text
    assert client.get(link).status_code == 410  # the token was used
    assert client.post(link, content=b"answer=decline", headers=FORM).status_code == 410

    read = client.get(f"/v1/contracts/{contract_id}/change-orders/1", headers=auth).json()
    assert read["status"] == "accepted"
    assert read["answered_by"] == "client"
    assert _types(client, auth, contract_id)[-3:] == [
        "change_order_issued",
        "change_order_sent",
        "change_order_accepted",
    ]
    decision = _judge(client, auth, contract_id, ASK)["decision"]
    assert decision["verdict"] == "included"
    assert decision["quote"] is None


def test_a_declined_change_order_changes_nothing(client: ASGIClient, auth: dict[str, str]) -> None:
    contract_id, request_id = _extra_round(client, auth)
    _issue(client, auth, contract_id, {"request_ids": [request_id]})
    link = _send(client, auth, contract_id, 1)
    declined = client.post(link, content=b"answer=decline", headers=FORM)
    assert declined.status_code == 200
    assert "nothing in the agreement changes" in declined.text
    assert _types(client, auth, contract_id)[-1] == "change_order_declined"
    assert _judge(client, auth, contract_id, ASK)["decision"]["verdict"] == "extra_round"
    # Declined, the request may be priced again by a new change order.
    assert _issue(client, auth, contract_id, {"request_ids": [request_id]})["number"] == 2


def test_the_freelancer_records_an_answer_with_a_note(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id, request_id = _extra_round(client, auth)
    _issue(client, auth, contract_id, {"request_ids": [request_id]})
    base = f"/v1/contracts/{contract_id}/change-orders/1"
    early = client.post(f"{base}/accept", json={"note": "by phone"}, headers=auth)
    assert early.status_code == 409  # not sent yet
    link = _send(client, auth, contract_id, 1)
    note = "Marko agreed on the phone, 7 Dec"
    accepted = client.post(f"{base}/accept", json={"note": note}, headers=auth)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["answered_by"] == "freelancer"
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger?limit=200", headers=auth).json()
    assert ledger["items"][-1]["payload"]["note"] == note
    assert client.get(link).status_code == 410
    again = client.post(f"{base}/decline", json={"note": "changed mind"}, headers=auth)
    assert again.status_code == 409
    assert _judge(client, auth, contract_id, ASK)["decision"]["verdict"] == "included"


def test_an_expired_change_order_cannot_be_accepted_and_changes_nothing(
    client: ASGIClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    contract_id, request_id = _extra_round(client, auth)
    # Valid until tomorrow in UTC: still today or tomorrow in the contract's time zone
    # (UTC+1), whatever the hour; UTC's "today" is already yesterday there after 23:00.
    tomorrow = (utcnow() + timedelta(days=1)).date()
    _issue(client, auth, contract_id, {"request_ids": [request_id], "valid_until": str(tomorrow)})
    link = _send(client, auth, contract_id, 1)
    later = utcnow() + timedelta(days=4)

    def clock() -> datetime:
        return later

    monkeypatch.setattr("roundwise.api.routes.accept.utcnow", clock)
    monkeypatch.setattr("roundwise.api.routes.change_orders.utcnow", clock)
    assert client.get(link).status_code == 410
    assert client.post(link, content=b"answer=accept", headers=FORM).status_code == 410
    base = f"/v1/contracts/{contract_id}/change-orders/1"
    refused = client.post(f"{base}/accept", json={"note": "late"}, headers=auth)
    assert refused.status_code == 409
    assert refused.json()["type"] == "/problems/change-order-expired"
    monkeypatch.undo()
    assert _types(client, auth, contract_id)[-1] == "change_order_sent"
    assert _judge(client, auth, contract_id, ASK)["decision"]["verdict"] == "extra_round"


def test_unknown_tokens_are_404_and_a_token_answers_only_its_own_change_order(
    client: ASGIClient, auth: dict[str, str], other_auth: dict[str, str]
) -> None:
    assert client.get("/accept/not-a-token").status_code == 404
    assert client.post("/accept/x" * 3, content=b"answer=accept", headers=FORM).status_code in {
        404,
        405,
    }
    mine, my_request = _extra_round(client, auth)
    theirs, their_request = _extra_round(client, other_auth)
    _issue(client, auth, mine, {"request_ids": [my_request]})
    _issue(client, other_auth, theirs, {"request_ids": [their_request]})
    _send(client, auth, mine, 1)
    their_link = _send(client, other_auth, theirs, 1)
    assert client.post(their_link, content=b"answer=accept", headers=FORM).status_code == 200
    assert (
        client.get(f"/v1/contracts/{mine}/change-orders/1", headers=auth).json()["status"] == "sent"
    )
    # Another account's change orders are not found, whatever the route.
    for method, path in [
        ("GET", f"/v1/contracts/{theirs}/change-orders/1"),
        ("GET", f"/v1/contracts/{theirs}/change-orders"),
        ("POST", f"/v1/contracts/{theirs}/change-orders/1/send"),
        ("GET", f"/v1/contracts/{theirs}/change-orders/1.pdf"),
    ]:
        assert client.request(method, path, headers=auth).status_code == 404, path
    foreign = client.post(
        f"/v1/contracts/{theirs}/change-orders", json={"request_ids": [their_request]}, headers=auth
    )
    assert foreign.status_code == 404


def test_a_retried_issue_with_the_same_idempotency_key_returns_the_first_result(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id, request_id = _extra_round(client, auth)
    url = f"/v1/contracts/{contract_id}/change-orders"
    headers = {**auth, "Idempotency-Key": f"co-{contract_id}"}
    first = client.post(url, json={"request_ids": [request_id]}, headers=headers)
    again = client.post(url, json={"request_ids": [request_id]}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    assert len(client.get(url, headers=auth).json()["items"]) == 1
    twice = client.post(url, json={"request_ids": [request_id]}, headers=auth)
    assert twice.status_code == 409  # the request is priced by change order 1 already


def test_only_billable_judged_requests_are_priced_and_the_field_is_named(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    included = _judge(client, auth, contract_id, ASK)["request"]["id"]
    url = f"/v1/contracts/{contract_id}/change-orders"
    for body, path in [
        ({"request_ids": [included]}, "request_ids[0]"),
        ({"request_ids": ["rrq_unknown"]}, "request_ids[0]"),
        ({}, "body"),
        ({"items": [{"description": "x", "price": -1}]}, "items[0].price"),
    ]:
        response = client.post(url, json=body, headers=auth)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["path"] == path


def test_out_of_scope_work_is_quoted_from_its_size_and_the_draft_is_editable(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    judged = _judge(client, auth, contract_id, NEW_WORK)
    assert judged["decision"]["verdict"] == "out_of_scope", judged["decision"]
    order = _issue(client, auth, contract_id, {"request_ids": [judged["request"]["id"]]})
    line = order["lines"][0]
    assert line["kind"] == "out_of_scope"
    assert line["price"] == {"amount": "225.00", "currency": "EUR"}  # 5 posts × 1 h × €45
    assert "5 × instagram posts" in line["computation"]
    assert "clause 6.7" in order["amends"]
    base = f"/v1/contracts/{contract_id}/change-orders/1"
    patched = client.request(
        "PATCH", base, json={"lines": [{"index": 0, "price": "200"}]}, headers=auth
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["total"]["amount"] == "200.00"
    assert "price set by the freelancer" in patched.json()["lines"][0]["computation"]
    replaced = client.put(
        base,
        json={"items": [{"description": "Blog post", "words": 300, "deliverable": "about"}]},
        headers=auth,
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["total"]["amount"] == "240.00"  # 300 × €320 ÷ 400 words
    _send(client, auth, contract_id, 1)
    late = client.request("PATCH", base, json={"amends": "clause 3"}, headers=auth)
    assert late.status_code == 409


def _pdf_text(client: ASGIClient, auth: dict[str, str], url: str) -> tuple[str, Any]:
    response = client.get(url, headers=auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return text, response.headers


def test_the_pdf_of_a_change_order_made_through_the_api_reads_back(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id, request_id = _extra_round(client, auth)
    _issue(client, auth, contract_id, {"request_ids": [request_id]})
    url = f"/v1/contracts/{contract_id}/change-orders/1.pdf"
    draft, headers = _pdf_text(client, auth, url)
    assert "Change order 1 (draft)" in draft
    assert "Draft: not yet sent to the client" in draft
    assert headers["cache-control"] == "private, no-store"
    assert "change_order_issued" not in _types(client, auth, contract_id)  # only a preview
    _send(client, auth, contract_id, 1)
    sent, headers = _pdf_text(client, auth, url)
    assert "Change order 1: Website copy for Horvat Bakery" in sent
    assert "(draft)" not in sent
    assert "€90.00" in sent
    assert "1 × €90.00 per extra round = €90.00" in sent
    assert "clause 6.6 (Extra rounds)" in sent
    assert "valid until" in sent
    assert "etag" in headers
    missing = client.get(f"/v1/contracts/{contract_id}/change-orders/2.pdf", headers=auth)
    assert missing.status_code == 404


def test_every_language_has_every_string_of_the_page_with_known_placeholders() -> None:
    strings = ui_strings()
    assert set(strings) == {"en", "sl", "pl", "sr", "el", "ka"}
    values = {"number": 1, "title": "T", "client": "C", "freelancer": "F", "date": "D"}
    for language, table in strings.items():
        assert set(table) == set(strings["en"]), language
        for key, text in table.items():
            assert text.format(**values), (language, key)


def test_the_page_speaks_the_contracts_language_and_escapes_what_it_shows(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    spec = example_spec()
    spec.update(language="sl", locale="sl_SI")
    created = client.post("/v1/contracts", json={"spec": spec}, headers=auth)
    assert created.status_code == 201, created.text
    contract_id = created.json()["id"]
    for step in ("sent", "signed"):
        client.post(f"/v1/contracts/{contract_id}/status", json={"status": step}, headers=auth)
    item = {"description": "<script>alert(1)</script> Letak", "price": "90"}
    _issue(client, auth, contract_id, {"items": [item]})
    page = client.get(_send(client, auth, contract_id, 1))
    assert page.status_code == 200
    assert '<html lang="sl">' in page.text
    assert "Naročilo spremembe 1" in page.text
    assert "90,00\xa0€" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Letak" in page.text
    assert "<script>" not in page.text


def test_the_links_token_is_stored_nowhere_not_even_for_an_idempotent_retry(
    client: ASGIClient, auth: dict[str, str], database: Database
) -> None:
    contract_id, request_id = _extra_round(client, auth)
    _issue(client, auth, contract_id, {"request_ids": [request_id]})
    url = f"/v1/contracts/{contract_id}/change-orders/1/send"
    headers = {**auth, "Idempotency-Key": f"send-{contract_id}"}
    first = client.post(url, headers=headers).json()["accept_url"]
    again = client.post(url, headers=headers).json()["accept_url"]
    assert again != first  # a retry gives a fresh link and retires the first one
    assert client.get(urlsplit(first).path).status_code == 404
    assert client.get(urlsplit(again).path).status_code == 200
    token = urlsplit(again).path.rsplit("/", 1)[1]
    with database.reads() as session:
        stored = [row.response_body or b"" for row in session.scalars(select(IdempotencyRecord))]
        hashes = list(session.scalars(select(ChangeOrderRecord.token_hash)))
    assert not any(token.encode() in body for body in stored)
    assert token not in hashes
    assert hashlib.sha256(token.encode()).hexdigest() in hashes
    assert _types(client, auth, contract_id).count("change_order_sent") == 1


def test_two_answers_at_once_through_the_link_record_one(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id, request_id = _extra_round(client, auth)
    _issue(client, auth, contract_id, {"request_ids": [request_id]})
    link = _send(client, auth, contract_id, 1)
    calls = [
        ("POST", link, {"content": f"answer={answer}".encode(), "headers": FORM})
        for answer in ("accept", "decline", "accept")
    ]
    statuses = sorted(response.status_code for response in client.gather(calls))
    assert statuses == [200, 410, 410]
    answers = [t for t in _types(client, auth, contract_id) if t.startswith("change_order_")]
    assert answers[:2] == ["change_order_issued", "change_order_sent"]
    assert len(answers) == 3


def test_change_orders_need_a_signed_contract(client: ASGIClient, auth: dict[str, str]) -> None:
    created = client.post("/v1/contracts", json={"spec": example_spec()}, headers=auth)
    url = f"/v1/contracts/{created.json()['id']}/change-orders"
    item = {"description": "Press release", "price": "150"}
    response = client.post(url, json={"items": [item]}, headers=auth)
    assert response.status_code == 409


@pytest.mark.parametrize("language", ["en", "sl", "pl", "sr", "el", "ka"])
def test_the_page_renders_in_each_language_with_its_locales_money(language: str) -> None:
    terms = load_spec({**example_spec(), "language": language, "locale": None})
    line = line_for_item(terms, FreeItem("Press release", price=Decimal("1234.5")), 0)
    draft = draft_of(terms, [line], date(2026, 4, 11))
    record = ChangeOrderRecord(number=4, valid_until=draft.valid_until, status="sent")
    record.document = draft.model_dump(mode="json")
    html = accept_page_html(terms, record)
    strings = ui_strings()[language]
    assert f'<html lang="{language}">' in html
    assert strings["page_title"].format(number=4) in html
    assert strings["accept"] in html
    assert "Press release" in html
    assert re.search(r"1[\s.,\u00a0\u202f]?234[.,]50", html), html
