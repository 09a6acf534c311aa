"""The schema: migrations match the models, and the ledger refuses UPDATE and DELETE."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from roundwise.engine.ledger import ContractCompleted
from roundwise.store.accounts import create_account
from roundwise.store.db import Database
from roundwise.store.ids import new_id
from roundwise.store.ledger import append_events, load_events
from roundwise.store.migrate import alembic_config, current_revision, upgrade
from roundwise.store.models import Base, Contract

ROOT = Path(__file__).resolve().parents[2]


def test_the_migrated_schema_matches_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_upgrading_twice_is_harmless(database: Database) -> None:
    upgrade(database.engine)
    assert current_revision(database.engine) == "0010"


LARGE_COLUMNS = [
    ("decisions", "document"),
    ("idempotency_records", "response_body"),
    ("ledger_events", "payload"),
    ("replies", "document"),
    ("revision_requests", "document"),
]


def test_large_documents_are_compressed_with_lz4_on_postgresql(database: Database) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("column compression is PostgreSQL's")
    pairs = ", ".join(f"('{table}', '{column}')" for table, column in LARGE_COLUMNS)
    query = text(
        "SELECT c.relname, a.attname, a.attcompression FROM pg_attribute a"
        " JOIN pg_class c ON c.oid = a.attrelid"
        " WHERE c.relnamespace = current_schema()::regnamespace"
        f" AND (c.relname, a.attname) IN ({pairs}) ORDER BY 1, 2"
    )
    with database.engine.connect() as connection:
        rows = connection.execute(query).all()
    assert [(table, column) for table, column, _ in rows] == LARGE_COLUMNS
    assert {method for _, _, method in rows} == {"l"}


def _contract_with_one_event(database: Database) -> str:
    with database.writes.begin() as session:
        account, _key = create_account(session, f"acct-{new_id('t')}")
        now = datetime.now(UTC)
        contract = Contract(
            id=new_id("ctr"),
            account_id=account.id,
            title="t",
            status="signed",
            spec={},
            terms_sha256="0" * 64,
            event_count=0,
            created_at=now,
            updated_at=now,
        )
        session.add(contract)
        session.flush()
        append_events(session, contract, [ContractCompleted(at=now)])
        return contract.id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_events SET type = 'edited' WHERE contract_id = :cid",
        "DELETE FROM ledger_events WHERE contract_id = :cid",
    ],
)
def test_the_database_refuses_to_edit_or_delete_ledger_events(
    database: Database, statement: str
) -> None:
    contract_id = _contract_with_one_event(database)
    with pytest.raises(DBAPIError, match="append-only"), database.writes.begin() as session:
        session.execute(text(statement), {"cid": contract_id})
    with database.reads() as session:
        assert [e.type for e in load_events(session, contract_id)] == ["contract_completed"]


def test_no_code_updates_or_deletes_ledger_events() -> None:
    pattern = re.compile(
        r"(update|delete)\(\s*LedgerEvent|UPDATE\s+ledger_events|DELETE\s+FROM\s+ledger_events",
        re.I,
    )
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("api", "store", "engine", "contracts")
        for path in (ROOT / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8")) and "migrations" not in path.parts
    ]
    assert offenders == []


def test_ids_sort_by_creation_time() -> None:
    ids = [new_id("x") for _ in range(50)]
    assert len(set(ids)) == 50
    assert [i[:12] for i in ids] == sorted(i[:12] for i in ids)


def test_hot_path_tables_have_their_storage_parameters_on_postgresql(database: Database) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("storage parameters are PostgreSQL's")
    query = text(
        "SELECT relname, reloptions FROM pg_class"
        " WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"
        " AND relname IN ('contracts', 'decisions', 'replies', 'revision_requests')"
        " ORDER BY relname"
    )
    with database.engine.connect() as connection:
        options = {name: sorted(values) for name, values in connection.execute(query).all()}
    assert options == {
        "contracts": ["fillfactor=70"],
        "decisions": ["toast_tuple_target=8160"],
        "replies": ["toast_tuple_target=8160"],
        "revision_requests": ["toast_tuple_target=8160"],
    }


def _version_indexes(database: Database) -> set[str | None]:
    return {index["name"] for index in inspect(database.engine).get_indexes("deliverable_versions")}


def test_migration_0005_drops_the_redundant_versions_index_and_downgrades(
    database: Database,
) -> None:
    assert "ix_deliverable_versions_contract_id" not in _version_indexes(database)
    command.downgrade(alembic_config(database.engine), "0004")
    try:
        assert current_revision(database.engine) == "0004"
        assert "ix_deliverable_versions_contract_id" in _version_indexes(database)
    finally:
        upgrade(database.engine)
    assert current_revision(database.engine) == "0010"
    assert "ix_deliverable_versions_contract_id" not in _version_indexes(database)
