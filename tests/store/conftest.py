"""Store test fixtures: the session's migrated database (SQLite, and PostgreSQL when set)."""

from tests.dbfixtures import database, db_url

__all__ = ["database", "db_url"]
