"""`roundwise db upgrade`, `roundwise account create|revoke-key`, and the local key file."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roundwise.api.cli.main import app
from roundwise.api.cli.server_cmd import _announce_local_key
from roundwise.api.settings import Settings, get_settings
from roundwise.store.accounts import authenticate
from roundwise.store.db import Database
from roundwise.store.migrate import current_revision, upgrade


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ROUNDWISE_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_db_upgrade_creates_the_schema(sqlite_env: str) -> None:
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "revision 0010" in result.output
    db = Database.connect(sqlite_env)
    try:
        assert current_revision(db.engine) == "0010"
        assert db.engine.dialect.name == "sqlite"
    finally:
        db.dispose()


def test_db_prune_removes_expired_idempotency_records(sqlite_env: str) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["db", "prune"])
    assert result.exit_code == 0, result.output
    assert "Removed 0 idempotency record(s)" in result.output


def test_account_create_prints_a_working_key_once_and_refuses_a_taken_name(
    sqlite_env: str,
) -> None:
    runner = CliRunner()
    created = runner.invoke(app, ["account", "create", "studio"])
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    db = Database.connect(sqlite_env)
    try:
        with db.reads() as session:
            assert authenticate(session, key) is not None
        again = runner.invoke(app, ["account", "create", "studio"])
        assert again.exit_code == 2
        revoked = runner.invoke(app, ["account", "revoke-key", key])
        assert revoked.exit_code == 0, revoked.output
        with db.reads() as session:
            assert authenticate(session, key) is None
    finally:
        db.dispose()


def test_serve_start_up_creates_the_local_key_once_with_private_permissions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'local.db'}",
        local_key_file=tmp_path / ".roundwise" / "local-api-key",
    )
    db = Database.connect(settings.database_url)
    try:
        upgrade(db.engine)
        _announce_local_key(db, settings)
        first = capsys.readouterr().out
        key = settings.local_key_file.read_text(encoding="utf-8").strip()
        assert key in first
        assert stat.S_IMODE(settings.local_key_file.stat().st_mode) == 0o600
        _announce_local_key(db, settings)
        second = capsys.readouterr().out
        assert key not in second
        assert str(settings.local_key_file) in second
        with db.reads() as session:
            assert authenticate(session, key) is not None
    finally:
        db.dispose()
