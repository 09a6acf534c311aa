"""Database fixtures shared by the API and store suites: SQLite always, PostgreSQL too
when ``ROUNDWISE_TEST_PG_URL`` is set.

Each pytest(-xdist) worker gets its own SQLite file and its own PostgreSQL schema (named
after the worker and a random suffix, dropped at the end), so ``-n 2`` runs never share
tables. Tests create their own accounts, so they never see each other's rows.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from roundwise.store.db import Database
from roundwise.store.migrate import upgrade

PG_URL = os.environ.get("ROUNDWISE_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated, empty database URL private to this test session and worker."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'roundwise.db'}"
        return
    assert PG_URL is not None
    schema = f"rw_test_{_worker()}_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def database(db_url: str) -> Iterator[Database]:
    """The session's database, migrated to head."""
    db = Database.connect(db_url, pool_size=40)
    upgrade(db.engine)
    yield db
    db.dispose()
