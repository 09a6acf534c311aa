"""Settings: one typed object read from ROUNDWISE_* variables."""

from __future__ import annotations

import pytest

from roundwise.api.settings import Settings


def test_settings_come_from_roundwise_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUNDWISE_MAX_BODY_BYTES", "4096")
    monkeypatch.setenv("ROUNDWISE_DATABASE_URL", "sqlite:///elsewhere.db")
    settings = Settings()
    assert settings.max_body_bytes == 4096
    assert settings.database_url == "sqlite:///elsewhere.db"


def test_the_defaults_are_a_local_sqlite_file_and_a_two_megabyte_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("DATABASE_URL", "MAX_BODY_BYTES", "IDEMPOTENCY_TTL_HOURS"):
        monkeypatch.delenv(f"ROUNDWISE_{name}", raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:///roundwise.db"
    assert settings.max_body_bytes == 2 * 1024 * 1024
    assert settings.idempotency_ttl_hours >= 24


@pytest.mark.parametrize("scheme", ["postgres://", "postgresql://"])
def test_plain_postgres_urls_use_the_psycopg_driver(scheme: str) -> None:
    settings = Settings(database_url=f"{scheme}me@db.example/roundwise")
    assert settings.database_url == "postgresql+psycopg://me@db.example/roundwise"


def test_keys_must_be_kept_at_least_a_day() -> None:
    with pytest.raises(ValueError, match="greater than or equal to 24"):
        Settings(idempotency_ttl_hours=1)
