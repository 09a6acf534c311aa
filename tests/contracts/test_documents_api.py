"""The document endpoints: PDFs with the right type, filename and caching headers.

The contract and its ledger are written through the store (the example ledger carries
its own timeline), then read back over HTTP through the real app and database.
"""

from __future__ import annotations

import io
import secrets

import pypdf
import pytest
from fastapi import FastAPI

from roundwise.api.app import create_app
from roundwise.api.routes import documents
from roundwise.api.settings import Settings
from roundwise.store import contracts, ledger
from roundwise.store.accounts import create_account
from roundwise.store.db import Database
from tests.api.asgiclient import ASGIClient, served
from tests.contracts.conftest import example_events, example_terms
from tests.dbfixtures import database, db_url

__all__ = ["database", "db_url"]


@pytest.fixture(scope="module")
def client(db_url: str, database: Database) -> ASGIClient:
    app: FastAPI = create_app(Settings(database_url=db_url), database)
    return ASGIClient(app)


def test_the_document_routes_are_registered_and_documented(client: ASGIClient) -> None:
    paths = client.app.openapi()["paths"]
    assert "/v1/contracts/{contract_id}/documents/{document}.pdf" in paths
    order = paths["/v1/contracts/{contract_id}/change-orders/{number}.pdf"]["get"]
    assert "application/pdf" in order["responses"]["200"]["content"]
    assert documents.PDF_MEDIA_TYPE == "application/pdf"


@pytest.fixture(scope="module")
def stored(database: Database) -> tuple[dict[str, str], str]:
    """An account and the bakery contract with its example ledger."""
    with database.writes.begin() as session:
        account, key = create_account(session, f"docs-{secrets.token_hex(4)}")
        contract = contracts.create_contract(
            session, account.id, example_terms("bakery-web-copy"), None
        )
        ledger.append_events(session, contract, example_events("bakery-web-copy"))
        contract_id = contract.id
    return {"Authorization": f"Bearer {key}"}, contract_id


def test_the_agreement_is_served_as_a_pdf_with_filename_and_etag(
    client: ASGIClient, stored: tuple[dict[str, str], str]
) -> None:
    auth, contract_id = stored
    response = client.get(f"/v1/contracts/{contract_id}/documents/agreement.pdf", headers=auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith('inline; filename="RW-AGR-')
    assert response.headers["cache-control"] == "private, no-cache"
    etag = response.headers["etag"]
    assert client.app.state.render_pool.started  # rendered in worker processes, off the loop
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert "Website copy for Horvat Bakery" in reader.pages[0].extract_text()
    again = client.get(
        f"/v1/contracts/{contract_id}/documents/agreement.pdf",
        headers={**auth, "If-None-Match": etag},
    )
    assert again.status_code == 304
    assert again.content == b""
    letter = client.get(
        f"/v1/contracts/{contract_id}/documents/agreement.pdf?paper=letter",
        headers={**auth, "If-None-Match": etag},
    )
    assert letter.status_code == 200
    assert letter.headers["etag"] != etag


def test_the_statement_and_a_change_order_are_served_from_the_stored_ledger(
    client: ASGIClient, stored: tuple[dict[str, str], str]
) -> None:
    auth, contract_id = stored
    statement = client.get(f"/v1/contracts/{contract_id}/documents/statement.pdf", headers=auth)
    assert statement.status_code == 200, statement.text
    assert statement.headers["cache-control"] == "private, no-store"
    assert "etag" not in statement.headers
    text = pypdf.PdfReader(io.BytesIO(statement.content)).pages[0].extract_text()
    assert "Revision statement" in text or "REVISION STATEMENT" in text
    order = client.get(f"/v1/contracts/{contract_id}/change-orders/1.pdf", headers=auth)
    assert order.status_code == 200, order.text
    assert 'filename="RW-CO-' in order.headers["content-disposition"]
    assert "Instagram" in pypdf.PdfReader(io.BytesIO(order.content)).pages[0].extract_text()


def test_missing_documents_and_strangers_get_problem_responses(
    client: ASGIClient, stored: tuple[dict[str, str], str], database: Database
) -> None:
    auth, contract_id = stored
    missing = client.get(f"/v1/contracts/{contract_id}/change-orders/9.pdf", headers=auth)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "no change order 9" in missing.json()["detail"]
    assert missing.json()["type"] == "/problems/document-not-found"
    unknown = client.get(f"/v1/contracts/{contract_id}/documents/invoice.pdf", headers=auth)
    assert unknown.status_code == 422
    with database.writes.begin() as session:
        _, other_key = create_account(session, f"other-{secrets.token_hex(4)}")
    stranger = client.get(
        f"/v1/contracts/{contract_id}/documents/agreement.pdf",
        headers={"Authorization": f"Bearer {other_key}"},
    )
    assert stranger.status_code == 404
    anonymous = client.get(f"/v1/contracts/{contract_id}/documents/agreement.pdf")
    assert anonymous.status_code == 401


def test_the_render_pool_is_sized_by_the_settings_and_stopped_with_the_app(
    db_url: str, database: Database, stored: tuple[dict[str, str], str]
) -> None:
    auth, contract_id = stored
    app = create_app(Settings(database_url=db_url, render_processes=1), database)
    pool = app.state.render_pool
    with served(app) as served_client:
        response = served_client.get(
            f"/v1/contracts/{contract_id}/documents/agreement.pdf", headers=auth
        )
        assert response.status_code == 200, response.text
        assert pool.started
        assert pool.executor()._max_workers == 1
        workers = list(pool.executor()._processes.values())
        assert len(workers) == 1
        assert workers[0].is_alive()
    assert not pool.started  # the app's shutdown stopped it
    assert not workers[0].is_alive()


def test_a_bilingual_agreement_adds_the_clients_language_beside_the_contracts(
    client: ASGIClient, stored: tuple[dict[str, str], str]
) -> None:
    # The bakery contract is English; its client, Marko Horvat, reads Slovenian.
    auth, contract_id = stored
    url = f"/v1/contracts/{contract_id}/documents/agreement.pdf"
    response = client.get(f"{url}?bilingual=1", headers=auth)
    assert response.status_code == 200, response.text
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Size of a revision round" in text
    assert "Obseg enega kroga popravkov" in text
    plain = client.get(url, headers=auth)
    assert response.headers["etag"] != plain.headers["etag"]
    assert "Obseg enega kroga popravkov" not in " ".join(
        p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(plain.content)).pages
    )
