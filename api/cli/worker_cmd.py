"""`roundwise worker`: the webhook delivery worker on its own (store/webhooks/worker.py).

For deployments that serve with ``ROUNDWISE_WEBHOOKS_IN_PROCESS=false`` or want more
delivery capacity: any number may run against one PostgreSQL database (leases and
``SKIP LOCKED`` keep them from sending one event twice at once). SIGTERM or Ctrl-C stops
it after the attempts under way; a worker killed outright loses nothing (its leases
expire and another worker, or this one restarted, retries them).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

import typer


def register(app: typer.Typer) -> None:
    """Add `roundwise worker` to the CLI."""
    app.command("worker")(worker)


def worker() -> None:
    """Deliver outbound webhooks until stopped (run `roundwise db upgrade` first)."""
    from roundwise.api.logs import configure_logging
    from roundwise.api.settings import get_settings
    from roundwise.api.webhook_delivery import worker_config
    from roundwise.store.db import Database
    from roundwise.store.webhooks.worker import deliver_until_stopped

    configure_logging()
    settings = get_settings()
    db = Database.connect(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    typer.echo("Delivering webhooks (Ctrl-C to stop)", err=True)
    try:
        deliver_until_stopped(db, worker_config(settings), stop)
    finally:
        db.dispose()
