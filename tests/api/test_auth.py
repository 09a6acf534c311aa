"""Authentication: Bearer API keys, stored hashed, revocable; accounts never see each other."""

from __future__ import annotations

from sqlalchemy import select

from roundwise.store.accounts import hash_key, key_prefix, revoke_key
from roundwise.store.db import Database
from roundwise.store.models import ApiKey
from tests.api.asgiclient import ASGIClient


def test_a_request_without_a_key_is_401_problem_json(client: ASGIClient) -> None:
    response = client.get("/v1/clients")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["type"] == "/problems/unauthorized"


def test_malformed_and_unknown_keys_are_401(client: ASGIClient) -> None:
    for value in ("Bearer nonsense", "Bearer rw_000000000000_secret", "Basic abc", "Bearer "):
        response = client.get("/v1/clients", headers={"Authorization": value})
        assert response.status_code == 401, value


def test_a_valid_key_with_one_wrong_character_is_401(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    key = auth["Authorization"].removeprefix("Bearer ")
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert client.get("/v1/clients", headers=auth).status_code == 200
    response = client.get("/v1/clients", headers={"Authorization": f"Bearer {tampered}"})
    assert response.status_code == 401


def test_keys_are_stored_only_as_hashes(database: Database, auth: dict[str, str]) -> None:
    key = auth["Authorization"].removeprefix("Bearer ")
    with database.reads() as session:
        row = session.scalars(select(ApiKey).where(ApiKey.prefix == key_prefix(key))).one()
    assert row.key_hash == hash_key(key)
    assert key not in (row.key_hash, row.prefix, row.label)


def test_a_revoked_key_is_refused(
    client: ASGIClient, database: Database, auth: dict[str, str]
) -> None:
    key = auth["Authorization"].removeprefix("Bearer ")
    assert client.get("/v1/clients", headers=auth).status_code == 200
    with database.writes.begin() as session:
        revoke_key(session, key_prefix(key) or "")
    assert client.get("/v1/clients", headers=auth).status_code == 401
