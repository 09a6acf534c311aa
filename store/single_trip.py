"""PostgreSQL: each hot-path transaction of a judged revision request as one statement.

Why: a judged request used to take fourteen round trips to PostgreSQL (BEGIN, ten
statements, COMMIT, twice over), and each one cost more CPU in the driver, SQLAlchemy and
the server than the SQL itself did. These statements run on autocommit connections
(``Database.single``), where one statement is one transaction and one round trip:

- ``authenticate_and_claim``: find the live API key by its prefix and claim the
  Idempotency-Key for its account, if the key's hash matches;
- ``contract_and_ledger``: the contract's head and its ledger payloads (those not yet
  folded, see ``store.ledger_memo``), from one snapshot;
- ``authenticate_claim_and_read``: the two above in one statement, for a judged request
  with an Idempotency-Key on the event loop (``store.ledger_memo.ReadAhead``);
- ``store_judgement``: claim the ledger positions (the conditional update of
  ``store.revisions``) and, only if that changed the row, insert the events, the request,
  the decision and the reply, and complete the Idempotency-Key.

Data-modifying ``WITH`` clauses all run, in one snapshot, whatever the outer query reads;
each insert selects ``FROM claimed``, so it inserts nothing when the conditional update
matched no row. Foreign keys are checked at the end of the statement, when every row is
in. SQLite has neither data-modifying ``WITH`` nor arrays, and its "round trips" are
function calls, so it keeps the statements of ``store.statements``.

They run straight on the session's psycopg connection (``run``), as server-side prepared
statements: with three statements left per request, SQLAlchemy's execution layer (bind
processing, execution context, result metadata) cost more CPU than psycopg and the
statement's own work. Parameters are psycopg's ``%(name)s``; JSON values go in as
``Jsonb`` (``as_jsonb``), aware datetimes and bytes as they are.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import Table
from sqlalchemy.orm import Session

from store import jsoncodec
from store.base import table_of
from store.db import Database
from store.models import (
    ApiKey,
    Contract,
    DecisionRecord,
    IdempotencyRecord,
    LedgerEvent,
    ReplyRecord,
    RevisionRequestRecord,
)
from store.statements import EVENT_COLUMNS

# The rows a judgement stores after its events, in foreign-key order, with the prefix of
# their parameters in ``store_judgement``.
JUDGEMENT_ROWS = (("req", RevisionRequestRecord), ("dec", DecisionRecord), ("rep", ReplyRecord))
KEY_COLUMNS = ("state", "status_code", "content_type", "response_body", "completed_at")


@contextmanager
def connected(db: Database) -> Iterator[psycopg.Connection[Any]]:
    """A psycopg connection in autocommit mode from ``db.autocommit``'s pool.

    Without a SQLAlchemy ``Connection`` around it, so a connection that failed is
    invalidated here (the pool then replaces it) rather than by SQLAlchemy.
    """
    pooled = db.autocommit.raw_connection()
    try:
        driver = pooled.driver_connection
        assert isinstance(driver, psycopg.Connection)
        yield driver
    except psycopg.OperationalError as exc:
        pooled.invalidate(exc)
        raise
    finally:
        pooled.close()


def driver_of(session: Session) -> psycopg.Connection[Any]:
    """The psycopg connection under a session (in its transaction, if any)."""
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    return driver


def run(
    driver: psycopg.Connection[Any], statement: str, values: Mapping[str, Any]
) -> Sequence[Any]:
    """Execute ``statement`` as a prepared statement and return its rows."""
    with driver.cursor() as cursor:
        cursor.execute(statement, values, prepare=True)
        rows: Sequence[Any] = cursor.fetchall()
        return rows


async def run_async(
    connection: psycopg.AsyncConnection[Any], statement: str, values: Mapping[str, Any]
) -> Sequence[Any]:
    """``run`` on an async connection (``store.async_pool``), awaited on the event loop."""
    async with connection.cursor() as cursor:
        await cursor.execute(statement, values, prepare=True)
        rows: Sequence[Any] = await cursor.fetchall()
        return rows


def as_jsonb(value: Any) -> Any:
    """A JSON document (dict or list) as a ``jsonb`` parameter; other values unchanged."""
    return Jsonb(value, jsoncodec.dumps) if isinstance(value, dict | list) else value


_LIVE_AND_CLAIMED = """
        WITH live AS (
            SELECT account_id, key_hash FROM {keys}
            WHERE prefix = %(prefix)s AND revoked_at IS NULL
        ), claimed AS (
            INSERT INTO {records} (account_id, key, request_hash, state, created_at)
            SELECT account_id, %(key)s, %(request_hash)s, %(state)s, %(created_at)s FROM live
            WHERE key_hash = %(key_hash)s
            ON CONFLICT DO NOTHING
            RETURNING key
        )"""


def _live_and_claimed() -> str:
    keys, records = table_of(ApiKey), table_of(IdempotencyRecord)
    return _LIVE_AND_CLAIMED.format(keys=keys.name, records=records.name)


@cache
def authenticate_and_claim() -> str:
    """``prefix``, ``key_hash`` and the claim's values → (account_id, key_hash, claimed).

    No row: no live key has this prefix. The claim is inserted only when the stored hash
    equals ``key_hash``; the caller still compares the returned hash in constant time.
    ``claimed`` is false when the Idempotency-Key was already known (a retry, a reuse or a
    request in flight), which the caller then settles in a transaction of its own.
    """
    return f"""{_live_and_claimed()}
        SELECT live.account_id, live.key_hash, EXISTS (SELECT 1 FROM claimed) FROM live
    """


@cache
def authenticate_claim_and_read() -> str:
    """``authenticate_and_claim``, then the columns of ``contract_and_ledger`` for
    ``contract_id`` and ``from_seq`` (all NULL unless the account of the key, whose hash
    matched, has that contract): a judged request's first two statements as one.

    The read is a plain snapshot read, as ``contract_and_ledger``'s is; the judgement is
    stored only if the ledger has not moved since (``store_judgement``).
    """
    contracts, ledger = table_of(Contract), table_of(LedgerEvent)
    return f"""{_live_and_claimed()}
        SELECT live.account_id, live.key_hash, EXISTS (SELECT 1 FROM claimed),
               c.id, c.status, c.event_count, CAST(c.spec AS TEXT),
               ARRAY(SELECT CAST(e.payload AS TEXT) FROM {ledger.name} e
                     WHERE e.contract_id = c.id AND e.seq >= %(from_seq)s ORDER BY e.seq)
        FROM live LEFT JOIN {contracts.name} c
          ON c.account_id = live.account_id AND c.id = %(contract_id)s
             AND live.key_hash = %(key_hash)s
    """


@cache
def contract_and_ledger() -> str:
    """``account_id``, ``contract_id``, ``from_seq`` → (id, status, event_count, spec
    as JSON text, the payloads of ledger events ``from_seq`` on as JSON text, in order)."""
    contracts, ledger = table_of(Contract), table_of(LedgerEvent)
    return f"""
        SELECT c.id, c.status, c.event_count, CAST(c.spec AS TEXT),
               ARRAY(SELECT CAST(e.payload AS TEXT) FROM {ledger.name} e
                     WHERE e.contract_id = c.id AND e.seq >= %(from_seq)s ORDER BY e.seq)
        FROM {contracts.name} c
        WHERE c.account_id = %(account_id)s AND c.id = %(contract_id)s
    """


def _insert_from_claimed(table: Table, prefix: str) -> str:
    """``INSERT INTO table (…) SELECT %(prefix_col)s, … FROM claimed`` for every column
    but an autoincremented id."""
    columns = [c for c in table.columns if not (c.primary_key and c.autoincrement is True)]
    names = ", ".join(c.name for c in columns)
    values = ", ".join(f"%({prefix}_{c.key})s" for c in columns)
    return f"INSERT INTO {table.name} ({names}) SELECT {values} FROM claimed"


@cache
def store_judgement(event_count: int, *, complete_key: bool) -> str:
    """Store a judgement of ``event_count`` events if the ledger still has ``p_seen``.

    Parameters: ``p_contract_id``, ``p_seen``, ``p_count``, ``p_now``; each event's
    ``ev<i>_<column>``; each row's ``req_``/``dec_``/``rep_<column>``; with
    ``complete_key``, ``key_account_id``, ``key_key`` and ``key_<column>`` of
    ``KEY_COLUMNS``. Returns one row: 1 if stored, 0 if another writer appended first.
    """
    contracts, ledger = table_of(Contract), table_of(LedgerEvent)
    clauses = [
        f"""claimed AS (
            UPDATE {contracts.name} SET event_count = %(p_count)s, updated_at = %(p_now)s
            WHERE id = %(p_contract_id)s AND event_count = %(p_seen)s
            RETURNING id
        )"""
    ]
    for i in range(event_count):
        columns = ", ".join(EVENT_COLUMNS)
        values = ", ".join(f"%(ev{i}_{column})s" for column in EVENT_COLUMNS)
        clauses.append(
            f"ev{i} AS (INSERT INTO {ledger.name} ({columns}) SELECT {values} FROM claimed)"
        )
    for prefix, model in JUDGEMENT_ROWS:
        clauses.append(f"{prefix} AS ({_insert_from_claimed(table_of(model), prefix)})")
    if complete_key:
        records = table_of(IdempotencyRecord)
        assignments = ", ".join(f"{column} = %(key_{column})s" for column in KEY_COLUMNS)
        clauses.append(
            f"""done AS (
                UPDATE {records.name} SET {assignments}
                WHERE account_id = %(key_account_id)s AND key = %(key_key)s
                  AND EXISTS (SELECT 1 FROM claimed)
            )"""
        )
    return "WITH " + ",\n".join(clauses) + "\nSELECT count(*) FROM claimed"


__all__ = [
    "JUDGEMENT_ROWS",
    "KEY_COLUMNS",
    "as_jsonb",
    "authenticate_and_claim",
    "authenticate_claim_and_read",
    "connected",
    "contract_and_ledger",
    "driver_of",
    "run",
    "run_async",
    "store_judgement",
]
