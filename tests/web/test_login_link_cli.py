"""``roundwise account login-link``: a one-time link, stored only as a hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from roundwise.api.cli.main import app
from roundwise.api.settings import get_settings
from roundwise.store.db import Database
from roundwise.store.models import WebLoginLink
from roundwise.store.web_sessions import redeem_login_link


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ROUNDWISE_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_the_link_signs_in_once_and_only_its_hash_is_kept(sqlite_env: str) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["account", "create", "ana"]).exit_code == 0
    result = runner.invoke(
        app, ["account", "login-link", "ana", "--base-url", "https://rw.example/", "--minutes", "5"]
    )
    assert result.exit_code == 0, result.output
    link = result.stdout.strip().splitlines()[0]
    assert link.startswith("https://rw.example/app/login/")
    token = link.rsplit("/", 1)[1]
    db = Database.connect(sqlite_env)
    try:
        with db.writes() as session:
            stored = session.scalars(select(WebLoginLink.token_hash)).all()
            assert stored == [hashlib.sha256(token.encode()).hexdigest()]
            assert redeem_login_link(session, token) is not None
            assert redeem_login_link(session, token) is None  # used up
            session.commit()
    finally:
        db.dispose()


def test_an_unknown_account_gets_no_link(sqlite_env: str) -> None:
    result = CliRunner().invoke(app, ["account", "login-link", "nobody"])
    assert result.exit_code == 2
    assert "no account named 'nobody'" in result.output
