"""Running the webhook delivery worker from the service: its configuration from the
settings, and the thread ``roundwise serve`` starts in each worker process.

Why a thread of its own, not a task on the event loop or the app's thread pool: an
attempt is a blocking HTTP call that can take up to the timeout, and the app's few
pool threads serve requests (``Settings.worker_threads``). Several serving processes
each running one is safe (``store.webhooks.worker``: leases, ``SKIP LOCKED``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from anyio import to_thread

from roundwise.api.settings import Settings
from roundwise.store.db import Database

if TYPE_CHECKING:  # the worker imports httpx: only where it runs, not with every app
    from roundwise.store.webhooks.worker import WorkerConfig


def worker_config(settings: Settings) -> WorkerConfig:
    """The delivery worker's configuration from the settings."""
    from roundwise.store.webhooks.worker import WorkerConfig

    return WorkerConfig(
        allow_private=settings.webhooks_allow_private,
        timeout_seconds=settings.webhooks_timeout_seconds,
        lease_seconds=settings.webhooks_lease_seconds,
        backoff_base_seconds=settings.webhooks_backoff_base_seconds,
        backoff_max_seconds=settings.webhooks_backoff_max_seconds,
        max_attempts=settings.webhooks_max_attempts,
        disable_after_failures=settings.webhooks_disable_after_failures,
        disable_after_seconds=settings.webhooks_disable_after_seconds,
        poll_seconds=settings.webhooks_poll_seconds,
        retention_seconds=settings.webhooks_retention_days * 86_400,
        announce_every_seconds=settings.webhooks_announce_seconds,
    )


@dataclass(frozen=True, slots=True)
class InProcessWorker:
    """The running delivery thread and the event that stops it."""

    thread: threading.Thread
    stop: threading.Event

    @classmethod
    def start(cls, db: Database, settings: Settings) -> InProcessWorker:
        from roundwise.store.webhooks.worker import start_thread

        thread, stop = start_thread(db, worker_config(settings))
        return cls(thread, stop)

    async def close(self, timeout: float) -> None:
        """Stop it; an attempt under way may finish (up to ``timeout`` seconds). One cut
        short is retried by the next worker once its lease expires."""
        self.stop.set()
        await to_thread.run_sync(self.thread.join, timeout)


__all__ = ["InProcessWorker", "worker_config"]
