"""The one typed configuration of the service, read from ``ROUNDWISE_*`` environment variables.

Nothing else in the code base reads ``os.environ``: the API gets a ``Settings`` through the
cached ``get_settings`` dependency, the CLI calls ``get_settings()`` once, and ``store/``
takes every value it needs (the database URL, timeouts) as an explicit argument.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Service settings; every field can be set as ``ROUNDWISE_<FIELD_NAME>``."""

    model_config = SettingsConfigDict(env_prefix="ROUNDWISE_", extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite:///roundwise.db",
        description="SQLAlchemy URL; a relative SQLite path is relative to the working directory.",
    )
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024, description="413 above this.")
    idempotency_ttl_hours: int = Field(default=24, ge=24, description="How long keys are kept.")
    idempotency_stale_seconds: int = Field(
        default=120, ge=1, description="An in-flight key older than this is treated as abandoned."
    )
    idempotency_prune_seconds: float = Field(
        default=600.0,
        ge=0,
        description="How often each serving worker deletes Idempotency-Key records older than "
        "the TTL (api/expiry.py; `roundwise db prune` does it once); 0: never, leaving it "
        "to `db prune`.",
    )
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    db_pool_size: int = Field(
        default=10,
        ge=4,
        description="Connections per worker process (and twice as many of overflow); at "
        "least 4, so the sessions routes may hold at once (api.deps.SESSIONS_AT_ONCE) and "
        "the threads' own lookups always find one.",
    )
    worker_threads: int = Field(
        default=2,
        ge=1,
        le=200,
        description="Threads a worker process runs sync routes on (the rest queue, first come "
        "first served). On PostgreSQL the judging route awaits its statements on the event "
        "loop instead (store/async_pool.py). Judging in threads is CPU-bound, so more threads "
        "only share the GIL worse, and one thread leaves the process idle during database "
        "round trips: at 100 requests/s on 2 cores, p99 was 153 ms with 1 thread, 116 ms "
        "with 2 and 364 ms with 3.",
    )
    gc_freeze_seconds: float = Field(
        default=1.0,
        ge=0,
        description="How often a worker moves its long-lived objects out of the garbage "
        "collector's full passes (api/collector.py); 0: never.",
    )
    gc_full_every: int = Field(
        default=1800, ge=1, description="Every this many freezes, one full collection instead."
    )
    render_processes: int = Field(
        default=2,
        ge=1,
        le=64,
        description="PDF render worker processes per server worker, started on the first "
        "render (contracts/pool.py). A render is 0.3-0.6 s of CPU, so more than the cores "
        "the renders may take only queues them in the kernel instead of in the pool.",
    )
    auth_failure_window_seconds: float = Field(
        default=60.0,
        gt=0,
        description="The window failed authentications are counted in (api/auth_limit.py). "
        "Counted per worker process: with --workers N a client may fail N times as often.",
    )
    auth_failures_per_address: int = Field(
        default=30,
        ge=1,
        description="Failed authentications one client address may make in the window; "
        "further failures get 429 with Retry-After (a valid key is never refused).",
    )
    auth_failures_per_key_prefix: int = Field(
        default=10,
        ge=1,
        description="Failed authentications with one key prefix (rw_<prefix>_…) in the "
        "window, from any address; further failures get 429 with Retry-After.",
    )
    page_size_default: int = Field(default=50, ge=1, le=500)
    page_size_max: int = Field(default=200, ge=1, le=1000)
    local_key_file: Path = Field(
        default=Path(".roundwise/local-api-key"),
        description="Where `roundwise serve` keeps the local account's API key (mode 0600).",
    )
    local_account_name: str = "local"
    public_url: str | None = Field(
        default=None,
        max_length=300,
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description="The service's public base URL (https://roundwise.example.com), the base of "
        "an integration's hook_url; default: the URL the creating request reached.",
    )
    web_secret: str = Field(
        default="",
        max_length=500,
        description="Signs the web pages' session cookies; empty: a key made once and kept "
        "in the database (the same for every worker and host on it).",
    )
    web_session_max_age_seconds: int = Field(
        default=8 * 3600,
        ge=1,
        le=30 * 24 * 3600,
        description="How long a web sign-in lasts (the cookie's Max-Age and the signature's age).",
    )
    change_order_valid_days: int = Field(
        default=14,
        ge=1,
        le=365,
        description="A change order's validity when it names none: this many days after the "
        "day it is drafted (in the contract's time zone); its client link expires with it.",
    )
    # Outbound webhooks (store/webhooks/worker.py).
    webhooks_allow_private: bool = Field(
        default=False,
        description="Allow webhook URLs whose host is loopback, private, link-local or "
        "reserved (a receiver on this machine or network). Off by default: the worker "
        "would otherwise POST wherever an API user points it.",
    )
    webhooks_in_process: bool = Field(
        default=True,
        description="Each `roundwise serve` worker process runs a webhook delivery worker "
        "in a thread; turn off when `roundwise worker` runs separately.",
    )
    webhooks_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhooks_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        description="How long a worker holds a delivery it is attempting; a worker killed "
        "mid-attempt has its delivery retried once this passes. Keep it well above the "
        "timeout, or a slow attempt could be leased to a second worker while it runs.",
    )
    webhooks_backoff_base_seconds: float = Field(
        default=5.0, gt=0, description="Wait after a failed attempt; doubled after each."
    )
    webhooks_backoff_max_seconds: float = Field(default=3600.0, gt=0)
    webhooks_max_attempts: int = Field(
        default=30, ge=1, description="Attempts before a delivery is marked failed."
    )
    webhooks_disable_after_failures: int = Field(
        default=30,
        ge=1,
        description="An endpoint is disabled after this many consecutive failed attempts "
        "spanning at least webhooks_disable_after_seconds.",
    )
    webhooks_disable_after_seconds: float = Field(
        default=86_400.0,
        ge=0,
        description="How long the failures must span before disabling (24 h).",
    )
    webhooks_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    webhooks_retention_days: float = Field(
        default=7.0,
        gt=0,
        description="Delivered (or failed) webhook messages older than this are deleted, "
        "with their attempts, by the delivery workers; a pending one is kept.",
    )
    webhooks_announce_seconds: float = Field(
        default=60.0,
        ge=1,
        le=86_400,
        description="How often each delivery worker looks for deemed approvals and scope "
        "alerts to send (approval.deemed, scope.alert): a fold of every live contract of "
        "the accounts subscribed to them, each event sent once.",
    )

    @field_validator("database_url")
    @classmethod
    def _psycopg_driver(cls, url: str) -> str:
        """``postgres://`` and ``postgresql://`` URLs use psycopg 3, the driver we ship."""
        for scheme in ("postgres://", "postgresql://"):
            if url.startswith(scheme):
                return "postgresql+psycopg://" + url.removeprefix(scheme)
        return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()


__all__ = ["Settings", "get_settings"]
