"""`roundwise serve`, `roundwise db upgrade`, `roundwise account create|revoke-key`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from roundwise.api.settings import Settings
    from roundwise.store.db import Database

db_app = typer.Typer(help="Database schema commands.", no_args_is_help=True)
account_app = typer.Typer(help="Accounts and their API keys.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the server commands to the CLI."""
    app.command("serve")(serve)
    app.add_typer(db_app, name="db")
    app.add_typer(account_app, name="account")


def _database(settings: Settings) -> Database:
    """Open the configured database (imports stay lazy so other commands start fast)."""
    from roundwise.store.db import Database

    return Database.connect(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1, help="Worker processes, each listening on its own SO_REUSEPORT socket."
        ),
    ] = 1,
) -> None:
    """Migrate the database, make sure a local account exists, and serve the API."""
    import uvicorn

    from roundwise.api.cli import workers as workers_module
    from roundwise.api.settings import get_settings
    from roundwise.store.migrate import upgrade

    settings = get_settings()
    db = _database(settings)
    try:
        upgrade(db.engine)
        _announce_local_key(db, settings)
    finally:
        db.dispose()
    typer.echo(f"Serving on http://{host}:{port} (docs at /docs), database {_safe_url(settings)}")
    options: dict[str, Any] = {
        "log_level": "warning",
        "access_log": False,
        "timeout_keep_alive": 30,
    }
    if workers > 1 and workers_module.supported():
        try:
            status = workers_module.WorkerPool(workers, host, port, options).run()
        except OSError as exc:  # the port is taken, or the host is not ours
            typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror}", err=True)
            raise typer.Exit(2) from exc
        raise typer.Exit(status)
    uvicorn.run(
        "roundwise.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_worker_healthcheck=60,  # a worker loads the engine's models on start-up
        **options,
    )


def _safe_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


def _announce_local_key(db: Database, settings: Settings) -> None:
    """Print the local account's key the first time; afterwards say where it is kept."""
    from roundwise.store.accounts import authenticate, create_account, find_account, issue_key

    path = settings.local_key_file
    existing = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    with db.writes.begin() as session:
        if existing and authenticate(session, existing) is not None:
            typer.echo(f"Local API key: in {path}")
            return
        account = find_account(session, settings.local_account_name)
        if account is None:
            account, key = create_account(session, settings.local_account_name)
        else:
            key = issue_key(session, account.id, label="local key file")
    _write_secret(path, key)
    typer.echo(f"Created the local account {account.name!r}. Its API key (shown once here):")
    typer.echo(f"  {key}")
    typer.echo(f"It is stored in {path} (mode 0600); use it as `Authorization: Bearer <key>`.")


def _write_secret(path: Path, secret: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    path.chmod(0o600)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to ROUNDWISE_DATABASE_URL (safe to run repeatedly)."""
    from roundwise.api.settings import get_settings
    from roundwise.store.migrate import current_revision, upgrade

    settings = get_settings()
    db = _database(settings)
    try:
        upgrade(db.engine)
        typer.echo(f"Database {_safe_url(settings)} is at revision {current_revision(db.engine)}")
    finally:
        db.dispose()


@account_app.command("create")
def account_create(name: Annotated[str, typer.Argument(help="A unique account name.")]) -> None:
    """Create an account and print its API key (shown only this once)."""
    from roundwise.api.settings import get_settings
    from roundwise.store.accounts import create_account
    from roundwise.store.errors import ConflictError
    from roundwise.store.migrate import upgrade

    db = _database(get_settings())
    try:
        upgrade(db.engine)
        with db.writes.begin() as session:
            account, key = create_account(session, name)
    except ConflictError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    finally:
        db.dispose()
    typer.echo(f"Account {account.name!r} ({account.id}). API key, shown once:")
    typer.echo(key)


@account_app.command("login-link")
def account_login_link(
    name: Annotated[str, typer.Argument(help="The account to sign in as.")],
    base_url: Annotated[
        str, typer.Option(help="Where the service is reached from the browser.")
    ] = "http://127.0.0.1:8000",
    minutes: Annotated[int, typer.Option(min=1, max=24 * 60, help="How long the link works.")] = 15,
) -> None:
    """Print a one-time link that signs in to the web pages (it works once, until it expires)."""
    from datetime import timedelta

    from roundwise.api.settings import get_settings
    from roundwise.store.errors import NotFoundError
    from roundwise.store.migrate import upgrade
    from roundwise.store.web_sessions import issue_login_link

    db = _database(get_settings())
    try:
        upgrade(db.engine)
        with db.writes.begin() as session:
            token, expires = issue_login_link(session, name, timedelta(minutes=minutes))
    except NotFoundError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    finally:
        db.dispose()
    typer.echo(f"{base_url.rstrip('/')}/app/login/{token}")
    typer.echo(f"(works once, until {expires:%Y-%m-%d %H:%M} UTC)", err=True)


@account_app.command("revoke-key")
def account_revoke_key(
    key_or_prefix: Annotated[str, typer.Argument(help="The key, or its 12-digit prefix.")],
) -> None:
    """Revoke an API key; requests with it then get 401."""
    from roundwise.api.settings import get_settings
    from roundwise.store.accounts import key_prefix, revoke_key
    from roundwise.store.errors import NotFoundError

    prefix = key_prefix(key_or_prefix) or key_or_prefix
    db = _database(get_settings())
    try:
        with db.writes.begin() as session:
            revoke_key(session, prefix)
    except NotFoundError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    finally:
        db.dispose()
    typer.echo(f"Revoked the API key {prefix}.")


@db_app.command("prune")
def db_prune() -> None:
    """Delete Idempotency-Key records older than ROUNDWISE_IDEMPOTENCY_TTL_HOURS."""
    from datetime import timedelta

    from roundwise.api.settings import get_settings
    from roundwise.store.base import utcnow
    from roundwise.store.idempotency import purge_expired

    settings = get_settings()
    db = _database(settings)
    try:
        ttl = timedelta(hours=settings.idempotency_ttl_hours)
        removed = purge_expired(db.writes, utcnow(), ttl)
    finally:
        db.dispose()
    typer.echo(f"Removed {removed} idempotency record(s) older than {ttl}.")
