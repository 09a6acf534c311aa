"""Database engines and sessions for SQLite (the laptop default) and PostgreSQL.

SQLite: WAL journal (readers never block the writer), a busy timeout instead of instant
"database is locked" errors, foreign keys on, and *our* transaction control: the stdlib
driver's implicit BEGIN is switched off so that a session can ask for ``BEGIN IMMEDIATE``
(see ``store.locking``) — SQLAlchemy drops ``FOR UPDATE`` on SQLite, so a row lock there
would silently be a no-op.

PostgreSQL: a normal pooled engine (psycopg 3); per-contract serialisation uses a row lock.
No ``pool_pre_ping``: it costs a round trip on every checkout, i.e. on every transaction.
A connection that died (a server restart) fails the one statement that uses it, and
SQLAlchemy then discards the whole pool, so only the requests in flight at that moment
see an error (a 500, after which their Idempotency-Key may be retried); ``pool_recycle``
replaces connections older than 30 minutes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from roundwise.store import jsoncodec

SQLITE_BEGIN_OPTION = "sqlite_begin"
_TURN_KEY = "roundwise_writer_turn"


def is_sqlite(url: str) -> bool:
    """True when ``url`` names a SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(
    url: str,
    *,
    busy_timeout_ms: int = 30_000,
    pool_size: int = 10,
    isolation_level: str | None = None,
) -> Engine:
    """Create an engine configured for Roundwise's transaction discipline."""
    if is_sqlite(url):
        return _sqlite_engine(url, busy_timeout_ms)
    options: dict[str, Any] = {"isolation_level": isolation_level} if isolation_level else {}
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_recycle=1800,
        hide_parameters=True,  # a failed statement's error never carries client text
        json_serializer=jsoncodec.dumps_text,
        json_deserializer=jsoncodec.loads,
        **options,
    )


def _sqlite_engine(url: str, busy_timeout_ms: int) -> Engine:
    in_memory = make_url(url).database in (None, "", ":memory:")
    pooling = {} if in_memory else {"pool_size": 64, "max_overflow": 64}
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        hide_parameters=True,  # a failed statement's error never carries client text
        json_serializer=jsoncodec.dumps_text,
        json_deserializer=jsoncodec.loads,
        **pooling,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    writer_turn = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        if mode == "IMMEDIATE":
            _take_turn(connection, writer_turn, busy_timeout_ms)
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        except Exception:
            _end_turn(connection, writer_turn)
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Any) -> None:
        _end_turn(connection, writer_turn)

    return engine


def _take_turn(connection: Any, turn: threading.Lock, timeout_ms: int) -> None:
    """Queue this process's SQLite writers on a lock before ``BEGIN IMMEDIATE``.

    SQLite's own busy handler polls with sleeps of up to 100 ms, so under contention a
    waiting writer can miss many hand-overs; threads waiting on a lock are woken as soon
    as it is free. Between processes (``--workers N``) SQLite's busy timeout still rules.
    """
    if turn.acquire(timeout=timeout_ms / 1000):
        connection.info[_TURN_KEY] = True


def _end_turn(connection: Any, turn: threading.Lock) -> None:
    if connection.info.pop(_TURN_KEY, False):
        turn.release()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values usable after commit (responses are built after it)."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@dataclass(frozen=True, slots=True)
class Database:
    """One engine and two session factories: ``reads`` and ``writes``.

    A ``writes`` session starts with ``BEGIN IMMEDIATE`` on SQLite, taking the write lock
    up front: a deferred transaction that reads and then writes fails at once with
    "database is locked" in WAL mode when another writer committed meanwhile (the busy
    timeout does not apply to that upgrade). On PostgreSQL both factories are the same
    and writers lock the rows they change (``store.contracts.lock_contract``).

    The judging hot path on PostgreSQL does not use them: it awaits its statements on
    the app's async pool (``store.async_pool``, ``store.judging.postgres``).
    """

    engine: Engine
    reads: sessionmaker[Session]
    writes: sessionmaker[Session]

    @classmethod
    def connect(cls, url: str, *, busy_timeout_ms: int = 30_000, pool_size: int = 10) -> Database:
        """Create the engine and both session factories for ``url``."""
        engine = make_engine(url, busy_timeout_ms=busy_timeout_ms, pool_size=pool_size)
        if is_sqlite(url):
            writer = engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            writes = make_session_factory(writer)
            return cls(engine, make_session_factory(engine), writes)
        factory = make_session_factory(engine)
        return cls(engine, factory, factory)

    @property
    def is_sqlite(self) -> bool:
        """True on SQLite, where the whole database is the unit of write serialisation."""
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        """Close pooled connections (on shutdown, and in tests)."""
        self.engine.dispose()


__all__ = ["SQLITE_BEGIN_OPTION", "Database", "is_sqlite", "make_engine", "make_session_factory"]
